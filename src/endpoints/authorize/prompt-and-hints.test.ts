import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { isOAuthError } from '../../oauth/errors.js';
import { StorageError } from '../../storage/types.js';
import { paths } from '../paths.js';
import type { EndpointResponse } from '../types.js';
import {
  ALICE,
  BOB,
  ISSUER,
  MEET_CALLBACK,
  MEET_ID,
  MEET_SILENT,
  NAMESPACE,
  WEB,
  WEB_REDIRECT,
} from './test-parties.js';
import {
  authorize,
  createBrowserFixture,
  locationOf,
  without,
  type BrowserFixture,
  type RawParams,
} from './test-browser-fixture.js';
import { CHALLENGE, appendedParams, decodeJwt, expectedSubject } from './test-expected-values.js';

// prompt and id_token_hint (OIDC Core §3.1.2.1, §3.1.2.6; kopano-meet.md req. 15, 26–29).
// Meet renews silently in a hidden iframe with prompt=none and its previous ID token as the
// hint; every answer must be a redirect, or the iframe waits 10 s for nothing.

const aliceSub = expectedSubject(ALICE.id, NAMESPACE);
const bobSub = expectedSubject(BOB.id, NAMESPACE);

/** Meet's silent renew (kpop:src/oidc/actions.js:247-262, oidc-client UserManager.js:248-255). */
function silentRenew(overrides: RawParams = {}): RawParams {
  return {
    client_id: MEET_ID,
    redirect_uri: MEET_SILENT,
    response_type: 'code',
    response_mode: 'fragment',
    scope: 'openid profile email kopano/kwm',
    state: 'silent-1',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    prompt: 'none',
    ...overrides,
  };
}

function silentParams(response: EndpointResponse): Map<string, string> {
  return new Map(appendedParams(locationOf(response), MEET_SILENT, '&'));
}

/** The ID token Meet holds for `user`, from an implicit `id_token` response. */
async function idTokenFor(fx: BrowserFixture, cookies: Record<string, string>): Promise<string> {
  const location = locationOf(
    await authorize(
      fx,
      {
        client_id: MEET_ID,
        redirect_uri: MEET_CALLBACK,
        response_type: 'id_token',
        scope: 'openid',
        nonce: 'n',
        state: 's',
      },
      { cookies },
    ),
  );
  const idToken = new Map(appendedParams(location, MEET_CALLBACK, '&')).get('id_token');
  assert.ok(idToken);
  return idToken;
}

function expectSilentError(response: EndpointResponse, error: string): void {
  const params = silentParams(response);
  assert.equal(params.get('error'), error, params.get('error_description'));
  assert.equal(params.get('state'), 'silent-1');
  assert.equal(params.get('iss'), ISSUER);
  assert.equal(params.get('code'), undefined);
}

