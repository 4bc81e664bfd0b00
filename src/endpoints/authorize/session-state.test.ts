import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csrfCookieName, csrfToken } from '../../sessions/csrf.js';
import { handleEndSession } from '../end-session/handler.js';
import { paths } from '../paths.js';
import { submitSignIn } from '../signin/sign-in.js';
import type { CookieInstruction, EndpointResponse } from '../types.js';
import {
  ALICE,
  BOB,
  ISSUER,
  MEET_CALLBACK,
  MEET_ID,
  MEET_SCOPE,
  NAMESPACE,
  PASSWORDS,
} from './test-parties.js';
import {
  authorize,
  browserRequest,
  createBrowserFixture,
  locationOf,
  without,
  type BrowserFixture,
  type RawParams,
} from './test-browser-fixture.js';
import {
  CHALLENGE,
  appendedParams,
  expectedBrowserState,
  expectedSessionState,
  expectedSubject,
} from './test-expected-values.js';

// OpenID Connect Session Management as Konnect did it (kopano-meet.md req. 32–34): the
// browser-state cookie the check-session iframe reads, and the session_state Meet's
// oidc-client holds. Any disagreement signs Meet users out in a loop, so every value here is
// recomputed from Konnect's algorithm (konnect:oidc/provider/state.go, cookie.go).

const COOKIE_PATH = '/konnect/v1/session/';

function meetRequest(overrides: RawParams = {}): RawParams {
  return {
    client_id: MEET_ID,
    redirect_uri: MEET_CALLBACK,
    response_type: 'code',
    response_mode: 'fragment',
    scope: MEET_SCOPE,
    state: 'st',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...overrides,
  };
}

function browserStateCookies(response: EndpointResponse, name: string): CookieInstruction[] {
  return (response.cookies ?? []).filter((cookie) => cookie.name === name);
}

async function signedInMeetResponse(fx: BrowserFixture): Promise<EndpointResponse> {
  const cookies = await fx.signIn(ALICE);
  return authorize(fx, meetRequest(), { cookies });
}

describe('session_state and the browser-state cookie (req. 33)', () => {
  it('gives Meet the session_state Konnect’s iframe algorithm confirms for the signed-in user', async () => {
    const fx = await createBrowserFixture();
    const response = await signedInMeetResponse(fx);
    const sessionState = new Map(appendedParams(locationOf(response), MEET_CALLBACK, '&')).get(
      'session_state',
    );
    assert.ok(sessionState);
    const [, salt] = sessionState.split('.');
    assert.match(salt ?? '', /^[A-Za-z0-9]{32}$/);
    const browserState = expectedBrowserState(expectedSubject(ALICE.id, NAMESPACE), ISSUER);
    assert.equal(
      sessionState,
      expectedSessionState(MEET_ID, 'https://meet.example.com', browserState, salt ?? ''),
    );
  });

  it('sets __Secure-KKBS on /konnect/v1/session/, readable by the iframe’s script, holding the browser state', async () => {
    const fx = await createBrowserFixture();
    const response = await signedInMeetResponse(fx);
    const [cookie, ...more] = browserStateCookies(response, '__Secure-KKBS');
    assert.equal(more.length, 0);
    assert.ok(cookie, 'the browser-state cookie is set');
    assert.equal(cookie.value, expectedBrowserState(expectedSubject(ALICE.id, NAMESPACE), ISSUER));
    assert.equal(cookie.path, COOKIE_PATH);
    assert.equal(cookie.httpOnly, false);
    assert.equal(cookie.sameSite, 'none', 'Konnect: SameSite=None; Secure (cookie.go)');
    assert.equal(cookie.maxAge, undefined, 'a browser-session cookie');
  });

  it('names the cookie KKBS over http, where browsers refuse the __Secure- prefix', async () => {
    const issuer = 'http://meet.example.com';
    const fx = await createBrowserFixture({ issuer, clients: [] });
    const cookies = await fx.signIn(ALICE);
    const redirectUri = 'http://meet.example.com/meet/#oidc-callback';
    const response = await authorize(
      fx,
      meetRequest({ client_id: 'kpop-http://meet.example.com/meet/', redirect_uri: redirectUri }),
      {
        cookies,
      },
    );
    assert.equal(browserStateCookies(response, '__Secure-KKBS').length, 0);
    const [cookie] = browserStateCookies(response, 'KKBS');
    assert.ok(cookie);
    assert.equal(cookie.path, COOKIE_PATH);
    assert.equal(cookie.httpOnly, false);
    assert.equal(cookie.value, expectedBrowserState(expectedSubject(ALICE.id, NAMESPACE), issuer));
    const sessionState =
      new Map(appendedParams(locationOf(response), redirectUri, '&')).get('session_state') ?? '';
    const salt = sessionState.split('.')[1] ?? '';
    assert.equal(
      sessionState,
      expectedSessionState(
        'kpop-http://meet.example.com/meet/',
        'http://meet.example.com',
        cookie.value ?? '',
        salt,
      ),
    );
  });

  it('sets the nobody-signed-in state and no session_state on a login_required answer', async () => {
    const fx = await createBrowserFixture();
    const response = await authorize(fx, meetRequest({ prompt: 'none' }));
    const params = new Map(appendedParams(locationOf(response), MEET_CALLBACK, '&'));
    assert.equal(params.get('error'), 'login_required');
    assert.equal(params.get('session_state'), undefined);
    const [cookie] = browserStateCookies(response, '__Secure-KKBS');
    assert.equal(cookie?.value, expectedBrowserState(null, ISSUER));
  });

  it('sends neither the cookie nor session_state when session management is off', async () => {
    const fx = await createBrowserFixture({ sessionManagement: false });
    const response = await signedInMeetResponse(fx);
    const params = new Map(appendedParams(locationOf(response), MEET_CALLBACK, '&'));
    assert.equal(params.get('session_state'), undefined);
    assert.ok(params.get('code'));
    assert.equal(browserStateCookies(response, '__Secure-KKBS').length, 0);
  });

  it('gives a different browser state to a different user, so the iframe reports a change', async () => {
    const fx = await createBrowserFixture();
    const alice = browserStateCookies(await signedInMeetResponse(fx), '__Secure-KKBS')[0]?.value;
    const bob = browserStateCookies(
      await authorize(fx, meetRequest(), { cookies: await fx.signIn(BOB) }),
      '__Secure-KKBS',
    )[0]?.value;
    assert.ok(alice && bob);
    assert.notEqual(alice, bob);
    assert.equal(bob, expectedBrowserState(expectedSubject(BOB.id, NAMESPACE), ISSUER));
  });
});

