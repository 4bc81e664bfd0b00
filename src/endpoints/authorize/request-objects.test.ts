import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { isOAuthError } from '../../oauth/errors.js';
import {
  ALICE,
  ISSUER,
  MEET_CALLBACK,
  MEET_GUEST_KEY,
  MEET_ID,
  MEET_SCOPE,
  UNSIGNED,
} from './test-parties.js';
import {
  authorize,
  createBrowserFixture,
  locationOf,
  tokenRequest,
  without,
  type BrowserFixture,
  type RawParams,
  type TokenBody,
} from './test-browser-fixture.js';
import { CHALLENGE, VERIFIER, appendedParams, decodeJwt } from './test-expected-values.js';

// Request objects by value (OIDC Core §6.1, §6.3; kopano-meet.md req. 37): verified with the
// client's registered jwks under its request_object_signing_alg, overriding the query.

const UNSIGNED_REDIRECT = 'https://unsigned.example.com/cb';

function sign(
  claims: Record<string, unknown>,
  key: KeyObject = MEET_GUEST_KEY.privateKey,
  kid = 'meet-guest-1',
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(key);
}

function unsigned(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
}

function meetQuery(request: string, overrides: RawParams = {}): RawParams {
  return {
    client_id: MEET_ID,
    redirect_uri: MEET_CALLBACK,
    response_type: 'code',
    response_mode: 'fragment',
    scope: MEET_SCOPE,
    state: 'ro',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    claims: '{"id_token":{"name":null}}',
    request,
    ...overrides,
  };
}

async function aliceAt(fx: BrowserFixture, params: RawParams): Promise<Map<string, string>> {
  const cookies = await fx.signIn(ALICE);
  return new Map(appendedParams(locationOf(await authorize(fx, params, { cookies })), MEET_CALLBACK, '&'));
}

function redeem(
  fx: BrowserFixture,
  code: string,
  clientId = MEET_ID,
  redirectUri = MEET_CALLBACK,
): Promise<TokenBody> {
  return tokenRequest(fx, {
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    redirect_uri: redirectUri,
    code_verifier: VERIFIER,
    ...(clientId === UNSIGNED.id ? { client_secret: 'unsigned-secret' } : {}),
  });
}

