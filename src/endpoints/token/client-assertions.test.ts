import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { beforeEach, describe, it } from 'node:test';
import { exportJWK, SignJWT, type JWTPayload } from 'jose';
import { ClientRegistry } from '../../clients/registry.js';
import { testClient } from '../../clients/test-client.js';
import { hashToken } from '../../lib/ids.js';
import { isOAuthError } from '../../oauth/errors.js';
import { JWT_BEARER_ASSERTION_TYPE } from '../../tokens/client-assertion.js';
import { endpointUrl, paths } from '../paths.js';
import { handleRevocation } from '../revocation/handler.js';
import type { Deps, EndpointRequest, EndpointResponse } from '../types.js';
import { handleToken } from './handler.js';
import {
  ISSUER,
  OTHER,
  REDIRECT_URI,
  WEB,
  basic,
  createFixture,
  request,
  seedCode,
  type Fixture,
  type RawParams,
  type TokenBody,
} from './test-fixture.js';

const TOKEN_URL = endpointUrl(ISSUER, paths.token);
const REVOCATION_URL = endpointUrl(ISSUER, paths.revocation);
const HMAC_SECRET = 'hmac-client-secret-0123456789';

const serviceKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
/** Registered as a private JWK, as a registration file may hold it. */
const serviceJwk = { ...(await exportJWK(serviceKey)), kid: 'service-1', use: 'sig' };

const KEYED = testClient({
  id: 'keyed-app',
  redirectUris: [REDIRECT_URI],
  jwks: { keys: [serviceJwk] },
  tokenEndpointAuthMethod: 'private_key_jwt',
});
const HMAC = testClient({
  id: 'hmac-app',
  secret: HMAC_SECRET,
  redirectUris: [REDIRECT_URI],
  tokenEndpointAuthMethod: 'client_secret_jwt',
});
/** Another client holding the same key: a jti is remembered per client. */
const TWIN = testClient({ id: 'twin-app', redirectUris: [REDIRECT_URI], jwks: { keys: [serviceJwk] } });

async function assertionFor(
  fx: Fixture,
  clientId: string,
  claims: JWTPayload = {},
  key: KeyObject | Uint8Array = serviceKey,
): Promise<string> {
  const now = Math.floor(fx.clock.now() / 1000);
  const alg = key instanceof Uint8Array ? 'HS256' : 'ES256';
  const payload: JWTPayload = {
    iss: clientId,
    sub: clientId,
    aud: ISSUER,
    jti: `jti-${Math.random().toString(36).slice(2)}`,
    iat: now,
    exp: now + 60,
    ...claims,
  };
  return new SignJWT(payload).setProtectedHeader({ alg }).sign(key);
}

const viaAssertion = (assertion: string): RawParams => ({
  client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
  client_assertion: assertion,
});

function json(response: EndpointResponse): { status: number; body: Record<string, unknown> } {
  assert.equal(response.kind, 'json');
  assert.ok(response.kind === 'json');
  return { status: response.status, body: response.body as Record<string, unknown> };
}

/** Runs `call` and returns the OAuth error it throws, or fails. */
async function oauthError(
  call: Promise<unknown>,
): Promise<{ code: string; status: number; description: string }> {
  try {
    await call;
  } catch (error) {
    assert.ok(isOAuthError(error), String(error));
    return { code: error.code, status: error.status, description: error.description };
  }
  assert.fail('expected an OAuthError');
}