describe('the browser-state cookie is cleared at sign-in and sign-out (req. 33)', () => {
  function signInForm(fx: BrowserFixture, fields: RawParams, cookies: Record<string, string>) {
    const csrfCookie = 'c'.repeat(43);
    return submitSignIn(
      browserRequest(
        paths.signIn,
        { ...fields, csrf: csrfToken(fx.deps.csrfKey, csrfCookie, 'signin') },
        { method: 'POST', cookies: { ...cookies, [csrfCookieName(true)]: csrfCookie } },
      ),
      fx.deps,
    );
  }

  it('clears it, then sets the new user’s state, when the user signs in during Meet’s authorization', async () => {
    const fx = await createBrowserFixture();
    const toSignIn = locationOf(await authorize(fx, meetRequest()));
    assert.ok(toSignIn.startsWith(`${paths.signIn}?interaction=`), toSignIn);
    const interaction = new URL(toSignIn, ISSUER).searchParams.get('interaction') ?? '';
    const response = await signInForm(
      fx,
      { interaction, username: 'alice', password: PASSWORDS['alice'] ?? '' },
      {},
    );
    assert.ok(locationOf(response).startsWith(`${MEET_CALLBACK}&code=`));
    const states = browserStateCookies(response, '__Secure-KKBS');
    assert.equal(states.length, 2);
    assert.equal(states[0]?.value, null, 'cleared first');
    assert.equal(states[0]?.path, COOKIE_PATH, 'cleared on the path it was set on');
    assert.equal(states[1]?.value, expectedBrowserState(expectedSubject(ALICE.id, NAMESPACE), ISSUER));
  });

  it('clears it when the user signs in without an authorization under way', async () => {
    const fx = await createBrowserFixture();
    const response = await signInForm(
      fx,
      { username: 'bob', password: PASSWORDS['bob'] ?? '' },
      await fx.signIn(ALICE),
    );
    const states = browserStateCookies(response, '__Secure-KKBS');
    assert.equal(states.length, 1);
    assert.equal(states[0]?.value, null);
    assert.equal(states[0]?.path, COOKIE_PATH);
  });

  it('clears it, with the session cookie, when Meet signs the user out', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    const location = locationOf(
      await authorize(
        fx,
        without(
          meetRequest({ response_type: 'id_token', nonce: 'n-1' }),
          'code_challenge',
          'code_challenge_method',
        ),
        {
          cookies,
        },
      ),
    );
    const idToken = new Map(appendedParams(location, MEET_CALLBACK, '&')).get('id_token') ?? '';
    const response = await handleEndSession(
      browserRequest(paths.endSession, { id_token_hint: idToken }, { cookies }),
      fx.deps,
    );
    const states = browserStateCookies(response, '__Secure-KKBS');
    assert.equal(states.length, 1);
    assert.equal(states[0]?.value, null);
    assert.equal(states[0]?.path, COOKIE_PATH);
    assert.ok(browserStateCookies(response, fx.sessionCookie).some((c) => c.value === null));
    assert.equal(await fx.deps.sessions.resolve(cookies[fx.sessionCookie]), null, 'the session ended');
  });
});
