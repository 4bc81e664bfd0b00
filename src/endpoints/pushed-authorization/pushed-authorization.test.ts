import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { ClientRegistry } from '../../clients/registry.js';
import { testClient } from '../../clients/test-client.js';
import { isOAuthError, type OAuthErrorCode } from '../../oauth/errors.js';
import {
  apiRequest,
  authorize,
  browserRequest,
  createBrowserFixture,
  locationOf,
  tokenRequest,
  without,
  type BrowserFixture,
  type RawParams,
} from '../authorize/test-browser-fixture.js';
import { CHALLENGE, VERIFIER, decodeJwt } from '../authorize/test-expected-values.js';
import { ALICE, ISSUER, ecKeyPair } from '../authorize/test-parties.js';
import { paths } from '../paths.js';
import { basic } from '../token/test-fixture.js';
import type { EndpointResponse } from '../types.js';
import { handleAuthorize } from '../authorize/handler.js';
import { handlePushedAuthorization } from './handler.js';
import { pushedRequestKey, pushedRequestLimits } from './pushed-request.js';

// Pushed authorization requests (RFC 9126): the client posts its authorization request to
// the PAR endpoint, authenticated, gets a request_uri, and sends the browser to the
// authorization endpoint with only client_id and that request_uri.

const APP_REDIRECT = 'https://app.example.com/cb';
const APP_OTHER_REDIRECT = 'https://app.example.com/other';
const ONLY_REDIRECT = 'https://only.example.com/cb';
const PUBLIC_REDIRECT = 'https://spa.example.com/cb';
const SIGNER_REDIRECT = 'https://signer.example.com/cb';
const SIGNER_KEY = ecKeyPair('signer-1');

/** A trusted confidential client (no consent page), with two redirect URIs. */
const APP = testClient({
  id: 'par-app',
  secret: 'app-secret',
  trusted: true,
  redirectUris: [APP_REDIRECT, APP_OTHER_REDIRECT],
});
/** A client registered with `require_pushed_authorization_requests: true`. */
const ONLY = testClient({
  id: 'par-only',
  secret: 'only-secret',
  trusted: true,
  redirectUris: [ONLY_REDIRECT],
  requirePushedAuthorizationRequests: true,
});
/** A public client: it authenticates by client_id alone and must use PKCE. */
const PUBLIC = testClient({ id: 'par-public', trusted: true, redirectUris: [PUBLIC_REDIRECT] });
/** A client that signs its request objects. */
const SIGNER = testClient({
  id: 'par-signer',
  secret: 'signer-secret',
  trusted: true,
  redirectUris: [SIGNER_REDIRECT],
  jwks: { keys: [SIGNER_KEY.publicJwk] },
  requestObjectSigningAlg: 'ES256',
});

const appAuth = { client_id: APP.id, client_secret: 'app-secret' };

function fixture(): Promise<BrowserFixture> {
  return createBrowserFixture({ compat: false, clients: [APP, ONLY, PUBLIC, SIGNER] });
}

/** A complete authorization request of `client` for `redirectUri`. */
function requestOf(redirectUri: string, overrides: RawParams = {}): RawParams {
  return {
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid profile',
    state: 'pushed-state',
    nonce: 'pushed-nonce',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...overrides,
  };
}

function callPar(fx: BrowserFixture, body: RawParams, headers: Record<string, string> = {}) {
  return handlePushedAuthorization(apiRequest(paths.pushedAuthorization, body, { headers }), fx.deps);
}

/** Pushes `body` and returns the 201 answer (RFC 9126 §2.2). */
async function push(
  fx: BrowserFixture,
  body: RawParams,
  headers: Record<string, string> = {},
): Promise<{ request_uri: string; expires_in: number }> {
  const response = await callPar(fx, body, headers);
  assert.equal(response.kind, 'json');
  assert.ok(response.kind === 'json');
  assert.equal(response.status, 201, JSON.stringify(response.body));
  assert.equal(response.headers?.['Cache-Control'], 'no-store');
  return response.body as { request_uri: string; expires_in: number };
}