describe('token endpoint: private_key_jwt and client_secret_jwt (RFC 7523, OIDC Core §9)', () => {
  let fx: Fixture;
  let deps: Deps;
  beforeEach(async () => {
    fx = await createFixture();
    deps = { ...fx.deps, clients: ClientRegistry.fromClients([WEB, OTHER, KEYED, HMAC, TWIN]) };
  });

  const redeem = async (code: string, auth: RawParams) =>
    handleToken(
      request({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, ...auth }),
      deps,
    );

  it('redeems a code for a client that signs an assertion with its registered key', async () => {
    const { code } = await seedCode(fx, { client: KEYED });
    const response = json(await redeem(code, viaAssertion(await assertionFor(fx, KEYED.id))));
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.ok((response.body as unknown as TokenBody).id_token);
  });

  it('redeems a code for a client that MACs an assertion with its secret', async () => {
    const { code } = await seedCode(fx, { client: HMAC });
    const assertion = await assertionFor(fx, HMAC.id, {}, new TextEncoder().encode(HMAC_SECRET));
    const response = json(await redeem(code, { client_id: HMAC.id, ...viaAssertion(assertion) }));
    assert.equal(response.status, 200, JSON.stringify(response.body));
  });

  it('refuses an assertion presented a second time, and leaves the code unspent', async () => {
    const assertion = await assertionFor(fx, KEYED.id);
    const first = await seedCode(fx, { client: KEYED });
    assert.equal(json(await redeem(first.code, viaAssertion(assertion))).status, 200);
    const second = await seedCode(fx, { client: KEYED });
    const replay = await oauthError(redeem(second.code, viaAssertion(assertion)));
    assert.deepEqual(replay, {
      code: 'invalid_client',
      status: 401,
      description: 'client assertion has already been used',
    });
    const fresh = await assertionFor(fx, KEYED.id);
    assert.equal(json(await redeem(second.code, viaAssertion(fresh))).status, 200);
  });

  it('remembers a jti until the assertion expires (plus skew), then forgets it', async () => {
    const withJti = async () => assertionFor(fx, KEYED.id, { jti: 'reused-jti' });
    const first = await seedCode(fx, { client: KEYED });
    assert.equal(json(await redeem(first.code, viaAssertion(await withJti()))).status, 200);
    fx.clock.advance(80_000); // the first expired 20 s ago: still within the 30 s skew
    const second = await seedCode(fx, { client: KEYED });
    assert.equal(
      (await oauthError(redeem(second.code, viaAssertion(await withJti())))).code,
      'invalid_client',
    );
    fx.clock.advance(15_000);
    assert.equal(json(await redeem(second.code, viaAssertion(await withJti()))).status, 200);
  });

  it('keeps jti values per client', async () => {
    const a = await seedCode(fx, { client: KEYED });
    const b = await seedCode(fx, { client: TWIN });
    assert.equal(
      json(await redeem(a.code, viaAssertion(await assertionFor(fx, KEYED.id, { jti: 'same' })))).status,
      200,
    );
    assert.equal(
      json(await redeem(b.code, viaAssertion(await assertionFor(fx, TWIN.id, { jti: 'same' })))).status,
      200,
    );
  });

  it('does not let a forged assertion use up the jti of a real one', async () => {
    const foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const { code } = await seedCode(fx, { client: KEYED });
    const forged = await assertionFor(fx, KEYED.id, { jti: 'guessed' }, foreign);
    assert.equal((await oauthError(redeem(code, viaAssertion(forged)))).code, 'invalid_client');
    const genuine = await assertionFor(fx, KEYED.id, { jti: 'guessed' });
    assert.equal(json(await redeem(code, viaAssertion(genuine))).status, 200);
  });

  it('accepts the token endpoint URL as aud, refuses the revocation URL or a stranger there', async () => {
    const { code } = await seedCode(fx, { client: KEYED });
    for (const aud of [REVOCATION_URL, 'https://other.example.com/token']) {
      const refused = await oauthError(redeem(code, viaAssertion(await assertionFor(fx, KEYED.id, { aud }))));
      assert.equal(refused.code, 'invalid_client');
      assert.match(refused.description, /audience/);
    }
    assert.equal(
      json(await redeem(code, viaAssertion(await assertionFor(fx, KEYED.id, { aud: TOKEN_URL })))).status,
      200,
    );
  });

  it('refuses a wrong issuer, an expired assertion and a foreign key as invalid_client, without a Basic challenge', async () => {
    const { code } = await seedCode(fx, { client: KEYED });
    const foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const now = Math.floor(fx.clock.now() / 1000);
    for (const assertion of [
      await assertionFor(fx, KEYED.id, { iss: 'someone-else' }),
      await assertionFor(fx, KEYED.id, { iat: now - 200, exp: now - 100 }),
      await assertionFor(fx, KEYED.id, {}, foreign),
    ]) {
      const refused = await oauthError(redeem(code, viaAssertion(assertion)));
      assert.equal(refused.code, 'invalid_client');
      assert.equal(refused.status, 401);
    }
  });

  it('refuses client_secret_jwt made with a wrong secret', async () => {
    const { code } = await seedCode(fx, { client: HMAC });
    const wrong = await assertionFor(fx, HMAC.id, {}, new TextEncoder().encode(`${HMAC_SECRET}!`));
    assert.equal(
      (await oauthError(redeem(code, viaAssertion(wrong)))).description,
      'client assertion signature is invalid',
    );
  });

  it('refuses an assertion together with client_secret or Basic as invalid_request', async () => {
    const { code } = await seedCode(fx, { client: HMAC });
    const assertion = await assertionFor(fx, HMAC.id, {}, new TextEncoder().encode(HMAC_SECRET));
    const withSecret = await oauthError(
      redeem(code, { ...viaAssertion(assertion), client_secret: HMAC_SECRET }),
    );
    assert.equal(withSecret.code, 'invalid_request');
    const withBasic = await oauthError(
      handleToken(
        request(
          { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, ...viaAssertion(assertion) },
          { headers: { authorization: basic(HMAC.id, HMAC_SECRET) } },
        ),
        deps,
      ),
    );
    assert.equal(withBasic.code, 'invalid_request');
  });

  it('holds a client registered for a JWT method to it: its secret alone is refused', async () => {
    const { code } = await seedCode(fx, { client: HMAC });
    const refused = await oauthError(redeem(code, { client_id: HMAC.id, client_secret: HMAC_SECRET }));
    assert.deepEqual(refused, {
      code: 'invalid_client',
      status: 401,
      description: 'this client must authenticate with client_secret_jwt',
    });
    const basicTry = await handleToken(
      request(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
        { headers: { authorization: basic(HMAC.id, HMAC_SECRET) } },
      ),
      deps,
    );
    assert.equal(json(basicTry).status, 401);
    assert.match(String(basicTry.headers?.['WWW-Authenticate']), /^Basic /);
  });
});

