import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kwmConnect } from '../../../test/helpers/libkcoidc.js';
import { testClient } from '../../clients/test-client.js';
import { isOAuthError } from '../../oauth/errors.js';
import { providerMetadata } from '../discovery/metadata.js';
import { paths } from '../paths.js';
import { handleUserinfo } from '../userinfo/handler.js';
import {
  ALICE,
  ISSUER,
  MEET,
  MEET_BASE,
  MEET_CALLBACK,
  MEET_CLAIMS,
  MEET_ID,
  MEET_SCOPE,
  NAMESPACE,
  WEB,
} from './test-parties.js';
import {
  apiRequest,
  authorize,
  createBrowserFixture,
  locationOf,
  tokenRequest,
  type BrowserFixture,
  type BrowserFixtureOptions,
  type RawParams,
  type TokenBody,
} from './test-browser-fixture.js';
import {
  CHALLENGE,
  VERIFIER,
  appendedParams,
  decodeJwt,
  expectedSubject,
  verifyWithJwks,
} from './test-expected-values.js';

// Kopano Meet's own sign-in (kopano-meet.md req. 8–20): kpop 2.6.0 with oidc-client 1.9.1,
// code flow with PKCE in fragment mode, the `claims` parameter asking for `name`, and
// Konnect-format access tokens for kwmserver (req. 21–23).

/** The authorization request kpop's UserManager sends (kpop:src/oidc/actions.js:363-382). */
function meetRequest(overrides: RawParams = {}): RawParams {
  return {
    client_id: MEET_ID,
    redirect_uri: MEET_CALLBACK,
    response_type: 'code',
    response_mode: 'fragment',
    scope: MEET_SCOPE,
    state: 'f2b7c1d0e9a84b3c',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    claims: MEET_CLAIMS,
    ...overrides,
  };
}

/** Meet's code exchange (oidc-client TokenClient.js:23-47): the full redirect_uri, no secret. */
function meetExchange(fx: BrowserFixture, code: string, redirectUri = MEET_CALLBACK): Promise<TokenBody> {
  return tokenRequest(fx, {
    grant_type: 'authorization_code',
    client_id: MEET_ID,
    code,
    redirect_uri: redirectUri,
    code_verifier: VERIFIER,
  });
}

async function meetSignIn(
  options: BrowserFixtureOptions = {},
  overrides: RawParams = {},
): Promise<{ fx: BrowserFixture; location: string; params: [string, string][]; tokens: TokenBody }> {
  const fx = await createBrowserFixture(options);
  const cookies = await fx.signIn(ALICE);
  const location = locationOf(await authorize(fx, meetRequest(overrides), { cookies }));
  const params = appendedParams(location, MEET_CALLBACK, '&');
  const code = new Map(params).get('code');
  assert.ok(code, 'a code in the response');
  const tokens = await meetExchange(fx, code, String(overrides['redirect_uri'] ?? MEET_CALLBACK));
  return { fx, location, params, tokens };
}

const aliceSub = expectedSubject(ALICE.id, NAMESPACE);
const meetScopes = MEET_SCOPE.split(' ');