function rejectsWith(promise: Promise<unknown>, code: OAuthErrorCode, status?: number) {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(isOAuthError(error), `expected an OAuthError, got ${String(error)}`);
    assert.equal(error.code, code, error.description);
    if (status !== undefined) assert.equal(error.status, status);
    return true;
  });
}

/** The query of a redirect to `redirectUri`. */
function redirectParams(response: EndpointResponse, redirectUri: string): URLSearchParams {
  const location = locationOf(response);
  assert.ok(location.startsWith(`${redirectUri}?`), location);
  return new URL(location).searchParams;
}

async function signedInAlice(fx: BrowserFixture): Promise<Record<string, string>> {
  return fx.signIn(ALICE);
}

describe('PAR endpoint: pushing a request', () => {
  it('answers 201 with a one-minute request_uri, and the browser signs in with it alone', async () => {
    const fx = await fixture();
    const pushed = await push(fx, { ...requestOf(APP_REDIRECT), ...appAuth });
    assert.match(pushed.request_uri, /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/);
    assert.equal(pushed.expires_in, 60);

    const cookies = await signedInAlice(fx);
    const response = await authorize(fx, { client_id: APP.id, request_uri: pushed.request_uri }, { cookies });
    const params = redirectParams(response, APP_REDIRECT);
    assert.equal(params.get('state'), 'pushed-state');
    assert.equal(params.get('iss'), ISSUER);
    const code = params.get('code');
    assert.ok(code);
    const tokens = await tokenRequest(fx, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: APP_REDIRECT,
      code_verifier: VERIFIER,
      ...appAuth,
    });
    assert.ok(tokens.id_token);
    assert.equal(decodeJwt(tokens.id_token).payload.nonce, 'pushed-nonce');
    assert.equal(tokens.scope, 'openid profile');
  });

  it('accepts Basic authentication without client_id in the body', async () => {
    const fx = await fixture();
    const pushed = await push(fx, requestOf(APP_REDIRECT), { authorization: basic(APP.id, 'app-secret') });
    const cookies = await signedInAlice(fx);
    const response = await authorize(fx, { client_id: APP.id, request_uri: pushed.request_uri }, { cookies });
    assert.ok(redirectParams(response, APP_REDIRECT).get('code'));
  });

  it("keeps the request under the hash of its request_uri, with client_id and without the client's secret", async () => {
    const fx = await fixture();
    const pushed = await push(fx, { ...requestOf(APP_REDIRECT), ...appAuth });
    const now = fx.clock.now();
    assert.equal(await fx.storage.pushedRequests.take(pushed.request_uri, APP.id, now), null);
    const stored = await fx.storage.pushedRequests.take(pushedRequestKey(pushed.request_uri), APP.id, now);
    assert.ok(stored);
    assert.equal(stored.clientId, APP.id);
    assert.equal(stored.expiresAt, now + 60_000);
    assert.deepEqual(stored.params, { ...requestOf(APP_REDIRECT), client_id: APP.id });
  });

  it('accepts a public client that uses PKCE, and refuses it without PKCE', async () => {
    const fx = await fixture();
    const pushed = await push(fx, { ...requestOf(PUBLIC_REDIRECT), client_id: PUBLIC.id });
    const cookies = await signedInAlice(fx);
    const response = await authorize(
      fx,
      { client_id: PUBLIC.id, request_uri: pushed.request_uri },
      { cookies },
    );
    assert.ok(redirectParams(response, PUBLIC_REDIRECT).get('code'));
    await rejectsWith(
      callPar(fx, {
        ...without(requestOf(PUBLIC_REDIRECT), 'code_challenge', 'code_challenge_method'),
        client_id: PUBLIC.id,
      }),
      'invalid_request',
    );
  });

  it('refuses, as JSON, what the authorization endpoint would refuse', async () => {
    const fx = await fixture();
    const cases: [string, RawParams, OAuthErrorCode][] = [
      ['an unregistered redirect_uri', requestOf('https://evil.example.com/cb'), 'invalid_request'],
      ['no redirect_uri', without(requestOf(APP_REDIRECT), 'redirect_uri'), 'invalid_request'],
      ['no response_type', without(requestOf(APP_REDIRECT), 'response_type'), 'invalid_request'],
      [
        'an unknown response_type',
        requestOf(APP_REDIRECT, { response_type: 'token' }),
        'unsupported_response_type',
      ],
      ['a scope without openid', requestOf(APP_REDIRECT, { scope: 'profile' }), 'invalid_scope'],
      ['no scope', without(requestOf(APP_REDIRECT), 'scope'), 'invalid_request'],
      [
        'no nonce for an ID token',
        requestOf(APP_REDIRECT, { response_type: 'id_token', nonce: '' }),
        'invalid_request',
      ],
      ['plain PKCE', requestOf(APP_REDIRECT, { code_challenge_method: 'plain' }), 'invalid_request'],
      ['an id_token_hint not ours', requestOf(APP_REDIRECT, { id_token_hint: 'a.b.c' }), 'invalid_request'],
      [
        'a registration parameter',
        requestOf(APP_REDIRECT, { registration: '{}' }),
        'registration_not_supported',
      ],
      [
        'a request_uri (RFC 9126 §2.1)',
        requestOf(APP_REDIRECT, { request_uri: 'https://app.example.com/r' }),
        'invalid_request',
      ],
      ['a repeated parameter', requestOf(APP_REDIRECT, { state: ['a', 'b'] }), 'invalid_request'],
      ['a repeated unknown parameter', requestOf(APP_REDIRECT, { extra: ['a', 'b'] }), 'invalid_request'],
      [
        'a request too large to keep',
        requestOf(APP_REDIRECT, { filler: 'x'.repeat(33 * 1024) }),
        'invalid_request',
      ],
    ];
    for (const [what, params, code] of cases) {
      await assert.rejects(callPar(fx, { ...params, ...appAuth }), (error: unknown) => {
        assert.ok(isOAuthError(error), what);
        assert.equal(error.code, code, `${what}: ${error.description}`);
        assert.equal(error.status, 400, what);
        return true;
      });
    }
  });

  it('refuses an unknown client, a wrong secret and a public client that sends one', async () => {
    const fx = await fixture();
    await rejectsWith(
      callPar(fx, { ...requestOf(APP_REDIRECT), client_id: 'nobody', client_secret: 'x' }),
      'invalid_client',
      401,
    );
    await rejectsWith(
      callPar(fx, { ...requestOf(APP_REDIRECT), client_id: APP.id, client_secret: 'wrong' }),
      'invalid_client',
      401,
    );
    await rejectsWith(
      callPar(fx, { ...requestOf(PUBLIC_REDIRECT), client_id: PUBLIC.id, client_secret: 'guess' }),
      'invalid_client',
      401,
    );
    const challenged = await callPar(fx, requestOf(APP_REDIRECT), { authorization: basic(APP.id, 'wrong') });
    assert.equal(challenged.kind === 'json' ? challenged.status : 0, 401);
    assert.match(challenged.headers?.['WWW-Authenticate'] ?? '', /^Basic /);
  });

  it('refuses a client_id in the body that is not the authenticated client', async () => {
    const fx = await fixture();
    await rejectsWith(
      callPar(
        fx,
        { ...requestOf(ONLY_REDIRECT), client_id: ONLY.id },
        { authorization: basic(APP.id, 'app-secret') },
      ),
      'invalid_request',
    );
  });

  it('answers 429 once a client has too many requests pending, and still serves the others', async () => {
    const fx = await fixture();
    const now = fx.deps.clock.now();
    const pending = (clientId: string, count: number, from = 0) =>
      Promise.all(
        Array.from({ length: count }, (_, i) =>
          fx.deps.storage.pushedRequests.create({
            requestUriHash: `${clientId}-${from + i}`,
            clientId,
            params: {},
            createdAt: now,
            expiresAt: now + 60_000,
          }),
        ),
      );
    await pending(APP.id, pushedRequestLimits.perClient - 1);
    await push(fx, { ...requestOf(APP_REDIRECT), ...appAuth });
    await rejectsWith(
      callPar(fx, { ...requestOf(APP_REDIRECT), ...appAuth }),
      'temporarily_unavailable',
      429,
    );
    await push(fx, { ...requestOf(PUBLIC_REDIRECT), client_id: PUBLIC.id });

    // Across clients, the total is capped too.
    const others = pushedRequestLimits.total - pushedRequestLimits.perClient - 1;
    await pending('someone-else', others);
    await rejectsWith(
      callPar(fx, { ...requestOf(PUBLIC_REDIRECT), client_id: PUBLIC.id }),
      'temporarily_unavailable',
      429,
    );
  });

  it('answers GET with 405 and Allow: POST', async () => {
    const fx = await fixture();
    const response = await handlePushedAuthorization(
      apiRequest(paths.pushedAuthorization, {}, { method: 'GET' }),
      fx.deps,
    );
    assert.equal(response.kind === 'json' ? response.status : 0, 405);
    assert.equal(response.headers?.['Allow'], 'POST');
  });
});

