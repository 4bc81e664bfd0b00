import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { beforeEach, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader, exportJWK, SignJWT } from 'jose';
import { ClientRegistry } from '../../clients/registry.js';
import { testClient } from '../../clients/test-client.js';
import { isOAuthError } from '../../oauth/errors.js';
import { JWT_BEARER_ASSERTION_TYPE } from '../../tokens/client-assertion.js';
import { createTokenService } from '../../tokens/token-service.js';
import { paths } from '../paths.js';
import { handleRevocation } from '../revocation/handler.js';
import type { Deps, EndpointResponse } from '../types.js';
import { handleUserinfo } from '../userinfo/handler.js';
import { CLIENT_PROVIDER, isClientGrant } from './grants/client-credentials.js';
import { handleToken } from './handler.js';
import {
  ISSUER,
  SPA,
  TEST_CONFIG,
  WEB,
  basic,
  createFixture,
  request,
  type Fixture,
  type RawParams,
} from './test-fixture.js';

const SERVICE_SECRET = 'service-secret-0123456789';
const serviceKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

/** A backend service registered for the grant, with a secret. */
const SERVICE = testClient({
  id: 'report-service',
  secret: SERVICE_SECRET,
  grantTypes: ['client_credentials'],
});
/** A service that authenticates with private_key_jwt. */
const KEYED_SERVICE = testClient({
  id: 'keyed-service',
  jwks: { keys: [await exportJWK(serviceKey)] },
  tokenEndpointAuthMethod: 'private_key_jwt',
  grantTypes: ['client_credentials'],
});
/** Registered for the grant, but with no way to prove who it is. */
const PUBLIC_SERVICE = testClient({ id: 'public-service', grantTypes: ['client_credentials'] });

/** identifier-scopes.yaml scopes: API scopes a service may be granted. */
const SCOPE_DEFINITIONS = {
  scopes: [
    { id: 'kopano/kwm', description: null, priority: 0 },
    { id: 'reports/read', description: null, priority: 0 },
  ],
  mapping: new Map<string, string>(),
  warnings: [],
};

function json(response: EndpointResponse): { status: number; body: Record<string, unknown> } {
  assert.ok(response.kind === 'json', `expected JSON, got ${response.kind}`);
  return { status: response.status, body: response.body as Record<string, unknown> };
}

async function oauthError(call: Promise<unknown>): Promise<{ code: string; status: number }> {
  try {
    await call;
  } catch (error) {
    assert.ok(isOAuthError(error), String(error));
    return { code: error.code, status: error.status };
  }
  assert.fail('expected an OAuthError');
}