describe('Kopano Meet signs in with the code flow under Konnect compatibility', () => {
  it('returns to …/meet/#oidc-callback&code=…&state=…&session_state=…&iss=… without a consent page', async () => {
    const { params } = await meetSignIn();
    assert.deepEqual(
      params.map(([name]) => name),
      ['code', 'state', 'session_state', 'iss'],
    );
    const values = new Map(params);
    assert.equal(values.get('state'), 'f2b7c1d0e9a84b3c');
    assert.equal(values.get('iss'), ISSUER);
    assert.match(values.get('session_state') ?? '', /^[0-9a-f]{64}\.[A-Za-z0-9]{32}$/);
  });

  it('answers the code exchange with a Bearer token, every requested scope, no refresh token and a named ID token', async () => {
    const { fx, tokens } = await meetSignIn();
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.expires_in, 600);
    // req. 18: either no scope, or all of them (kpop needs kopano/kwm or shows "No access!").
    if (tokens.scope !== undefined) assert.deepEqual(tokens.scope.split(' ').sort(), [...meetScopes].sort());
    assert.equal(tokens.refresh_token, undefined, 'Meet never asks for offline_access (req. 19)');
    assert.ok(tokens.id_token);
    const idToken = await verifyWithJwks(tokens.id_token, fx.tokens, ISSUER, fx.clock.now());
    assert.equal(idToken.sub, aliceSub);
    assert.equal(idToken.aud, MEET_ID);
    assert.equal(idToken['name'], 'Alice Liddell', 'the claims parameter asks for name (req. 13)');
  });

  it('refuses the code exchange with the registered base URI instead of the one Meet sent', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    const location = locationOf(await authorize(fx, meetRequest(), { cookies }));
    const code = new Map(appendedParams(location, MEET_CALLBACK, '&')).get('code') ?? '';
    await assert.rejects(meetExchange(fx, code, MEET_BASE), /invalid_grant/);
  });

  it('works the same when Meet is not registered, trusting it for its redirect URI on the issuer origin', async () => {
    const { fx, params, tokens } = await meetSignIn({ clients: [WEB] });
    assert.deepEqual(
      params.map(([name]) => name),
      ['code', 'state', 'session_state', 'iss'],
    );
    assert.equal(tokens.token_type, 'Bearer');
    if (tokens.scope !== undefined) assert.deepEqual(tokens.scope.split(' ').sort(), [...meetScopes].sort());
    assert.equal(tokens.refresh_token, undefined);
    const idToken = await verifyWithJwks(tokens.id_token ?? '', fx.tokens, ISSUER, fx.clock.now());
    assert.equal(idToken['name'], 'Alice Liddell');
    assert.deepEqual(decodeJwt(tokens.access_token).payload['kc.authorizedScopes'], meetScopes);
  });

  it('does not trust an unregistered client whose redirect URI is on another origin', async () => {
    const fx = await createBrowserFixture({ clients: [] });
    const cookies = await fx.signIn(ALICE);
    await assert.rejects(
      authorize(
        fx,
        meetRequest({
          client_id: 'kpop-https://evil.example.net/meet/',
          redirect_uri: 'https://evil.example.net/meet/#oidc-callback',
        }),
        { cookies },
      ),
      (error: unknown) => isOAuthError(error) && !error.redirectable && error.code === 'invalid_request',
    );
  });

  it('under strict configuration refuses …/meet/#oidc-callback when only …/meet/ is registered, and shows an error page', async () => {
    const fx = await createBrowserFixture({ compat: false });
    const cookies = await fx.signIn(ALICE);
    await assert.rejects(authorize(fx, meetRequest(), { cookies }), (error: unknown) => {
      assert.ok(isOAuthError(error));
      assert.equal(error.code, 'invalid_request');
      assert.equal(error.redirectable, false);
      return true;
    });
  });

  it('under strict configuration accepts the exact fragment URI once it is registered', async () => {
    const registered = testClient({ ...MEET, redirectUris: [MEET_CALLBACK] });
    const fx = await createBrowserFixture({ compat: false, clients: [registered] });
    const cookies = await fx.signIn(ALICE);
    const location = locationOf(await authorize(fx, meetRequest(), { cookies }));
    const values = new Map(appendedParams(location, MEET_CALLBACK, '&'));
    assert.ok(values.get('code'));
    const tokens = await meetExchange(fx, values.get('code') ?? '');
    const idToken = await verifyWithJwks(tokens.id_token ?? '', fx.tokens, ISSUER, fx.clock.now());
    assert.equal(idToken['name'], 'Alice Liddell');
  });

  it('under strict configuration does not trust an unregistered Meet on the issuer origin', async () => {
    const fx = await createBrowserFixture({ compat: false, clients: [WEB] });
    const cookies = await fx.signIn(ALICE);
    await assert.rejects(
      authorize(fx, meetRequest(), { cookies }),
      (error: unknown) => isOAuthError(error) && !error.redirectable,
    );
  });
});

describe('Konnect-format access tokens for kwmserver and kapi (req. 21–23)', () => {
  it('carries the ID token’s sub and iss, a published kid, the client id as aud and Konnect’s kc.* claims', async () => {
    const { fx, tokens } = await meetSignIn();
    const { header, payload } = decodeJwt(tokens.access_token);
    const idToken = decodeJwt(tokens.id_token ?? '').payload;
    assert.ok(fx.tokens.jwks().keys.some((key) => key.kid === header['kid']));
    assert.equal(payload['sub'], idToken['sub']);
    assert.equal(payload['iss'], idToken['iss']);
    assert.equal(payload['aud'], MEET_ID);
    assert.equal(payload['kc.isAccessToken'], true);
    assert.deepEqual(payload['kc.authorizedScopes'], meetScopes);
    assert.deepEqual(payload['kc.identity'], {
      'kc.i.id': ALICE.id,
      'kc.i.un': 'alice',
      'kc.i.dn': 'Alice Liddell',
    });
    assert.ok(Number(payload['iat']) <= Math.floor(fx.clock.now() / 1000), 'iat is never in the future');
  });

  it('keeps sub equal to the ID token’s when konnect/raw_sub makes it the raw id', async () => {
    const { tokens } = await meetSignIn({}, { scope: `${MEET_SCOPE} konnect/raw_sub` });
    const access = decodeJwt(tokens.access_token).payload;
    const idToken = decodeJwt(tokens.id_token ?? '').payload;
    assert.equal(idToken['sub'], ALICE.id);
    assert.equal(access['sub'], idToken['sub']);
    assert.equal(access['iss'], idToken['iss']);
  });

  it('passes kwmserver’s rtm connect checks (libkcoidc 0.7.2) as alice, with the ID token matching', async () => {
    const { fx, tokens } = await meetSignIn();
    const result = kwmConnect({
      issuer: ISSUER,
      discovery: JSON.stringify(providerMetadata(fx.deps.config, fx.tokens.alg)),
      jwks: JSON.stringify(fx.tokens.jwks()),
      accessToken: tokens.access_token,
      idToken: tokens.id_token ?? null,
      now: fx.clock.now(),
      requiredScopes: ['kopano/kwm'],
      authMode: '1',
    });
    assert.equal(result.user, 'alice', 'useIdentifiedUser takes kc.i.un');
    assert.equal(result.authenticatedUserId, ALICE.id);
    assert.equal(result.isGuest, false);
    assert.equal(result.userClaims?.['name'], 'Alice Liddell', 'kwmserver names the user from the ID token');
  });

  it('serves userinfo for the Konnect-format token with the ID token’s sub', async () => {
    const { fx, tokens } = await meetSignIn();
    const response = await handleUserinfo(
      apiRequest(
        paths.userinfo,
        {},
        { method: 'GET', headers: { authorization: `Bearer ${tokens.access_token}` } },
      ),
      fx.deps,
    );
    assert.equal(response.kind, 'json');
    const body = response.kind === 'json' ? (response.body as Record<string, unknown>) : {};
    assert.equal(body['sub'], aliceSub);
    assert.equal(body['name'], 'Alice Liddell');
    assert.equal(body['email'], 'alice@example.com');
  });
});

