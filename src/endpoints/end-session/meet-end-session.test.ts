import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testClient } from '../../clients/test-client.js';
import { isOAuthError } from '../../oauth/errors.js';
import { ALICE, MEET, MEET_CALLBACK, MEET_ID, WEB } from '../authorize/test-parties.js';
import {
  authorize,
  browserRequest,
  createBrowserFixture,
  locationOf,
  type BrowserFixture,
  type BrowserFixtureOptions,
  type RawParams,
} from '../authorize/test-browser-fixture.js';
import { appendedParams, decodeJwt } from '../authorize/test-expected-values.js';
import { paths } from '../paths.js';
import type { EndpointResponse } from '../types.js';
import { handleEndSession } from './handler.js';

// RP-initiated logout as Kopano Meet does it (kopano-meet.md req. 30–31): oidc-client 1.9.1
// sends id_token_hint, post_logout_redirect_uri=…/meet/#oidc-endsession-callback and state,
// and parses the answer with `?` (SignoutResponse.js:9); kpop finds the callback by its prefix.

const ENDSESSION_CALLBACK = 'https://meet.example.com/meet/#oidc-endsession-callback';

async function signedInWithIdToken(
  options: BrowserFixtureOptions = {},
): Promise<{ fx: BrowserFixture; cookies: Record<string, string>; idToken: string }> {
  const fx = await createBrowserFixture(options);
  const cookies = await fx.signIn(ALICE);
  const location = locationOf(
    await authorize(
      fx,
      {
        client_id: MEET_ID,
        redirect_uri: MEET_CALLBACK,
        response_type: 'id_token',
        scope: 'openid',
        nonce: 'n',
      },
      { cookies },
    ),
  );
  const idToken = new Map(appendedParams(location, MEET_CALLBACK, '&')).get('id_token');
  assert.ok(idToken);
  return { fx, cookies, idToken };
}

function endSession(fx: BrowserFixture, params: RawParams, cookies: Record<string, string> = {}) {
  return handleEndSession(browserRequest(paths.endSession, params, { cookies }), fx.deps);
}

function refusedWithoutRedirect(promise: Promise<EndpointResponse>): Promise<void> {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(isOAuthError(error), String(error));
    assert.equal(error.redirectable, false);
    return true;
  });
}

describe('end session for Kopano Meet (req. 30–31)', () => {
  it('lands on …/meet/?state=X#oidc-endsession-callback and ends the session', async () => {
    const { fx, cookies, idToken } = await signedInWithIdToken();
    const response = await endSession(
      fx,
      { id_token_hint: idToken, post_logout_redirect_uri: ENDSESSION_CALLBACK, state: 'X' },
      cookies,
    );
    assert.equal(locationOf(response), 'https://meet.example.com/meet/?state=X#oidc-endsession-callback');
    assert.equal(await fx.deps.sessions.resolve(cookies[fx.sessionCookie]), null);
  });

  it('accepts an expired hint', async () => {
    const { fx, cookies, idToken } = await signedInWithIdToken();
    // Keep the session alive (idle limit 1 h) while the hint (1 h) expires.
    fx.clock.advance(1800 * 1000);
    assert.ok(await fx.deps.sessions.resolve(cookies[fx.sessionCookie]));
    fx.clock.advance(1801 * 1000);
    assert.ok(Number(decodeJwt(idToken).payload['exp']) * 1000 < fx.clock.now(), 'the hint has expired');
    const response = await endSession(
      fx,
      { id_token_hint: idToken, post_logout_redirect_uri: ENDSESSION_CALLBACK, state: 'X' },
      cookies,
    );
    assert.equal(locationOf(response), 'https://meet.example.com/meet/?state=X#oidc-endsession-callback');
    assert.equal(await fx.deps.sessions.resolve(cookies[fx.sessionCookie]), null);
  });

  it('keeps a state with reserved characters intact for oidc-client', async () => {
    const { fx, cookies, idToken } = await signedInWithIdToken();
    const state = 'a b&c=d#e?f';
    const location = locationOf(
      await endSession(
        fx,
        { id_token_hint: idToken, post_logout_redirect_uri: ENDSESSION_CALLBACK, state },
        cookies,
      ),
    );
    const url = new URL(location);
    assert.equal(url.hash, '#oidc-endsession-callback');
    assert.equal(url.searchParams.get('state'), state);
    assert.equal(`${url.origin}${url.pathname}`, 'https://meet.example.com/meet/');
    // oidc-client 1.9.1 decodes with decodeURIComponent, which leaves a '+' alone.
    assert.ok(location.includes('state=a%20b%26c%3Dd%23e%3Ff#'), location);
  });

  it('works for an unregistered Meet trusted for its issuer-origin URI', async () => {
    const { fx, cookies, idToken } = await signedInWithIdToken({ clients: [WEB] });
    const response = await endSession(
      fx,
      { id_token_hint: idToken, post_logout_redirect_uri: ENDSESSION_CALLBACK, state: 'X' },
      cookies,
    );
    assert.equal(locationOf(response), 'https://meet.example.com/meet/?state=X#oidc-endsession-callback');
  });
});