describe('id_token_hint at the authorization endpoint (req. 27)', () => {
  it('accepts an expired hint of ours for the signed-in user', async () => {
    const fx = await createBrowserFixture();
    const hint = await idTokenFor(fx, await fx.signIn(ALICE));
    fx.clock.advance(2 * 3600 * 1000);
    assert.ok(Number(decodeJwt(hint).payload['exp']) * 1000 < fx.clock.now(), 'the hint has expired');
    const cookies = await fx.signIn(ALICE);
    const params = silentParams(await authorize(fx, silentRenew({ id_token_hint: hint }), { cookies }));
    assert.equal(params.get('error'), undefined, params.get('error_description'));
    assert.ok(params.get('code'));
  });

  it('answers login_required when the hint names another user than the one signed in', async () => {
    const fx = await createBrowserFixture();
    const bobHint = await idTokenFor(fx, await fx.signIn(BOB));
    const cookies = await fx.signIn(ALICE);
    expectSilentError(
      await authorize(fx, silentRenew({ id_token_hint: bobHint }), { cookies }),
      'login_required',
    );
  });

  it('sends the user to sign in again, not completing as the other user, without prompt=none', async () => {
    const fx = await createBrowserFixture();
    const bobHint = await idTokenFor(fx, await fx.signIn(BOB));
    const cookies = await fx.signIn(ALICE);
    const location = locationOf(
      await authorize(
        fx,
        without(silentRenew({ id_token_hint: bobHint, redirect_uri: MEET_CALLBACK }), 'prompt'),
        {
          cookies,
        },
      ),
    );
    assert.ok(location.startsWith(`${paths.signIn}?interaction=`), location);
  });

  async function refusedHint(hint: string): Promise<void> {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    expectSilentError(
      await authorize(fx, silentRenew({ id_token_hint: hint }), { cookies }),
      'invalid_request',
    );
  }

  async function aliceClaims(fx: BrowserFixture): Promise<Record<string, unknown>> {
    return decodeJwt(await idTokenFor(fx, await fx.signIn(ALICE))).payload;
  }

  it('refuses an unsigned (alg none) hint with invalid_request at the client', async () => {
    const fx = await createBrowserFixture();
    const claims = await aliceClaims(fx);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    await refusedHint(`${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`);
  });

  it('refuses a hint signed by a foreign key, even under our kid', async () => {
    const fx = await createBrowserFixture();
    const claims = await aliceClaims(fx);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (const kid of [fx.signingKey.kid, 'someone-else']) {
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .sign(privateKey);
      await refusedHint(forged);
    }
  });

  it('refuses a tampered hint whose sub was changed after signing', async () => {
    const fx = await createBrowserFixture();
    const hint = await idTokenFor(fx, await fx.signIn(ALICE));
    const [header, , signature] = hint.split('.');
    const payload = { ...decodeJwt(hint).payload, sub: bobSub };
    await refusedHint(`${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`);
  });

  it('refuses one of our access tokens used as a hint', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    const location = locationOf(
      await authorize(
        fx,
        {
          client_id: MEET_ID,
          redirect_uri: MEET_CALLBACK,
          response_type: 'id_token token',
          scope: 'openid',
          nonce: 'n',
        },
        { cookies },
      ),
    );
    const accessToken = new Map(appendedParams(location, MEET_CALLBACK, '&')).get('access_token') ?? '';
    expectSilentError(
      await authorize(fx, silentRenew({ id_token_hint: accessToken }), { cookies }),
      'invalid_request',
    );
  });

  it('treats a sub claims request like a hint: another user’s sub gives login_required, one’s own succeeds', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    const claims = (sub: string) => JSON.stringify({ id_token: { sub: { value: sub } } });
    expectSilentError(
      await authorize(fx, silentRenew({ claims: claims(bobSub) }), { cookies }),
      'login_required',
    );
    const params = silentParams(await authorize(fx, silentRenew({ claims: claims(aliceSub) }), { cookies }));
    assert.ok(params.get('code'), params.get('error_description'));
  });

  it('never confirms a guess of the user’s raw id (DN) unless konnect/raw_sub makes it the subject', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    const byDn = JSON.stringify({ id_token: { sub: { value: ALICE.id } } });
    expectSilentError(await authorize(fx, silentRenew({ claims: byDn }), { cookies }), 'login_required');
    const withRawSub = silentRenew({ claims: byDn, scope: 'openid profile konnect/raw_sub' });
    const params = silentParams(await authorize(fx, withRawSub, { cookies }));
    assert.ok(params.get('code'), params.get('error_description'));
  });
});