describe('PAR with a request object', () => {
  const sign = (claims: Record<string, unknown>, key = SIGNER_KEY.privateKey) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'signer-1', typ: 'JWT' }).sign(key);
  const objectClaims = (overrides: Record<string, unknown> = {}) => ({
    iss: SIGNER.id,
    aud: ISSUER,
    client_id: SIGNER.id,
    ...requestOf(SIGNER_REDIRECT),
    claims: { id_token: { name: null } },
    ...overrides,
  });
  const signerAuth = { client_id: SIGNER.id, client_secret: 'signer-secret' };

  it('takes every parameter from the signed object, and its claims request reaches the ID token', async () => {
    const fx = await fixture();
    const pushed = await push(fx, { request: await sign(objectClaims()), ...signerAuth });
    const cookies = await signedInAlice(fx);
    const response = await authorize(
      fx,
      { client_id: SIGNER.id, request_uri: pushed.request_uri },
      { cookies },
    );
    const params = redirectParams(response, SIGNER_REDIRECT);
    assert.equal(params.get('state'), 'pushed-state');
    const tokens = await tokenRequest(fx, {
      grant_type: 'authorization_code',
      code: params.get('code') ?? '',
      redirect_uri: SIGNER_REDIRECT,
      code_verifier: VERIFIER,
      ...signerAuth,
    });
    const idToken = decodeJwt(tokens.id_token ?? '').payload;
    assert.equal(idToken.nonce, 'pushed-nonce');
    assert.equal(idToken.name, ALICE.name, 'the claims request inside the object was applied');
  });

  it('refuses an object with a bad signature, an unsigned one, or one of another client', async () => {
    const fx = await fixture();
    const otherKey = ecKeyPair('signer-1');
    const unsigned = [
      Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url'),
      Buffer.from(JSON.stringify(objectClaims())).toString('base64url'),
      '',
    ].join('.');
    for (const request of [
      await sign(objectClaims(), otherKey.privateKey),
      unsigned,
      await sign(objectClaims({ client_id: APP.id })),
      await sign(objectClaims({ exp: Math.floor(fx.clock.now() / 1000) - 3600 })),
    ]) {
      await rejectsWith(callPar(fx, { request, ...signerAuth }), 'invalid_request_object');
    }
  });

  it('checks a signed object like any request: an unregistered redirect_uri in it is refused', async () => {
    const fx = await fixture();
    const request = await sign(objectClaims({ redirect_uri: 'https://evil.example.com/cb' }));
    await rejectsWith(callPar(fx, { request, ...signerAuth }), 'invalid_request');
  });
});

