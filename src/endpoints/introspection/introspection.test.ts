import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ClientRegistry } from '../../clients/registry.js';
import { testClient } from '../../clients/test-client.js';
import { hashToken, randomId, randomToken } from '../../lib/ids.js';
import { isOAuthError, type OAuthErrorCode } from '../../oauth/errors.js';
import { expectedSubject, decodeJwt } from '../authorize/test-expected-values.js';
import { paths } from '../paths.js';
import { handleRevocation } from '../revocation/handler.js';
import { handleToken } from '../token/handler.js';
import {
  ALICE,
  CHALLENGE,
  ISSUER,
  NAMESPACE,
  OTHER,
  SPA,
  WEB,
  basic,
  createFixture,
  obtainTokens,
  request,
  type Fixture,
  type RawParams,
  type TokenBody,
} from '../token/test-fixture.js';
import type { EndpointResponse } from '../types.js';
import { apiRequest, createBrowserFixture } from '../authorize/test-browser-fixture.js';
import {
  ALICE as MEET_ALICE,
  NAMESPACE as MEET_NAMESPACE,
  WEB as MEET_WEB,
} from '../authorize/test-parties.js';
import { handleIntrospection } from './handler.js';

// Token introspection (RFC 7662): a client authenticates and learns whether a token it was
// issued is active, and what it carries; anything else is {"active": false} and nothing more.

const webAuth = { client_id: WEB.id, client_secret: 'web-secret' };
const otherAuth = { client_id: OTHER.id, client_secret: 'other-secret' };
const INACTIVE = { active: false };

/** A client that registered the client_credentials grant. */
const ROBOT = testClient({
  id: 'robot',
  secret: 'robot-secret',
  redirectUris: ['https://robot.example.com/cb'],
  grantTypes: ['client_credentials'],
});

function introspectionRequest(
  params: RawParams,
  options: { method?: string; headers?: Record<string, string> } = {},
) {
  return { ...request(params, options), path: paths.introspection };
}

/** The JSON body of a 200 answer, which must not be cached (RFC 7662 §2.2 with RFC 6749 §5.1). */
function answer(response: EndpointResponse): Record<string, unknown> {
  assert.equal(response.kind, 'json');
  assert.ok(response.kind === 'json');
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.equal(response.headers?.['Cache-Control'], 'no-store');
  return response.body as Record<string, unknown>;
}

const rejectsWith = (promise: Promise<unknown>, code: OAuthErrorCode, status?: number) =>
  assert.rejects(promise, (error: unknown) => {
    assert.ok(isOAuthError(error), `expected an OAuthError, got ${String(error)}`);
    assert.equal(error.code, code, error.description);
    if (status !== undefined) assert.equal(error.status, status);
    return true;
  });

