import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testClient } from '../../clients/test-client.js';
import { ALICE, ISSUER, MEET, MEET_CALLBACK, MEET_ID, NAMESPACE } from './test-parties.js';
import {
  authorize,
  createBrowserFixture,
  locationOf,
  tokenRequest,
  type BrowserFixture,
  type RawParams,
} from './test-browser-fixture.js';
import {
  CHALLENGE,
  VERIFIER,
  appendedParams,
  decodeJwt,
  expectedHalfHash,
  expectedSubject,
  formPostFields,
  fragmentParams,
  verifyWithJwks,
} from './test-expected-values.js';

// Implicit and hybrid flows (OIDC Core §3.2, §3.3; kopano-meet.md req. 36; issue 6 item 8):
// Meet's guests use `id_token token`, and deployments with `useImplicitFlow` use it for
// everyone. at_hash and c_hash are recomputed here from OIDC Core §3.2.2.9 / §3.3.2.11.

const SPA_REDIRECT = 'https://spa.example.com/cb';
const SPA = testClient({ id: 'spa', trusted: true, redirectUris: [SPA_REDIRECT] });
const NONCE = 'n-0S6_WzA2Mj';
const STATE = 'af0ifjsldkj';
const aliceSub = expectedSubject(ALICE.id, NAMESPACE);

/** A request of the SPA for `responseType`; `overrides` win, and a null removes a parameter. */
function spaRequest(
  responseType: string,
  overrides: Readonly<Record<string, string | null>> = {},
): RawParams {
  const params: Record<string, string> = {
    client_id: SPA.id,
    redirect_uri: SPA_REDIRECT,
    response_type: responseType,
    scope: 'openid profile email',
    state: STATE,
    nonce: NONCE,
    ...(responseType.includes('code') ? { code_challenge: CHALLENGE, code_challenge_method: 'S256' } : {}),
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) delete params[name];
    else params[name] = value;
  }
  return params;
}

async function signedIn(): Promise<{ fx: BrowserFixture; cookies: Record<string, string> }> {
  const fx = await createBrowserFixture({ clients: [SPA, MEET] });
  return { fx, cookies: await fx.signIn(ALICE) };
}

async function fragmentOf(
  responseType: string,
  overrides: Readonly<Record<string, string | null>> = {},
): Promise<{
  fx: BrowserFixture;
  params: Record<string, string>;
}> {
  const { fx, cookies } = await signedIn();
  const location = locationOf(await authorize(fx, spaRequest(responseType, overrides), { cookies }));
  return { fx, params: fragmentParams(location, SPA_REDIRECT) };
}

describe('implicit and hybrid responses carry what their type names, bound by at_hash and c_hash', () => {
  it('id_token: only an ID token, with nonce, without hashes, and with the profile claims since no access token exists', async () => {
    const { fx, params } = await fragmentOf('id_token');
    assert.deepEqual(Object.keys(params).sort(), ['id_token', 'iss', 'session_state', 'state']);
    const idToken = await verifyWithJwks(params['id_token'] ?? '', fx.tokens, ISSUER, fx.clock.now());
    assert.equal(idToken.sub, aliceSub);
    assert.equal(idToken['nonce'], NONCE);
    assert.equal(idToken['at_hash'], undefined);
    assert.equal(idToken['c_hash'], undefined);
    assert.equal(idToken['name'], 'Alice Liddell', 'OIDC Core §5.4: the claims go into the ID token');
    assert.equal(idToken['email'], 'alice@example.com');
    assert.equal(params['state'], STATE);
    assert.equal(params['iss'], ISSUER);
  });

  it('id_token token: an access token with token_type, expires_in and scope, and an ID token whose at_hash matches it', async () => {
    const { fx, params } = await fragmentOf('id_token token');
    assert.equal(params['token_type'], 'Bearer');
    assert.equal(params['expires_in'], '600');
    assert.deepEqual((params['scope'] ?? '').split(' '), ['openid', 'profile', 'email']);
    assert.equal(params['code'], undefined);
    const idToken = await verifyWithJwks(params['id_token'] ?? '', fx.tokens, ISSUER, fx.clock.now());
    assert.equal(idToken['at_hash'], expectedHalfHash(params['access_token'] ?? ''));
    assert.equal(idToken['c_hash'], undefined);
    assert.equal(idToken['nonce'], NONCE);
    assert.equal(
      idToken['name'],
      undefined,
      'profile claims come from userinfo when there is an access token',
    );
  });

  it('accepts the response types in any order: token id_token is id_token token', async () => {
    const { params } = await fragmentOf('token id_token');
    assert.ok(params['access_token']);
    assert.ok(params['id_token']);
    assert.equal(
      decodeJwt(params['id_token'] ?? '').payload['at_hash'],
      expectedHalfHash(params['access_token'] ?? ''),
    );
  });

  it('code id_token: a code and an ID token whose c_hash matches it, no access token', async () => {
    const { fx, params } = await fragmentOf('code id_token');
    assert.ok(params['code']);
    assert.equal(params['access_token'], undefined);
    assert.equal(params['token_type'], undefined);
    const idToken = await verifyWithJwks(params['id_token'] ?? '', fx.tokens, ISSUER, fx.clock.now());
    assert.equal(idToken['c_hash'], expectedHalfHash(params['code'] ?? ''));
    assert.equal(idToken['at_hash'], undefined);
    assert.equal(idToken['nonce'], NONCE);
    // The code still redeems, and the token endpoint's ID token is for the same user and nonce.
    const tokens = await tokenRequest(fx, {
      grant_type: 'authorization_code',
      client_id: SPA.id,
      code: params['code'] ?? '',
      redirect_uri: SPA_REDIRECT,
      code_verifier: VERIFIER,
    });
    const fromToken = decodeJwt(tokens.id_token ?? '').payload;
    assert.equal(fromToken['sub'], idToken.sub);
    assert.equal(fromToken['nonce'], NONCE);
  });

  it('code token: a code and an access token with token_type, expires_in and scope, no ID token', async () => {
    const { params } = await fragmentOf('code token');
    assert.ok(params['code']);
    assert.ok(params['access_token']);
    assert.equal(params['token_type'], 'Bearer');
    assert.equal(params['expires_in'], '600');
    assert.deepEqual((params['scope'] ?? '').split(' '), ['openid', 'profile', 'email']);
    assert.equal(params['id_token'], undefined);
  });

  it('code token does not need a nonce: its ID token comes from the token endpoint', async () => {
    const { params } = await fragmentOf('code token', { nonce: null });
    assert.equal(params['error'], undefined);
    assert.ok(params['code']);
  });

  it('code id_token token: all three, with both at_hash and c_hash', async () => {
    const { fx, params } = await fragmentOf('code id_token token');
    assert.ok(params['code'] && params['access_token']);
    const idToken = await verifyWithJwks(params['id_token'] ?? '', fx.tokens, ISSUER, fx.clock.now());
    assert.equal(idToken['at_hash'], expectedHalfHash(params['access_token'] ?? ''));
    assert.equal(idToken['c_hash'], expectedHalfHash(params['code'] ?? ''));
    assert.equal(params['token_type'], 'Bearer');
  });
});