describe('prompt=none never shows a page once the redirect URI is verified (req. 15, 26)', () => {
  it('answers login_required to a browser that is not signed in', async () => {
    const fx = await createBrowserFixture();
    expectSilentError(await authorize(fx, silentRenew()), 'login_required');
  });

  it('answers consent_required when an untrusted client would need the consent page', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    const response = await authorize(
      fx,
      {
        client_id: WEB.id,
        redirect_uri: WEB_REDIRECT,
        response_type: 'code',
        scope: 'openid profile',
        state: 'w',
        prompt: 'none',
      },
      { cookies },
    );
    const params = new Map(appendedParams(locationOf(response), WEB_REDIRECT, '?'));
    assert.equal(params.get('error'), 'consent_required');
    assert.equal(params.get('state'), 'w');
    assert.equal(params.get('iss'), ISSUER);
  });

  it('answers login_required when max_age=0 asks for a fresh sign-in', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    expectSilentError(await authorize(fx, silentRenew({ max_age: '0' }), { cookies }), 'login_required');
  });

  it('answers invalid_request for prompt=none combined with login', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    expectSilentError(
      await authorize(fx, silentRenew({ prompt: 'none login' }), { cookies }),
      'invalid_request',
    );
  });

  it('answers invalid_request for a claims parameter that is not JSON', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    expectSilentError(
      await authorize(fx, silentRenew({ claims: '{"id_token":' }), { cookies }),
      'invalid_request',
    );
  });

  it('answers temporarily_unavailable when the directory is down while tokens are issued', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    fx.directory.down = true;
    const response = await authorize(
      fx,
      without(
        silentRenew({ response_type: 'id_token token', nonce: 'n' }),
        'code_challenge',
        'code_challenge_method',
      ),
      { cookies },
    );
    expectSilentError(response, 'temporarily_unavailable');
    assert.equal(silentParams(response).get('access_token'), undefined);
  });

  it('answers server_error, without details, when something unexpected fails', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    fx.directory.broken = new TypeError('secret internals: cannot read property x of undefined');
    const response = await authorize(
      fx,
      without(
        silentRenew({ response_type: 'id_token token', nonce: 'n' }),
        'code_challenge',
        'code_challenge_method',
      ),
      { cookies },
    );
    expectSilentError(response, 'server_error');
    assert.ok(!locationOf(response).includes('internals'));
  });

  it('answers server_error, not an error page, when the session store fails', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    fx.storage.sessions.getBySecretHash = () =>
      Promise.reject(new StorageError('unavailable', 'database down'));
    let response: EndpointResponse;
    try {
      response = await authorize(fx, silentRenew(), { cookies });
    } catch (error) {
      assert.fail(`the hidden iframe got an error page instead of a redirect: ${String(error)}`);
    }
    const params = silentParams(response);
    assert.ok(
      params.get('error') === 'server_error' || params.get('error') === 'temporarily_unavailable',
      params.get('error'),
    );
  });

  it('answers login_required to a guest-shaped request when guests are not allowed', async () => {
    const fx = await createBrowserFixture({ allowClientGuests: false });
    const response = await authorize(
      fx,
      silentRenew({
        scope: 'openid profile konnect/guestok',
        claims: JSON.stringify({
          id_token: { guest: { value: 'x@1.kwmguest' }, name: { value: 'Mallory' } },
        }),
      }),
    );
    expectSilentError(response, 'login_required');
  });

  it('still shows an error page, not a redirect, when the redirect URI is not registered', async () => {
    const fx = await createBrowserFixture();
    await assert.rejects(
      authorize(fx, silentRenew({ redirect_uri: 'https://evil.example.net/meet/#oidc-silent-refresh' })),
      (error: unknown) => isOAuthError(error) && !error.redirectable,
    );
  });
});

describe('prompt=login and prompt=select_account show the sign-in pages (req. 15)', () => {
  it('sends a signed-in user to the sign-in page for prompt=login', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    const location = locationOf(await authorize(fx, silentRenew({ prompt: 'login' }), { cookies }));
    assert.ok(location.startsWith(`${paths.signIn}?interaction=`), location);
  });

  it('sends a signed-in user to the account chooser for prompt=select_account (kpop’s “switch user”)', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    const location = locationOf(await authorize(fx, silentRenew({ prompt: 'select_account' }), { cookies }));
    assert.ok(location.startsWith(`${paths.chooseAccount}?interaction=`), location);
  });
});