describe('introspection endpoint', () => {
  let fx: Fixture;
  let tokens: TokenBody;
  beforeEach(async () => {
    fx = await createFixture();
    tokens = await obtainTokens(fx);
  });

  const introspect = async (params: RawParams, headers: Record<string, string> = {}) =>
    answer(await handleIntrospection(introspectionRequest(params, { headers }), fx.deps));
  const refresh = (refreshToken: string) =>
    handleToken(request({ grant_type: 'refresh_token', refresh_token: refreshToken, ...webAuth }), fx.deps);

  it("describes the client's own active access token", async () => {
    const jwt = decodeJwt(tokens.access_token).payload;
    const body = await introspect({ token: tokens.access_token, ...webAuth });
    assert.deepEqual(body, {
      active: true,
      scope: 'openid profile email offline_access',
      client_id: WEB.id,
      sub: expectedSubject(ALICE.id, NAMESPACE),
      exp: jwt.exp,
      iat: jwt.iat,
      iss: ISSUER,
      aud: WEB.id,
      token_type: 'Bearer',
      jti: jwt.jti,
    });
    assert.equal(body.exp, Math.floor(fx.clock.now() / 1000) + 600);
  });

  it("describes the client's own active refresh token, with Basic authentication", async () => {
    const issuedAt = Math.floor(fx.clock.now() / 1000);
    const body = await introspect(
      { token: tokens.refresh_token!, token_type_hint: 'refresh_token' },
      { authorization: basic(WEB.id, 'web-secret') },
    );
    assert.deepEqual(body, {
      active: true,
      scope: 'openid profile email offline_access',
      client_id: WEB.id,
      sub: expectedSubject(ALICE.id, NAMESPACE),
      exp: issuedAt + 30 * 86400,
      iat: issuedAt,
      iss: ISSUER,
      aud: WEB.id,
      token_type: 'refresh_token',
    });
  });

  it('finds each token whatever the hint says, and ignores a hint it does not know', async () => {
    const asRefresh = await introspect({
      token: tokens.access_token,
      token_type_hint: 'refresh_token',
      ...webAuth,
    });
    assert.equal(asRefresh.token_type, 'Bearer');
    const asAccess = await introspect({
      token: tokens.refresh_token!,
      token_type_hint: 'access_token',
      ...webAuth,
    });
    assert.equal(asAccess.token_type, 'refresh_token');
    const unknownHint = await introspect({
      token: tokens.access_token,
      token_type_hint: 'id_token',
      ...webAuth,
    });
    assert.equal(unknownHint.active, true);
  });

  it("answers another client's tokens exactly as it answers an unknown one", async () => {
    const unknown = await handleIntrospection(
      introspectionRequest({ token: 'no-such-token', ...otherAuth }),
      fx.deps,
    );
    for (const token of [tokens.access_token, tokens.refresh_token!]) {
      for (const hint of ['access_token', 'refresh_token']) {
        const response = await handleIntrospection(
          introspectionRequest({ token, token_type_hint: hint, ...otherAuth }),
          fx.deps,
        );
        assert.deepEqual(response, unknown);
        assert.deepEqual(answer(response), INACTIVE);
      }
    }
    // Asking did not spend or end anything for the rightful client.
    assert.equal((await introspect({ token: tokens.access_token, ...webAuth })).active, true);
    assert.equal((await introspect({ token: tokens.refresh_token!, ...webAuth })).active, true);
  });

  it('answers inactive for an expired access token', async () => {
    fx.clock.advance(601 * 1000);
    assert.deepEqual(await introspect({ token: tokens.access_token, ...webAuth }), INACTIVE);
    assert.equal((await introspect({ token: tokens.refresh_token!, ...webAuth })).active, true);
  });

  it('answers inactive for an expired refresh token', async () => {
    fx.clock.advance((30 * 86400 + 1) * 1000);
    assert.deepEqual(await introspect({ token: tokens.refresh_token!, ...webAuth }), INACTIVE);
  });

  it('answers inactive for every token of a revoked grant', async () => {
    await handleRevocation(
      { ...request({ token: tokens.refresh_token!, ...webAuth }), path: paths.revocation },
      fx.deps,
    );
    assert.deepEqual(await introspect({ token: tokens.access_token, ...webAuth }), INACTIVE);
    assert.deepEqual(await introspect({ token: tokens.refresh_token!, ...webAuth }), INACTIVE);
  });

  it('answers inactive for a rotated refresh token and active for its successor', async () => {
    const refreshed = await refresh(tokens.refresh_token!);
    const next = (refreshed.kind === 'json' ? refreshed.body : {}) as TokenBody;
    assert.ok(next.refresh_token);
    assert.deepEqual(await introspect({ token: tokens.refresh_token!, ...webAuth }), INACTIVE);
    assert.equal((await introspect({ token: next.refresh_token, ...webAuth })).active, true);
    assert.equal((await introspect({ token: next.access_token, ...webAuth })).active, true);
  });

  it('answers inactive for an ID token, a forged token and garbage', async () => {
    assert.ok(tokens.id_token);
    const [header, payload] = tokens.access_token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not a signature').toString('base64url')}`;
    for (const token of [tokens.id_token, forged, 'a.b.c', 'x'.repeat(5000), randomToken()]) {
      assert.deepEqual(await introspect({ token, ...webAuth }), INACTIVE, token.slice(0, 40));
    }
  });

  it("names a guest by the guest's public subject", async () => {
    const now = fx.clock.now();
    const grantId = randomId();
    const guest = {
      id: 'g1@1.kwmguest',
      name: 'Guest',
      email: null,
      emailVerified: false,
      givenName: null,
      familyName: null,
    };
    await fx.storage.grants.create({
      id: grantId,
      userId: `guest:${guest.id}`,
      clientId: WEB.id,
      scopes: ['openid', 'profile'],
      sessionId: null,
      authTime: now,
      createdAt: now,
      expiresAt: now + 3600_000,
      revokedAt: null,
      guest,
    });
    const token = randomToken();
    await fx.storage.refreshTokens.create({
      tokenHash: hashToken(token),
      grantId,
      clientId: WEB.id,
      userId: `guest:${guest.id}`,
      scopes: ['openid', 'profile'],
      createdAt: now,
      expiresAt: now + 3600_000,
      rotatedAt: null,
      replacedBy: null,
      withdrawnAt: null,
    });
    const body = await introspect({ token, ...webAuth });
    assert.equal(body.sub, expectedSubject(guest.id, 'guest'));
  });

  it('names the client as the subject of a client_credentials token', async () => {
    const deps = { ...fx.deps, clients: ClientRegistry.fromClients([WEB, ROBOT]) };
    const issued = await handleToken(
      request({ grant_type: 'client_credentials', client_id: ROBOT.id, client_secret: 'robot-secret' }),
      deps,
    );
    const accessToken = (issued.kind === 'json' ? issued.body : {}) as TokenBody;
    const robotAuth = { client_id: ROBOT.id, client_secret: 'robot-secret' };
    const body = answer(
      await handleIntrospection(
        introspectionRequest({ token: accessToken.access_token, ...robotAuth }),
        deps,
      ),
    );
    assert.equal(body.active, true);
    assert.equal(body.sub, ROBOT.id);
    assert.equal(body.client_id, ROBOT.id);
    assert.equal(body.token_type, 'Bearer');
    assert.ok(!('scope' in body), 'no scope was granted, so none is reported');
    // Another client still learns nothing about it.
    const foreign = await handleIntrospection(
      introspectionRequest({ token: accessToken.access_token, ...webAuth }),
      deps,
    );
    assert.deepEqual(answer(foreign), INACTIVE);
  });

  it('refuses a public client, which cannot authenticate', async () => {
    const spaTokens = await obtainTokens(fx, { client: SPA, challenge: CHALLENGE });
    await rejectsWith(
      handleIntrospection(
        introspectionRequest({ token: spaTokens.access_token, client_id: SPA.id }),
        fx.deps,
      ),
      'invalid_client',
      401,
    );
  });

  it('refuses a wrong secret, with a Basic challenge when Basic was used', async () => {
    await rejectsWith(
      handleIntrospection(
        introspectionRequest({ token: tokens.access_token, client_id: WEB.id, client_secret: 'wrong' }),
        fx.deps,
      ),
      'invalid_client',
      401,
    );
    const challenged = await handleIntrospection(
      introspectionRequest(
        { token: tokens.access_token },
        { headers: { authorization: basic(WEB.id, 'wrong') } },
      ),
      fx.deps,
    );
    assert.equal(challenged.kind === 'json' ? challenged.status : 0, 401);
    assert.match(challenged.headers?.['WWW-Authenticate'] ?? '', /^Basic /);
    assert.deepEqual(challenged.kind === 'json' ? challenged.body : null, {
      error: 'invalid_client',
      error_description: 'client authentication failed',
    });
  });

  it('refuses a request without a token, or with one twice', async () => {
    await rejectsWith(handleIntrospection(introspectionRequest({ ...webAuth }), fx.deps), 'invalid_request');
    await rejectsWith(
      handleIntrospection(introspectionRequest({ token: [tokens.access_token, 'x'], ...webAuth }), fx.deps),
      'invalid_request',
    );
  });

  it('reads the token from the form body only, never from the query', async () => {
    const inQuery = { ...introspectionRequest(webAuth), query: new Map([['token', [tokens.access_token]]]) };
    await rejectsWith(handleIntrospection(inQuery, fx.deps), 'invalid_request');
  });

  it('answers GET with 405 and Allow: POST', async () => {
    const response = await handleIntrospection(introspectionRequest({}, { method: 'GET' }), fx.deps);
    assert.equal(response.kind === 'json' ? response.status : 0, 405);
    assert.equal(response.headers?.['Allow'], 'POST');
  });
});