describe('end session never redirects to an unregistered address', () => {
  for (const uri of [
    'https://evil.example.net/meet/#oidc-endsession-callback',
    'https://meet.example.com.evil.example.net/meet/',
    'https://meet.example.com@evil.example.net/meet/',
    'https://meet.example.com/other/#oidc-endsession-callback',
    'http://meet.example.com/meet/#oidc-endsession-callback',
    '//evil.example.net/meet/',
    'javascript:alert(1)//meet.example.com/meet/',
  ]) {
    it(`refuses ${uri} for Meet’s hint, with a page`, async () => {
      const { fx, cookies, idToken } = await signedInWithIdToken();
      await refusedWithoutRedirect(
        endSession(fx, { id_token_hint: idToken, post_logout_redirect_uri: uri, state: 'X' }, cookies),
      );
    });
  }

  it('refuses another origin for an unregistered Meet', async () => {
    const { fx, cookies, idToken } = await signedInWithIdToken({ clients: [WEB] });
    await refusedWithoutRedirect(
      endSession(
        fx,
        { id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.example.net/x' },
        cookies,
      ),
    );
  });

  it('refuses a post_logout_redirect_uri without a hint or client_id', async () => {
    const fx = await createBrowserFixture();
    await refusedWithoutRedirect(
      endSession(fx, { post_logout_redirect_uri: ENDSESSION_CALLBACK, state: 'X' }),
    );
  });

  it('under strict configuration refuses the end-session URI unless it is registered exactly', async () => {
    const meet = testClient({ ...MEET, redirectUris: [MEET_CALLBACK] });
    const strict = await signedInWithIdToken({ compat: false, clients: [meet] });
    await refusedWithoutRedirect(
      endSession(
        strict.fx,
        { id_token_hint: strict.idToken, post_logout_redirect_uri: ENDSESSION_CALLBACK },
        strict.cookies,
      ),
    );
    const registered = testClient({ ...meet, postLogoutRedirectUris: [ENDSESSION_CALLBACK] });
    const { fx, cookies, idToken } = await signedInWithIdToken({ compat: false, clients: [registered] });
    const response = await endSession(
      fx,
      { id_token_hint: idToken, post_logout_redirect_uri: ENDSESSION_CALLBACK, state: 'X' },
      cookies,
    );
    assert.equal(locationOf(response), 'https://meet.example.com/meet/?state=X#oidc-endsession-callback');
  });

  it('refuses a hint with a forged signature instead of trusting its audience', async () => {
    const { fx, cookies, idToken } = await signedInWithIdToken();
    const [header, payload] = idToken.split('.');
    await refusedWithoutRedirect(
      endSession(
        fx,
        { id_token_hint: `${header}.${payload}.AAAA`, post_logout_redirect_uri: ENDSESSION_CALLBACK },
        cookies,
      ),
    );
    assert.ok(await fx.deps.sessions.resolve(cookies[fx.sessionCookie]), 'the session is still there');
  });

  it('asks a signed-in user to confirm when the hint is missing, instead of signing out silently', async () => {
    const { fx, cookies } = await signedInWithIdToken();
    const response = await endSession(
      fx,
      { client_id: MEET_ID, post_logout_redirect_uri: ENDSESSION_CALLBACK },
      cookies,
    );
    assert.equal(response.kind, 'html');
    assert.ok(await fx.deps.sessions.resolve(cookies[fx.sessionCookie]), 'still signed in');
  });
});