describe('claims requests never put the request’s values into a user’s tokens', () => {
  const injection = JSON.stringify({
    userinfo: { email: { value: 'ceo@evil' }, role: { value: 'admin' } },
    id_token: {
      name: { value: 'Admin' },
      email: { value: 'ceo@evil', essential: true },
      groups: { value: ['admins'] },
      'kc.isAccessToken': { value: true },
    },
  });

  it('shows the user’s own name and e-mail, never the requested values, in the ID token and userinfo', async () => {
    const { fx, tokens } = await meetSignIn({}, { claims: injection });
    const idToken = await verifyWithJwks(tokens.id_token ?? '', fx.tokens, ISSUER, fx.clock.now());
    assert.equal(idToken['name'], 'Alice Liddell');
    assert.equal(idToken['email'], 'alice@example.com');
    assert.equal(idToken['kc.isAccessToken'], undefined);
    assert.equal(idToken['groups'], undefined, 'groups was not granted');
    const response = await handleUserinfo(
      apiRequest(
        paths.userinfo,
        {},
        { method: 'GET', headers: { authorization: `Bearer ${tokens.access_token}` } },
      ),
      fx.deps,
    );
    const body = response.kind === 'json' ? (response.body as Record<string, unknown>) : {};
    assert.equal(body['email'], 'alice@example.com');
    assert.equal(body['role'], undefined);
    assert.ok(!JSON.stringify(body).includes('evil'));
    assert.ok(!JSON.stringify(idToken).includes('evil'));
    assert.ok(!JSON.stringify(idToken).includes('Admin'));
  });

  it('does not release a requested claim whose scope was not granted', async () => {
    const { tokens } = await meetSignIn(
      {},
      { scope: 'openid', claims: '{"id_token":{"name":null,"email":null}}' },
    );
    const idToken = decodeJwt(tokens.id_token ?? '').payload;
    assert.equal(idToken['name'], undefined);
    assert.equal(idToken['email'], undefined);
  });

  it('remembers the claims request in the grant, so a refreshed ID token still has name', async () => {
    const { fx, tokens } = await meetSignIn({}, { scope: `${MEET_SCOPE} offline_access` });
    assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');
    const refreshed = await tokenRequest(fx, {
      grant_type: 'refresh_token',
      client_id: MEET_ID,
      refresh_token: tokens.refresh_token,
    });
    assert.ok(refreshed.id_token, 'every refresh answer carries a new ID token (req. 19)');
    const idToken = await verifyWithJwks(refreshed.id_token, fx.tokens, ISSUER, fx.clock.now());
    assert.equal(idToken['name'], 'Alice Liddell');
    assert.equal(idToken.sub, decodeJwt(tokens.id_token ?? '').payload['sub']);
  });
});

describe('only a trusted client is granted scopes Sesame does not know', () => {
  it('grants an untrusted client with stored consent the standard scopes, without kopano/*', async () => {
    const untrusted = testClient({ ...MEET, trusted: false });
    const fx = await createBrowserFixture({ clients: [untrusted] });
    const cookies = await fx.signIn(ALICE);
    await fx.storage.consents.put({
      userId: ALICE.id,
      clientId: MEET_ID,
      scopes: ['openid', 'profile', 'email'],
      createdAt: fx.clock.now(),
    });
    const location = locationOf(await authorize(fx, meetRequest(), { cookies }));
    const code = new Map(appendedParams(location, MEET_CALLBACK, '&')).get('code') ?? '';
    const tokens = await meetExchange(fx, code);
    assert.deepEqual(decodeJwt(tokens.access_token).payload['kc.authorizedScopes'], [
      'openid',
      'profile',
      'email',
    ]);
  });
});
