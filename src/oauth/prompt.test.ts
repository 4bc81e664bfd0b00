import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decideInteraction, parseMaxAge, parsePrompt, type InteractionInput, type Prompt } from './prompt.js';
import { OAuthError } from './errors.js';

function isInvalidRequest(error: unknown): boolean {
  return error instanceof OAuthError && error.code === 'invalid_request' && !error.redirectable;
}

describe('parsePrompt', () => {
  it('parses a space-separated set', () => {
    assert.deepEqual([...parsePrompt('login  consent')], ['login', 'consent']);
    assert.deepEqual([...parsePrompt('select_account')], ['select_account']);
  });

  it('gives the empty set for an absent or blank prompt', () => {
    assert.equal(parsePrompt(undefined).size, 0);
    assert.equal(parsePrompt(' ').size, 0);
  });

  it('refuses unknown values', () => {
    assert.throws(() => parsePrompt('login create'), isInvalidRequest);
    assert.throws(() => parsePrompt('LOGIN'), isInvalidRequest);
  });

  it('refuses none combined with anything else', () => {
    assert.throws(() => parsePrompt('none login'), isInvalidRequest);
    assert.throws(() => parsePrompt('consent none'), isInvalidRequest);
    assert.deepEqual([...parsePrompt('none none')], ['none']);
  });
});

describe('parseMaxAge', () => {
  it('parses non-negative integers', () => {
    assert.equal(parseMaxAge('0'), 0);
    assert.equal(parseMaxAge('3600'), 3600);
    assert.equal(parseMaxAge('007'), 7);
  });

  it('gives null when absent', () => {
    assert.equal(parseMaxAge(undefined), null);
  });

  it('refuses everything else', () => {
    for (const value of ['', ' 1', '-1', '+1', '1.5', '1e3', '0x10', 'abc', '99999999999999999']) {
      assert.throws(() => parseMaxAge(value), isInvalidRequest, value);
    }
  });
});

describe('decideInteraction', () => {
  const now = Date.UTC(2026, 0, 1, 12);
  const signedIn = { authTime: now - 600_000 }; // ten minutes ago

  function decide(overrides: Partial<InteractionInput> & { prompts?: Prompt[] } = {}) {
    const { prompts = [], ...rest } = overrides;
    return decideInteraction({
      prompt: new Set(prompts),
      maxAge: null,
      session: signedIn,
      now,
      consentGiven: true,
      trusted: false,
      ...rest,
    });
  }

  function errorCode(decision: ReturnType<typeof decideInteraction>): string | undefined {
    if (decision.kind !== 'error') return undefined;
    assert.equal(decision.error.redirectable, false);
    assert.equal(decision.error.asRedirectable().redirectable, true);
    return decision.error.code;
  }

  it('issues right away for a signed-in user who consented earlier', () => {
    assert.deepEqual(decide(), { kind: 'none' });
  });

  it('asks an anonymous user to sign in', () => {
    assert.deepEqual(decide({ session: null }), { kind: 'login' });
  });

  it('answers login_required for prompt=none without a session', () => {
    assert.equal(errorCode(decide({ prompts: ['none'], session: null })), 'login_required');
  });

  it('answers consent_required for prompt=none when consent is missing', () => {
    assert.equal(errorCode(decide({ prompts: ['none'], consentGiven: false })), 'consent_required');
  });

  it('passes prompt=none silently for a signed-in user with consent or a trusted client', () => {
    assert.deepEqual(decide({ prompts: ['none'] }), { kind: 'none' });
    assert.deepEqual(decide({ prompts: ['none'], consentGiven: false, trusted: true }), { kind: 'none' });
  });

  it('asks for the password again on prompt=login even when signed in', () => {
    assert.deepEqual(decide({ prompts: ['login'] }), { kind: 'login' });
  });

  it('asks for the password again when the sign-in is older than max_age', () => {
    assert.deepEqual(decide({ maxAge: 599 }), { kind: 'login' });
    assert.deepEqual(decide({ maxAge: 600 }), { kind: 'none' });
    assert.equal(errorCode(decide({ prompts: ['none'], maxAge: 60 })), 'login_required');
  });

  it('treats max_age=0 like prompt=login', () => {
    assert.deepEqual(decide({ maxAge: 0, session: { authTime: now } }), { kind: 'login' });
  });

  it('offers the account chooser on select_account only with a session', () => {
    assert.deepEqual(decide({ prompts: ['select_account'] }), { kind: 'select_account' });
    assert.deepEqual(decide({ prompts: ['select_account'], session: null }), { kind: 'login' });
  });

  it('asks an untrusted client for consent when none is stored', () => {
    assert.deepEqual(decide({ consentGiven: false }), { kind: 'consent' });
  });

  it('skips consent for trusted clients unless prompt=consent', () => {
    assert.deepEqual(decide({ consentGiven: false, trusted: true }), { kind: 'none' });
    assert.deepEqual(decide({ trusted: true, prompts: ['consent'] }), { kind: 'consent' });
  });

  it('signs in before asking consent', () => {
    assert.deepEqual(decide({ session: null, consentGiven: false }), { kind: 'login' });
  });

  it('does not loop once the user signed in or consented within the interaction', () => {
    const fresh = { authTime: now - 5_000 };
    assert.deepEqual(decide({ prompts: ['login'], session: fresh, authenticatedInInteraction: true }), {
      kind: 'none',
    });
    assert.deepEqual(decide({ maxAge: 0, session: fresh, authenticatedInInteraction: true }), {
      kind: 'none',
    });
    assert.deepEqual(decide({ prompts: ['select_account'], authenticatedInInteraction: true }), {
      kind: 'none',
    });
    assert.deepEqual(
      decide({ prompts: ['login', 'consent'], session: fresh, authenticatedInInteraction: true }),
      { kind: 'consent' },
    );
    assert.deepEqual(decide({ prompts: ['consent'], consentGiven: true, consentedInInteraction: true }), {
      kind: 'none',
    });
  });
});