describe('nonce, modes and unsupported types', () => {
  for (const type of ['id_token', 'id_token token', 'code id_token', 'code id_token token']) {
    it(`refuses ${type} without a nonce, answering the client in the fragment with state and iss`, async () => {
      const { params } = await fragmentOf(type, { nonce: null });
      assert.equal(params['error'], 'invalid_request');
      assert.equal(params['state'], STATE);
      assert.equal(params['iss'], ISSUER);
      assert.equal(params['id_token'], undefined);
      assert.equal(params['access_token'], undefined);
      assert.equal(params['code'], undefined);
    });
  }

  for (const type of ['id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token']) {
    it(`never puts ${type} responses in the query, even when asked to`, async () => {
      const { fx, cookies } = await signedIn();
      const location = locationOf(
        await authorize(fx, spaRequest(type, { response_mode: 'query' }), { cookies }),
      );
      assert.ok(!location.includes('?'), `no query: ${location}`);
      const params = fragmentParams(location, SPA_REDIRECT);
      assert.equal(params['error'], 'invalid_request');
      assert.equal(params['state'], STATE);
    });
  }

  it('refuses token alone, in the fragment', async () => {
    const { params } = await fragmentOf('token');
    assert.equal(params['error'], 'unsupported_response_type');
    assert.equal(params['access_token'], undefined);
  });

  it('sends code id_token token as a form_post page to the redirect URI', async () => {
    const { fx, cookies } = await signedIn();
    const response = await authorize(fx, spaRequest('code id_token token', { response_mode: 'form_post' }), {
      cookies,
    });
    const { action, fields } = formPostFields(response);
    assert.equal(action, SPA_REDIRECT);
    assert.equal(fields['state'], STATE);
    assert.equal(fields['iss'], ISSUER);
    assert.equal(fields['token_type'], 'Bearer');
    const idToken = await verifyWithJwks(fields['id_token'] ?? '', fx.tokens, ISSUER, fx.clock.now());
    assert.equal(idToken['at_hash'], expectedHalfHash(fields['access_token'] ?? ''));
    assert.equal(idToken['c_hash'], expectedHalfHash(fields['code'] ?? ''));
    assert.ok(fields['session_state']);
    const csp = response.headers?.['content-security-policy'] ?? '';
    assert.match(csp, /form-action[^;]*https:\/\/spa\.example\.com/);
  });

  it('gives Meet’s useImplicitFlow users id_token token appended to #oidc-callback', async () => {
    const { fx, cookies } = await signedIn();
    const location = locationOf(
      await authorize(
        fx,
        {
          client_id: MEET_ID,
          redirect_uri: MEET_CALLBACK,
          response_type: 'id_token token',
          scope: 'openid profile email kopano/kwm',
          state: STATE,
          nonce: NONCE,
          claims: '{"id_token":{"name":null}}',
        },
        { cookies },
      ),
    );
    const params = new Map(appendedParams(location, MEET_CALLBACK, '&'));
    const idToken = await verifyWithJwks(params.get('id_token') ?? '', fx.tokens, ISSUER, fx.clock.now());
    assert.equal(idToken['name'], 'Alice Liddell');
    assert.equal(idToken['at_hash'], expectedHalfHash(params.get('access_token') ?? ''));
    assert.deepEqual((params.get('scope') ?? '').split(' '), ['openid', 'profile', 'email', 'kopano/kwm']);
  });
});
