import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testClient } from '../../clients/test-client.js';
import type { Client } from '../../clients/types.js';
import { ALICE, ISSUER } from './test-parties.js';
import {
  authorize,
  createBrowserFixture,
  locationOf,
  tokenRequest,
  type BrowserFixture,
} from './test-browser-fixture.js';
import { CHALLENGE, VERIFIER, decodeJwt, fragmentParams, verifyWithJwks } from './test-expected-values.js';

// OIDC Registration §2: a client registered with `id_token_signed_response_alg: none` gets
// unsigned ID tokens, and only from the token endpoint; no other client ever gets one.

const REDIRECT = 'https://rp.example.com/cb';
const UNSIGNED_ID: Client = testClient({
  id: 'unsigned-id-tokens',
  trusted: true,
  redirectUris: [REDIRECT],
  idTokenSignedResponseAlg: 'none',
});
const SIGNED_ID: Client = testClient({ id: 'signed-id-tokens', trusted: true, redirectUris: [REDIRECT] });

async function signedIn(): Promise<{ fx: BrowserFixture; cookies: Record<string, string> }> {
  const fx = await createBrowserFixture({ clients: [UNSIGNED_ID, SIGNED_ID], compat: false });
  return { fx, cookies: await fx.signIn(ALICE) };
}

function request(client: Client, responseType: string, scope = 'openid'): Record<string, string> {
  return {
    client_id: client.id,
    redirect_uri: REDIRECT,
    response_type: responseType,
    scope,
    state: 'st-1',
    nonce: 'n-1',
    ...(responseType.includes('code') ? { code_challenge: CHALLENGE, code_challenge_method: 'S256' } : {}),
  };
}

async function codeFlow(client: Client, scope = 'openid') {
  const { fx, cookies } = await signedIn();
  const location = new URL(locationOf(await authorize(fx, request(client, 'code', scope), { cookies })));
  const code = location.searchParams.get('code');
  assert.ok(code, `a code in ${location.toString()}`);
  const tokens = await tokenRequest(fx, {
    grant_type: 'authorization_code',
    client_id: client.id,
    code,
    redirect_uri: REDIRECT,
    code_verifier: VERIFIER,
  });
  return { fx, tokens };
}

/** The parts of an unsecured JWT (RFC 7519 §6): header `{"alg":"none"}`, an empty signature. */
function expectUnsecured(token: string | undefined): Record<string, unknown> {
  assert.ok(token, 'an ID token');
  const parts = token.split('.');
  assert.equal(parts.length, 3);
  assert.equal(parts[2], '', 'no signature');
  const { header, payload } = decodeJwt(token);
  assert.deepEqual(header, { alg: 'none' });
  return payload;
}

describe('unsigned ID tokens for a client that registered id_token_signed_response_alg none', () => {
  it('come from the token endpoint in the code flow, with iss, aud, sub, nonce and lifetimes', async () => {
    const { fx, tokens } = await codeFlow(UNSIGNED_ID);
    const payload = expectUnsecured(tokens.id_token);
    const now = fx.clock.now() / 1000;
    assert.equal(payload['iss'], ISSUER);
    assert.equal(payload['aud'], UNSIGNED_ID.id);
    assert.equal(typeof payload['sub'], 'string');
    assert.equal(payload['nonce'], 'n-1');
    assert.equal(payload['iat'], now);
    assert.ok(typeof payload['exp'] === 'number' && payload['exp'] > now);
    assert.equal(payload['at_hash'], undefined, 'none names no hash for at_hash');
    // The access token stays signed: it is for resource servers, not the client.
    await verifyWithJwks(tokens.access_token, fx.tokens, ISSUER, fx.clock.now());
  });

  it('stay unsigned when refreshed', async () => {
    const { fx, tokens } = await codeFlow(UNSIGNED_ID, 'openid offline_access');
    assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');
    const refreshed = await tokenRequest(fx, {
      grant_type: 'refresh_token',
      client_id: UNSIGNED_ID.id,
      refresh_token: tokens.refresh_token,
    });
    const payload = expectUnsecured(refreshed.id_token);
    assert.equal(payload['sub'], expectUnsecured(tokens.id_token)['sub']);
  });

  it('are never a valid id_token_hint: a hint must carry our signature', async () => {
    const { fx, tokens } = await codeFlow(UNSIGNED_ID);
    const cookies = await fx.signIn(ALICE);
    const location = new URL(
      locationOf(
        await authorize(
          fx,
          { ...request(SIGNED_ID, 'code'), id_token_hint: tokens.id_token ?? '', prompt: 'none' },
          { cookies },
        ),
      ),
    );
    assert.equal(location.searchParams.get('error'), 'invalid_request');
  });

  for (const responseType of ['id_token', 'id_token token', 'code id_token', 'code id_token token']) {
    it(`refuse response_type ${responseType}, which would return one from the authorization endpoint`, async () => {
      const { fx, cookies } = await signedIn();
      const location = locationOf(await authorize(fx, request(UNSIGNED_ID, responseType), { cookies }));
      const params = fragmentParams(location, REDIRECT);
      assert.equal(params['error'], 'unauthorized_client');
      assert.equal(params['state'], 'st-1');
      assert.equal(params['id_token'], undefined);
      assert.equal(params['code'], undefined);
    });
  }

  it('leave code token to the client: no ID token comes from the authorization endpoint there', async () => {
    const { fx, cookies } = await signedIn();
    const location = locationOf(await authorize(fx, request(UNSIGNED_ID, 'code token'), { cookies }));
    const params = fragmentParams(location, REDIRECT);
    assert.equal(params['error'], undefined, params['error_description']);
    assert.ok(params['code'] && params['access_token']);
    assert.equal(params['id_token'], undefined);
  });
});

describe('every other client', () => {
  it('gets signed ID tokens from the token endpoint', async () => {
    const { fx, tokens } = await codeFlow(SIGNED_ID);
    assert.ok(tokens.id_token);
    assert.equal(decodeJwt(tokens.id_token).header['alg'], 'ES256');
    await verifyWithJwks(tokens.id_token, fx.tokens, ISSUER, fx.clock.now());
  });

  it('gets signed ID tokens from the authorization endpoint', async () => {
    const { fx, cookies } = await signedIn();
    const location = locationOf(await authorize(fx, request(SIGNED_ID, 'code id_token'), { cookies }));
    const params = fragmentParams(location, REDIRECT);
    assert.ok(params['id_token'], params['error_description']);
    await verifyWithJwks(params['id_token'], fx.tokens, ISSUER, fx.clock.now());
  });
});
