import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertCodeVerifier, checkCodeChallenge, verifyCodeVerifier } from './pkce.js';
import { OAuthError } from './errors.js';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

function rejects(fn: () => unknown, code: string, description?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof OAuthError);
    assert.equal(error.code, code);
    assert.equal(error.redirectable, false);
    if (description) assert.match(error.description, description);
    return true;
  });
}

describe('checkCodeChallenge', () => {
  it('accepts the RFC 7636 Appendix B challenge with S256', () => {
    assert.deepEqual(checkCodeChallenge(CHALLENGE, 'S256', ['S256']), {
      challenge: CHALLENGE,
      method: 'S256',
    });
  });

  it('returns null when the request uses no PKCE', () => {
    assert.equal(checkCodeChallenge(undefined, undefined, ['S256']), null);
    assert.equal(checkCodeChallenge('', '', ['S256']), null);
  });

  it('refuses a method sent without a challenge', () => {
    rejects(() => checkCodeChallenge(undefined, 'S256', ['S256']), 'invalid_request');
  });

  it('requires the method when plain is not allowed', () => {
    rejects(
      () => checkCodeChallenge(CHALLENGE, undefined, ['S256']),
      'invalid_request',
      /code_challenge_method is required/,
    );
  });

  it('reads a missing method as plain (RFC 7636 §4.3) when the client allows plain', () => {
    assert.deepEqual(checkCodeChallenge(VERIFIER, undefined, ['S256', 'plain']), {
      challenge: VERIFIER,
      method: 'plain',
    });
  });

  it('reads a missing method as S256 in Konnect compatibility mode', () => {
    assert.deepEqual(checkCodeChallenge(CHALLENGE, undefined, ['S256'], { compatS256Default: true }), {
      challenge: CHALLENGE,
      method: 'S256',
    });
  });

  it('refuses plain unless the client allows it', () => {
    rejects(() => checkCodeChallenge(VERIFIER, 'plain', ['S256']), 'invalid_request', /not allowed/);
  });

  it('refuses an unknown method', () => {
    rejects(() => checkCodeChallenge(CHALLENGE, 'S512', ['S256', 'plain']), 'invalid_request', /unsupported/);
    rejects(() => checkCodeChallenge(CHALLENGE, 's256', ['S256']), 'invalid_request');
  });

  it('refuses malformed challenges', () => {
    rejects(() => checkCodeChallenge(CHALLENGE.slice(1), 'S256', ['S256']), 'invalid_request', /malformed/);
    rejects(() => checkCodeChallenge(`${CHALLENGE}=`, 'S256', ['S256']), 'invalid_request');
    rejects(() => checkCodeChallenge(CHALLENGE.replace('-', '+'), 'S256', ['S256']), 'invalid_request');
    rejects(() => checkCodeChallenge('a'.repeat(42), 'plain', ['plain']), 'invalid_request');
    rejects(() => checkCodeChallenge('a'.repeat(129), 'plain', ['plain']), 'invalid_request');
    rejects(() => checkCodeChallenge(`${'a'.repeat(42)} `, 'plain', ['plain']), 'invalid_request');
  });

  it('accepts plain challenges of 43 to 128 unreserved characters', () => {
    assert.ok(checkCodeChallenge('a'.repeat(43), 'plain', ['plain']));
    assert.ok(checkCodeChallenge(`${'A1-._~'.repeat(21)}xy`, 'plain', ['plain']));
  });
});

describe('verifyCodeVerifier', () => {
  it('verifies the RFC 7636 Appendix B vector', () => {
    assert.equal(verifyCodeVerifier(VERIFIER, CHALLENGE, 'S256'), true);
  });

  it('rejects a different verifier', () => {
    assert.equal(verifyCodeVerifier(`${VERIFIER.slice(0, -1)}l`, CHALLENGE, 'S256'), false);
  });

  it('rejects the challenge itself presented as verifier', () => {
    assert.equal(verifyCodeVerifier(CHALLENGE, CHALLENGE, 'S256'), false);
  });

  it('compares plain verifiers literally', () => {
    assert.equal(verifyCodeVerifier(VERIFIER, VERIFIER, 'plain'), true);
    assert.equal(verifyCodeVerifier(VERIFIER, CHALLENGE, 'plain'), false);
  });

  it('rejects malformed verifiers even when they would match', () => {
    const short = 'abc';
    assert.equal(verifyCodeVerifier(short, short, 'plain'), false);
    const spaced = `${VERIFIER} `;
    assert.equal(verifyCodeVerifier(spaced, spaced, 'plain'), false);
    assert.equal(verifyCodeVerifier('a'.repeat(129), 'a'.repeat(129), 'plain'), false);
  });
});

describe('assertCodeVerifier', () => {
  it('passes a matching verifier and a code without PKCE', () => {
    assertCodeVerifier(VERIFIER, CHALLENGE, 'S256');
    assertCodeVerifier(undefined, null, null);
  });

  it('refuses a missing verifier when the code was issued with a challenge', () => {
    rejects(() => assertCodeVerifier(undefined, CHALLENGE, 'S256'), 'invalid_grant', /required/);
    rejects(() => assertCodeVerifier('', CHALLENGE, 'S256'), 'invalid_grant');
  });

  it('refuses a wrong verifier', () => {
    rejects(() => assertCodeVerifier('x'.repeat(43), CHALLENGE, 'S256'), 'invalid_grant', /does not match/);
  });

  it('refuses a verifier for a code issued without a challenge (downgrade)', () => {
    rejects(() => assertCodeVerifier(VERIFIER, null, null), 'invalid_grant');
  });

  it('treats a stored challenge without method as S256', () => {
    assertCodeVerifier(VERIFIER, CHALLENGE, null);
  });
});