describe('a request object signed with the client’s registered key', () => {
  it('overrides the query’s scope and claims', async () => {
    const fx = await createBrowserFixture();
    const request = await sign({
      client_id: MEET_ID,
      scope: 'openid email',
      claims: { id_token: { email: null } },
    });
    const params = await aliceAt(fx, meetQuery(request));
    assert.ok(params.get('code'), params.get('error_description'));
    const tokens = await redeem(fx, params.get('code') ?? '');
    assert.deepEqual(decodeJwt(tokens.access_token).payload['kc.authorizedScopes'], ['openid', 'email']);
    const idToken = decodeJwt(tokens.id_token ?? '').payload;
    assert.equal(idToken['email'], 'alice@example.com', 'the object’s claims request');
    assert.equal(idToken['name'], undefined, 'the query’s claims request was replaced');
  });

  it('keeps Konnect’s passthru claims in the access token', async () => {
    const fx = await createBrowserFixture();
    const passthru = { 'kopano/kwm/guest': { type: '1', path: 'group/public/room' } };
    const request = await sign({ client_id: MEET_ID, claims: { id_token: { name: null }, passthru } });
    const tokens = await redeem(fx, (await aliceAt(fx, meetQuery(request))).get('code') ?? '');
    const authorized = decodeJwt(tokens.access_token).payload['kc.authorizedClaims'] as Record<
      string,
      unknown
    >;
    assert.deepEqual(authorized['passthru'], passthru);
  });

  it('never repeats a value a user’s claims request carried in kc.authorizedClaims', async () => {
    const fx = await createBrowserFixture();
    const claims = { id_token: { name: { value: 'Admin', essential: true } }, userinfo: { email: null } };
    const request = await sign({ client_id: MEET_ID, claims });
    const tokens = await redeem(fx, (await aliceAt(fx, meetQuery(request))).get('code') ?? '');
    const authorized = decodeJwt(tokens.access_token).payload['kc.authorizedClaims'];
    assert.deepEqual(authorized, { userinfo: { email: null }, id_token: { name: { essential: true } } });
  });

  it('is refused when response_type travels only inside the request object (OIDC Core §6.1)', async () => {
    const fx = await createBrowserFixture();
    const request = await sign({ client_id: MEET_ID, response_type: 'code' });
    const params = await aliceAt(fx, without(meetQuery(request), 'response_type'));
    assert.equal(params.get('error'), 'invalid_request_object');
  });

  it('is refused with invalid_request_object at the client when signed by a foreign key', async () => {
    const fx = await createBrowserFixture();
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const params = await aliceAt(fx, meetQuery(await sign({ client_id: MEET_ID }, privateKey)));
    assert.equal(params.get('error'), 'invalid_request_object');
    assert.equal(params.get('state'), 'ro');
    assert.equal(params.get('iss'), ISSUER);
    assert.equal(params.get('code'), undefined);
  });

  it('is refused with invalid_request_object when its response_type differs from the query’s', async () => {
    const fx = await createBrowserFixture();
    const params = await aliceAt(
      fx,
      meetQuery(await sign({ client_id: MEET_ID, response_type: 'id_token token' })),
    );
    assert.equal(params.get('error'), 'invalid_request_object');
    assert.equal(params.get('code'), undefined);
    assert.equal(params.get('access_token'), undefined);
  });

  it('is refused when it names another client', async () => {
    const fx = await createBrowserFixture();
    const params = await aliceAt(fx, meetQuery(await sign({ client_id: 'web-app' })));
    assert.equal(params.get('error'), 'invalid_request_object');
  });

  it('is refused once expired', async () => {
    const fx = await createBrowserFixture();
    const now = Math.floor(fx.clock.now() / 1000);
    const params = await aliceAt(fx, meetQuery(await sign({ client_id: MEET_ID, exp: now - 3600 })));
    assert.equal(params.get('error'), 'invalid_request_object');
  });

  it('shows an error page, and redirects nowhere, when its redirect_uri is not registered', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    const request = await sign({ client_id: MEET_ID, redirect_uri: 'https://evil.example.net/steal' });
    await assert.rejects(
      authorize(fx, meetQuery(request), { cookies }),
      (error: unknown) => isOAuthError(error) && !error.redirectable && error.code === 'invalid_request',
    );
  });

  it('shows an error page for an unknown client, before verifying anything', async () => {
    const fx = await createBrowserFixture();
    await assert.rejects(
      authorize(
        fx,
        meetQuery(await sign({ client_id: 'nobody' }), {
          client_id: 'nobody',
          redirect_uri: 'https://evil.example.net/',
        }),
      ),
      (error: unknown) => isOAuthError(error) && !error.redirectable,
    );
  });

  it('with a redirect_uri that is registered, answers there instead of the query’s', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    const silent = 'https://meet.example.com/meet/#oidc-silent-refresh';
    const request = await sign({ client_id: MEET_ID, redirect_uri: silent });
    const location = locationOf(await authorize(fx, meetQuery(request), { cookies }));
    const params = new Map(appendedParams(location, silent, '&'));
    assert.ok(params.get('code'));
    await redeem(fx, params.get('code') ?? '', MEET_ID, silent);
  });
});