describe('revocation endpoint: client assertions', () => {
  let fx: Fixture;
  let deps: Deps;
  beforeEach(async () => {
    fx = await createFixture();
    deps = { ...fx.deps, clients: ClientRegistry.fromClients([WEB, KEYED]) };
  });

  const revocationRequest = (params: RawParams): EndpointRequest => ({
    ...request(params),
    path: paths.revocation,
  });

  it('accepts an assertion whose aud is the revocation endpoint, the token endpoint or the issuer', async () => {
    for (const aud of [REVOCATION_URL, TOKEN_URL, ISSUER]) {
      const { code } = await seedCode(fx, { client: KEYED });
      const tokens = json(
        await handleToken(
          request({
            grant_type: 'authorization_code',
            code,
            redirect_uri: REDIRECT_URI,
            ...viaAssertion(await assertionFor(fx, KEYED.id)),
          }),
          deps,
        ),
      ).body as unknown as TokenBody;
      const record = await fx.storage.refreshTokens.get(hashToken(tokens.refresh_token!));
      assert.ok(record, 'the refresh token record exists');
      const response = await handleRevocation(
        revocationRequest({
          token: tokens.refresh_token!,
          ...viaAssertion(await assertionFor(fx, KEYED.id, { aud })),
        }),
        deps,
      );
      assert.equal(response.kind, 'empty');
      assert.notEqual(
        (await fx.storage.grants.get(record.grantId))?.revokedAt,
        null,
        `revoked with aud ${aud}`,
      );
    }
  });

  it('refuses an assertion addressed to another endpoint of ours', async () => {
    const assertion = await assertionFor(fx, KEYED.id, { aud: endpointUrl(ISSUER, paths.userinfo) });
    const refused = await oauthError(
      handleRevocation(revocationRequest({ token: 'x', ...viaAssertion(assertion) }), deps),
    );
    assert.equal(refused.code, 'invalid_client');
  });
});