describe('introspection of Konnect-format access tokens', () => {
  it('reports the public subject, not the raw user id a konnect/raw_sub token carries', async () => {
    const fx = await createBrowserFixture({ accessTokenFormat: 'konnect' });
    const now = fx.clock.now();
    const scopes = ['openid', 'konnect/raw_sub'];
    const grantId = randomId();
    await fx.storage.grants.create({
      id: grantId,
      userId: MEET_ALICE.id,
      clientId: MEET_WEB.id,
      scopes,
      sessionId: null,
      authTime: now,
      createdAt: now,
      expiresAt: now + 3600_000,
      revokedAt: null,
    });
    const accessToken = await fx.tokens.mintAccessToken({
      sub: expectedSubject(MEET_ALICE.id, MEET_NAMESPACE),
      clientId: MEET_WEB.id,
      scopes,
      grantId,
      konnect: {
        sub: MEET_ALICE.id,
        identity: { 'kc.i.id': MEET_ALICE.id, 'kc.i.un': MEET_ALICE.username },
        provider: MEET_NAMESPACE,
        authorizedClaims: null,
      },
    });
    assert.equal(decodeJwt(accessToken).payload.sub, MEET_ALICE.id, 'the token itself carries the raw id');
    const response = await handleIntrospection(
      apiRequest(paths.introspection, {
        token: accessToken,
        client_id: MEET_WEB.id,
        client_secret: 'web-secret',
      }),
      fx.deps,
    );
    const body = answer(response);
    assert.equal(body.active, true);
    assert.equal(body.sub, expectedSubject(MEET_ALICE.id, MEET_NAMESPACE));
    assert.equal(body.aud, MEET_WEB.id);
    assert.equal(body.scope, 'openid konnect/raw_sub');
  });
});