describe('the claims query parameter and unsigned request objects never carry passthru', () => {
  const passthru = { 'kopano/kwm/guest': { type: '1', path: 'group/public/secret-room' } };

  it('drops passthru from a claims query parameter', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    const query = without(
      meetQuery('', { claims: JSON.stringify({ id_token: { name: null }, passthru }) }),
      'request',
    );
    const location = locationOf(await authorize(fx, query, { cookies }));
    const code = new Map(appendedParams(location, MEET_CALLBACK, '&')).get('code') ?? '';
    const tokens = await redeem(fx, code);
    const authorized = decodeJwt(tokens.access_token).payload['kc.authorizedClaims'] as Record<
      string,
      unknown
    >;
    assert.equal(authorized['passthru'], undefined);
    assert.ok(!JSON.stringify(decodeJwt(tokens.access_token).payload).includes('secret-room'));
  });

  it('drops passthru from a signed object that has no claims, leaving the query’s claims without it', async () => {
    const fx = await createBrowserFixture();
    const request = await sign({ client_id: MEET_ID });
    const params = await aliceAt(
      fx,
      meetQuery(request, { claims: JSON.stringify({ id_token: { name: null }, passthru }) }),
    );
    const tokens = await redeem(fx, params.get('code') ?? '');
    assert.ok(!JSON.stringify(decodeJwt(tokens.access_token).payload).includes('secret-room'));
  });

  it('refuses alg none from a client that did not register it', async () => {
    const fx = await createBrowserFixture();
    const params = await aliceAt(fx, meetQuery(unsigned({ client_id: MEET_ID, scope: 'openid' })));
    assert.equal(params.get('error'), 'invalid_request_object');
    assert.equal(params.get('code'), undefined);
  });

  it('accepts alg none from a client that registered it, and drops its passthru', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    const request = unsigned({
      client_id: UNSIGNED.id,
      scope: 'openid profile',
      claims: { id_token: { name: null }, passthru },
    });
    const location = locationOf(
      await authorize(
        fx,
        {
          client_id: UNSIGNED.id,
          redirect_uri: UNSIGNED_REDIRECT,
          response_type: 'code',
          scope: 'openid',
          state: 'u',
          code_challenge: CHALLENGE,
          code_challenge_method: 'S256',
          request,
        },
        { cookies },
      ),
    );
    const params = new Map(appendedParams(location, UNSIGNED_REDIRECT, '?'));
    assert.ok(params.get('code'), params.get('error_description'));
    const tokens = await redeem(fx, params.get('code') ?? '', UNSIGNED.id, UNSIGNED_REDIRECT);
    const payload = decodeJwt(tokens.access_token).payload;
    assert.deepEqual(payload['kc.authorizedScopes'], ['openid', 'profile'], 'the object’s scope');
    assert.ok(!JSON.stringify(payload).includes('secret-room'));
    assert.equal(decodeJwt(tokens.id_token ?? '').payload['name'], 'Alice Liddell');
  });

  it('refuses request_uri, which is not supported, at the client', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    const query = without(meetQuery(''), 'request');
    const location = locationOf(
      await authorize(fx, { ...query, request_uri: 'https://evil.example.net/ro.jwt' }, { cookies }),
    );
    const params = new Map(appendedParams(location, MEET_CALLBACK, '&'));
    assert.equal(params.get('error'), 'request_uri_not_supported');
  });

  it('answers a malformed request parameter at the client, not with a server error', async () => {
    const fx = await createBrowserFixture();
    for (const request of ['not-a-jwt', 'a.b.c', '....', 'eyJhbGciOiJFUzI1NiJ9.e30.', 'x'.repeat(20_000)]) {
      const params = await aliceAt(fx, meetQuery(request));
      assert.equal(params.get('error'), 'invalid_request_object', request.slice(0, 30));
    }
  });

  it('never lets a fragment-mode error land in the query of a token response type', async () => {
    const fx = await createBrowserFixture();
    const location = locationOf(
      await authorize(
        fx,
        meetQuery('garbage', { response_type: 'id_token token', response_mode: 'query', nonce: 'n' }),
      ),
    );
    const params = new Map(appendedParams(location, MEET_CALLBACK, '&'));
    assert.equal(params.get('error'), 'invalid_request_object');
  });
});