describe('authorization endpoint: request_uri from PAR', () => {
  it('serves a request_uri once', async () => {
    const fx = await fixture();
    const pushed = await push(fx, { ...requestOf(APP_REDIRECT), ...appAuth });
    const cookies = await signedInAlice(fx);
    const query = { client_id: APP.id, request_uri: pushed.request_uri };
    assert.ok(redirectParams(await authorize(fx, query, { cookies }), APP_REDIRECT).get('code'));
    await rejectsWith(authorize(fx, query, { cookies }), 'invalid_request_uri');
  });

  it('refuses a request_uri after its minute, on a page', async () => {
    const fx = await fixture();
    const pushed = await push(fx, { ...requestOf(APP_REDIRECT), ...appAuth });
    fx.clock.advance(60_000);
    await rejectsWith(
      authorize(
        fx,
        { client_id: APP.id, request_uri: pushed.request_uri },
        { cookies: await signedInAlice(fx) },
      ),
      'invalid_request_uri',
    );
  });

  it('refuses a request_uri presented with the client_id of another client, and keeps it for its own', async () => {
    const fx = await fixture();
    const pushed = await push(fx, { ...requestOf(APP_REDIRECT), ...appAuth });
    const cookies = await signedInAlice(fx);
    await rejectsWith(
      authorize(fx, { client_id: PUBLIC.id, request_uri: pushed.request_uri }, { cookies }),
      'invalid_request_uri',
    );
    const response = await authorize(fx, { client_id: APP.id, request_uri: pushed.request_uri }, { cookies });
    assert.ok(
      redirectParams(response, APP_REDIRECT).get('code'),
      'the client that pushed it can still use it',
    );
  });

  it('needs client_id beside the request_uri, and does not spend the request without it', async () => {
    const fx = await fixture();
    const pushed = await push(fx, { ...requestOf(APP_REDIRECT), ...appAuth });
    const cookies = await signedInAlice(fx);
    await rejectsWith(authorize(fx, { request_uri: pushed.request_uri }, { cookies }), 'invalid_request');
    const response = await authorize(fx, { client_id: APP.id, request_uri: pushed.request_uri }, { cookies });
    assert.ok(redirectParams(response, APP_REDIRECT).get('code'));
  });

  it('ignores every other parameter of the authorization request (RFC 9126 §4, RFC 9101 §5)', async () => {
    const fx = await fixture();
    const pushed = await push(fx, { ...requestOf(APP_REDIRECT), ...appAuth });
    const response = await authorize(
      fx,
      {
        client_id: APP.id,
        request_uri: pushed.request_uri,
        redirect_uri: APP_OTHER_REDIRECT,
        response_type: 'code id_token',
        response_mode: 'fragment',
        state: 'injected',
        scope: 'openid email',
        prompt: 'none',
      },
      { cookies: await signedInAlice(fx) },
    );
    const params = redirectParams(response, APP_REDIRECT);
    assert.equal(params.get('state'), 'pushed-state');
    assert.ok(params.get('code'));
    assert.equal(params.get('id_token'), null);
  });

  it('takes a pushed request from a POSTed authorization request too', async () => {
    const fx = await fixture();
    const pushed = await push(fx, { ...requestOf(APP_REDIRECT), ...appAuth });
    const response = await authorize(
      fx,
      { client_id: APP.id, request_uri: pushed.request_uri },
      { cookies: await signedInAlice(fx), method: 'POST' },
    );
    assert.ok(redirectParams(response, APP_REDIRECT).get('code'));
  });

  it("sends the flow's errors to the pushed redirect_uri with the pushed state", async () => {
    const fx = await fixture();
    const pushed = await push(fx, { ...requestOf(APP_REDIRECT, { prompt: 'none' }), ...appAuth });
    const params = redirectParams(
      await authorize(fx, { client_id: APP.id, request_uri: pushed.request_uri }),
      APP_REDIRECT,
    );
    assert.equal(params.get('error'), 'login_required');
    assert.equal(params.get('state'), 'pushed-state');
  });

  it('sends a user who is not signed in to the sign-in page, and completes the pushed request after', async () => {
    const fx = await fixture();
    const pushed = await push(fx, { ...requestOf(APP_REDIRECT), ...appAuth });
    const response = await authorize(fx, { client_id: APP.id, request_uri: pushed.request_uri });
    assert.match(locationOf(response), new RegExp(`^${paths.signIn}\\?interaction=`));
  });

  it('checks the pushed request again: a redirect URI unregistered since is refused on a page', async () => {
    const fx = await fixture();
    const pushed = await push(fx, { ...requestOf(APP_OTHER_REDIRECT), ...appAuth });
    const narrowed = testClient({ ...APP, redirectUris: [APP_REDIRECT] });
    const deps = { ...fx.deps, clients: ClientRegistry.fromClients([narrowed, ONLY, PUBLIC, SIGNER]) };
    const query = { client_id: APP.id, request_uri: pushed.request_uri };
    await rejectsWith(
      handleAuthorize(browserRequest(paths.authorize, query, { cookies: await signedInAlice(fx) }), deps),
      'invalid_request',
    );
  });

  it('still answers request_uri_not_supported for any other request_uri', async () => {
    const fx = await fixture();
    const response = await authorize(
      fx,
      { ...requestOf(APP_REDIRECT), client_id: APP.id, request_uri: 'https://app.example.com/request.jwt' },
      { cookies: await signedInAlice(fx) },
    );
    const params = redirectParams(response, APP_REDIRECT);
    assert.equal(params.get('error'), 'request_uri_not_supported');
    assert.equal(params.get('state'), 'pushed-state');
  });
});