describe('token endpoint: client_credentials (RFC 6749 §4.4)', () => {
  let fx: Fixture;
  let deps: Deps;
  beforeEach(async () => {
    fx = await createFixture();
    deps = {
      ...fx.deps,
      clients: ClientRegistry.fromClients([WEB, SPA, SERVICE, KEYED_SERVICE, PUBLIC_SERVICE]),
      scopeDefinitions: SCOPE_DEFINITIONS,
    };
  });

  const grant = (
    params: RawParams = {},
    auth: RawParams = { client_id: SERVICE.id, client_secret: SERVICE_SECRET },
  ) => handleToken(request({ grant_type: 'client_credentials', ...params, ...auth }), deps);

  it('issues an access token alone, for the client itself, with the API scopes it asked for', async () => {
    const response = await grant({ scope: 'reports/read kopano/kwm' });
    assert.equal(response.headers?.['Cache-Control'], 'no-store');
    const { status, body } = json(response);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, TEST_CONFIG.lifetimes.accessToken);
    assert.equal(body.scope, 'reports/read kopano/kwm');
    assert.equal(body.refresh_token, undefined);
    assert.equal(body.id_token, undefined);

    const claims = await fx.tokens.verifyAccessToken(body.access_token as string);
    assert.equal(claims.sub, SERVICE.id);
    assert.equal(claims.clientId, SERVICE.id);
    assert.deepEqual(claims.scopes, ['reports/read', 'kopano/kwm']);
    const stored = await fx.storage.grants.get(claims.grantId);
    assert.ok(stored);
    assert.equal(stored.userId, `client:${SERVICE.id}`);
    assert.equal(stored.sessionId, null);
    assert.equal(stored.expiresAt, fx.clock.now() + TEST_CONFIG.lifetimes.accessToken * 1000);
    assert.equal(isClientGrant(stored), true);
  });

  it('works with Basic and with private_key_jwt', async () => {
    const viaBasic = await handleToken(
      request(
        { grant_type: 'client_credentials' },
        { headers: { authorization: basic(SERVICE.id, SERVICE_SECRET) } },
      ),
      deps,
    );
    assert.equal(json(viaBasic).status, 200);
    const now = Math.floor(fx.clock.now() / 1000);
    const assertion = await new SignJWT({ jti: 'cc-1' })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(KEYED_SERVICE.id)
      .setSubject(KEYED_SERVICE.id)
      .setAudience(ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(serviceKey);
    const viaKey = await grant(
      { scope: 'reports/read' },
      { client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion },
    );
    const { body } = json(viaKey);
    assert.equal(decodeJwt(body.access_token as string).sub, KEYED_SERVICE.id);
  });

  it('grants no scope about a user, nor one Sesame does not know', async () => {
    const { body } = json(
      await grant({
        scope:
          'openid offline_access profile email address phone groups konnect/raw_sub konnect/id nonsense reports/read',
      }),
    );
    assert.equal(body.scope, 'reports/read');
    assert.equal(json(await grant()).body.scope, '');
  });

  it('grants only the scopes konnectd --allow-scope leaves', async () => {
    deps = { ...deps, config: { ...deps.config, allowedScopes: ['kopano/kwm'] } };
    assert.equal(json(await grant({ scope: 'reports/read kopano/kwm' })).body.scope, 'kopano/kwm');
  });

  it('refuses a client not registered for the grant as unauthorized_client', async () => {
    assert.deepEqual(await oauthError(grant({}, { client_id: WEB.id, client_secret: 'web-secret' })), {
      code: 'unauthorized_client',
      status: 400,
    });
  });

  it('refuses a public client, even one that registered the grant', async () => {
    assert.deepEqual(await oauthError(grant({}, { client_id: PUBLIC_SERVICE.id })), {
      code: 'invalid_client',
      status: 401,
    });
    assert.equal((await oauthError(grant({}, { client_id: SPA.id }))).code, 'unauthorized_client');
  });

  it('refuses a public client with any secret under Konnect compatibility, which proves nothing', async () => {
    deps = {
      ...deps,
      config: { ...deps.config, compat: { ...deps.config.compat, anySecretForSecretlessClients: true } },
    };
    const refused = await oauthError(grant({}, { client_id: PUBLIC_SERVICE.id, client_secret: 'anything' }));
    assert.equal(refused.code, 'invalid_client');
  });

  it('refuses a wrong secret', async () => {
    assert.equal(
      (await oauthError(grant({}, { client_id: SERVICE.id, client_secret: 'nope' }))).code,
      'invalid_client',
    );
  });

  it('answers userinfo with insufficient_scope: there is no user', async () => {
    const { body } = json(await grant({ scope: 'reports/read' }));
    const response = await handleUserinfo(
      request({}, { method: 'GET', headers: { authorization: `Bearer ${String(body.access_token)}` } }),
      deps,
    );
    const answer = json(response);
    assert.equal(answer.status, 403);
    assert.equal(answer.body.error, 'insufficient_scope');
    assert.match(String(answer.body.error_description), /client_credentials.*no user/);
    assert.match(String(response.headers?.['WWW-Authenticate']), /error="insufficient_scope"/);
  });

  it('lets the client revoke its token; another client cannot', async () => {
    const { body } = json(await grant({ scope: 'reports/read' }));
    const token = body.access_token as string;
    const { grantId } = await fx.tokens.verifyAccessToken(token);
    const revoke = (auth: RawParams) =>
      handleRevocation({ ...request({ token, ...auth }), path: paths.revocation }, deps);

    await revoke({ client_id: WEB.id, client_secret: 'web-secret' });
    assert.equal((await fx.storage.grants.get(grantId))?.revokedAt, null);
    const response = await revoke({ client_id: SERVICE.id, client_secret: SERVICE_SECRET });
    assert.equal(response.kind, 'empty');
    assert.notEqual((await fx.storage.grants.get(grantId))?.revokedAt, null);
  });

  it('in the Konnect format: sub is the client, kc.identity is empty, kc.provider says client', async () => {
    const keys = [
      { kid: 'k1', privateKey: serviceKey, publicKey: createPublicKey(serviceKey), source: 'test' },
    ];
    const tokens = await createTokenService({
      issuer: ISSUER,
      keys,
      alg: 'ES256',
      accessTokenFormat: 'konnect',
      lifetimes: { accessToken: 600, idToken: 3600 },
      clock: fx.clock,
    });
    deps = { ...deps, tokens };
    const { body } = json(await grant({ scope: 'kopano/kwm' }));
    const token = body.access_token as string;
    assert.equal(decodeProtectedHeader(token).typ, 'JWT');
    const payload = decodeJwt(token);
    assert.equal(payload.sub, SERVICE.id);
    assert.equal(payload['kc.isAccessToken'], true);
    assert.deepEqual(payload['kc.identity'], {});
    assert.equal(payload['kc.provider'], CLIENT_PROVIDER);
    assert.deepEqual(payload['kc.authorizedScopes'], ['kopano/kwm']);
    const verified = await tokens.verifyAccessToken(token);
    assert.equal(verified.format, 'konnect');
    assert.equal(verified.clientId, SERVICE.id);
  });
});