describe('require_pushed_authorization_requests', () => {
  it('refuses a direct request of such a client at its redirect_uri, with invalid_request', async () => {
    const fx = await fixture();
    const response = await authorize(
      fx,
      { ...requestOf(ONLY_REDIRECT), client_id: ONLY.id },
      { cookies: await signedInAlice(fx) },
    );
    const params = redirectParams(response, ONLY_REDIRECT);
    assert.equal(params.get('error'), 'invalid_request');
    assert.equal(params.get('state'), 'pushed-state');
    assert.equal(params.get('code'), null);
  });

  it('refuses it on a page when the redirect_uri is not registered', async () => {
    const fx = await fixture();
    await rejectsWith(
      authorize(fx, { ...requestOf('https://evil.example.com/cb'), client_id: ONLY.id }),
      'invalid_request',
    );
  });

  it('refuses a request_uri that PAR did not hand out', async () => {
    const fx = await fixture();
    const response = await authorize(fx, {
      ...requestOf(ONLY_REDIRECT),
      client_id: ONLY.id,
      request_uri: 'https://only.example.com/request.jwt',
    });
    assert.equal(redirectParams(response, ONLY_REDIRECT).get('error'), 'invalid_request');
  });

  it('lets such a client sign in through PAR', async () => {
    const fx = await fixture();
    const pushed = await push(fx, {
      ...requestOf(ONLY_REDIRECT),
      client_id: ONLY.id,
      client_secret: 'only-secret',
    });
    const response = await authorize(
      fx,
      { client_id: ONLY.id, request_uri: pushed.request_uri },
      { cookies: await signedInAlice(fx) },
    );
    assert.ok(redirectParams(response, ONLY_REDIRECT).get('code'));
  });

  it('leaves every other client free to send its requests directly', async () => {
    const fx = await fixture();
    const response = await authorize(
      fx,
      { ...requestOf(APP_REDIRECT), client_id: APP.id },
      { cookies: await signedInAlice(fx) },
    );
    assert.ok(redirectParams(response, APP_REDIRECT).get('code'));
  });
});
