import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { exportJWK, SignJWT, type JWTPayload } from 'jose';
import type { Client } from '../clients/types.js';
import { OAuthError } from '../oauth/errors.js';
import {
  claimedClientId,
  CLIENT_SECRET_JWT_ALGS,
  MAX_CLIENT_ASSERTION_LENGTH,
  PRIVATE_KEY_JWT_ALGS,
  verifyClientAssertion,
  type ClientAssertionContext,
} from './client-assertion.js';

const ISSUER = 'https://sso.example.com';
const TOKEN_ENDPOINT = 'https://sso.example.com/konnect/v1/token';
const NOW = Date.UTC(2026, 0, 1);
const nowSeconds = NOW / 1000;
const ctx: ClientAssertionContext = { audiences: [ISSUER, TOKEN_ENDPOINT], now: NOW };
const SECRET = 'a-client-secret-of-some-length-0123456789';

type Registration = Pick<Client, 'id' | 'secret' | 'jwks'>;

const keys = {
  rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  p256: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  p384: generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey,
  p521: generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey,
  ed25519: generateKeyPairSync('ed25519').privateKey,
};

/** A registered JWK as a registration file might hold it: the PRIVATE key, as kwmserver's. */
async function privateJwk(
  key: KeyObject,
  extra: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  return { ...(await exportJWK(key)), ...extra };
}

function registration(jwks: Record<string, unknown>[] | null, secret: string | null = null): Registration {
  return { id: 'service', secret, jwks: jwks === null ? null : { keys: jwks } };
}

/** A client assertion of RFC 7523 §3 with the claims openid-client puts in, overridable. */
function assertion(
  key: KeyObject | Uint8Array,
  alg: string,
  claims: JWTPayload = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const payload: JWTPayload = {
    iss: 'service',
    sub: 'service',
    aud: ISSUER,
    jti: `jti-${Math.random().toString(36).slice(2)}`,
    iat: nowSeconds,
    exp: nowSeconds + 60,
    ...claims,
  };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  return new SignJWT(payload).setProtectedHeader({ alg, ...header }).sign(key);
}

const secretBytes = (secret: string): Uint8Array => new TextEncoder().encode(secret);

function refused(description: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof OAuthError, String(error));
    assert.equal(error.code, 'invalid_client');
    assert.equal(error.status, 401);
    assert.match(error.description, description);
    return true;
  };
}

describe('verifyClientAssertion: private_key_jwt (OIDC Core §9)', () => {
  const families: readonly [string, KeyObject][] = [
    ['RS256', keys.rsa],
    ['RS384', keys.rsa],
    ['RS512', keys.rsa],
    ['PS256', keys.rsa],
    ['PS384', keys.rsa],
    ['PS512', keys.rsa],
    ['ES256', keys.p256],
    ['ES384', keys.p384],
    ['ES512', keys.p521],
    ['EdDSA', keys.ed25519],
    ['Ed25519', keys.ed25519],
  ];
  for (const [alg, key] of families) {
    it(`accepts ${alg} with the registered key, and says when the jti may be forgotten`, async () => {
      const client = registration([await privateJwk(key, { use: 'sig' })]);
      const jwt = await assertion(key, alg, { jti: 'once-only' });
      const verified = await verifyClientAssertion(jwt, client, ctx);
      assert.deepEqual(verified, { method: 'private_key_jwt', jti: 'once-only', exp: nowSeconds + 60 });
    });
  }

  it('lists every family it accepts for discovery', () => {
    assert.deepEqual([...PRIVATE_KEY_JWT_ALGS].sort(), [...families.map(([alg]) => alg)].sort());
    assert.deepEqual(CLIENT_SECRET_JWT_ALGS, ['HS256', 'HS384', 'HS512']);
  });

  it('uses the only registered key whatever the kid, and the kid among several', async () => {
    const single = registration([await privateJwk(keys.p256, { kid: 'registered' })]);
    await verifyClientAssertion(await assertion(keys.p256, 'ES256', {}, { kid: 'other' }), single, ctx);

    const several = registration([
      await privateJwk(keys.rsa, { kid: 'r' }),
      await privateJwk(keys.p256, { kid: 'e1' }),
      await privateJwk(keys.p384, { kid: 'e2' }),
    ]);
    await verifyClientAssertion(await assertion(keys.p256, 'ES256', {}, { kid: 'e1' }), several, ctx);
    await verifyClientAssertion(await assertion(keys.rsa, 'PS256'), several, ctx);
    await assert.rejects(
      verifyClientAssertion(await assertion(keys.p256, 'ES256', {}, { kid: 'nope' }), several, ctx),
      refused(/key is unknown/),
    );
    await assert.rejects(
      verifyClientAssertion(await assertion(keys.p256, 'ES256'), several, ctx),
      refused(/must name its key/),
    );
  });

  it("refuses an assertion signed with a key that is not the client's", async () => {
    const client = registration([await privateJwk(keys.p256)]);
    const foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await assert.rejects(
      verifyClientAssertion(await assertion(foreign, 'ES256'), client, ctx),
      refused(/signature is invalid/),
    );
  });

  it('refuses a client without registered keys, and an alg the key cannot make', async () => {
    await assert.rejects(
      verifyClientAssertion(await assertion(keys.p256, 'ES256'), registration(null), ctx),
      refused(/no registered keys/),
    );
    const ec = registration([await privateJwk(keys.p256)]);
    await assert.rejects(
      verifyClientAssertion(await assertion(keys.rsa, 'RS256'), ec, ctx),
      refused(/cannot verify this alg/),
    );
  });

  it('refuses a key registered for encryption or for another alg', async () => {
    const jwt = await assertion(keys.p256, 'ES256');
    await assert.rejects(
      verifyClientAssertion(jwt, registration([await privateJwk(keys.p256, { use: 'enc' })]), ctx),
      refused(/not a signing key/),
    );
    await assert.rejects(
      verifyClientAssertion(jwt, registration([await privateJwk(keys.p256, { alg: 'ES384' })]), ctx),
      refused(/does not match the key/),
    );
  });

  it('never verifies an HMAC with a key from jwks: a symmetric JWK there is no secret', async () => {
    const k = Buffer.from(SECRET).toString('base64url');
    const client = registration([{ kty: 'oct', k }]);
    await assert.rejects(
      verifyClientAssertion(await assertion(secretBytes(SECRET), 'HS256'), client, ctx),
      refused(/needs a client secret/),
    );
  });

  it('refuses unsigned and unsupported assertions, and oversized ones before parsing', async () => {
    const client = registration([await privateJwk(keys.p256)]);
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ iss: 'service', sub: 'service' })).toString('base64url');
    await assert.rejects(verifyClientAssertion(`${header}.${body}.`, client, ctx), refused(/signed JWT/));
    await assert.rejects(
      verifyClientAssertion(`${header}.${body}.c2ln`, client, ctx),
      refused(/must be signed/),
    );
    const rs1 = Buffer.from(JSON.stringify({ alg: 'RS1' })).toString('base64url');
    await assert.rejects(verifyClientAssertion(`${rs1}.${body}.c2ln`, client, ctx), refused(/not supported/));
    const big = `${header}.${'A'.repeat(MAX_CLIENT_ASSERTION_LENGTH)}.c2ln`;
    await assert.rejects(verifyClientAssertion(big, client, ctx), refused(/too large/));
  });
});

describe('verifyClientAssertion: client_secret_jwt (OIDC Core §9)', () => {
  for (const alg of ['HS256', 'HS384', 'HS512']) {
    it(`accepts ${alg} keyed with the client's secret`, async () => {
      const verified = await verifyClientAssertion(
        await assertion(secretBytes(SECRET), alg),
        registration(null, SECRET),
        ctx,
      );
      assert.equal(verified.method, 'client_secret_jwt');
    });
  }

  it('refuses an HMAC made with a wrong secret', async () => {
    await assert.rejects(
      verifyClientAssertion(
        await assertion(secretBytes(`${SECRET}x`), 'HS256'),
        registration(null, SECRET),
        ctx,
      ),
      refused(/signature is invalid/),
    );
  });

  it('refuses it from a client with no secret in plain text', async () => {
    await assert.rejects(
      verifyClientAssertion(await assertion(secretBytes(SECRET), 'HS256'), registration(null, null), ctx),
      refused(/needs a client secret/),
    );
  });
});

describe('verifyClientAssertion: claims (RFC 7523 §3)', () => {
  const client = registration(null, SECRET);
  const hs = (claims: JWTPayload) => assertion(secretBytes(SECRET), 'HS256', claims);

  it('accepts the token endpoint or the issuer as aud, alone or in a list', async () => {
    await verifyClientAssertion(await hs({ aud: TOKEN_ENDPOINT }), client, ctx);
    await verifyClientAssertion(await hs({ aud: ['https://elsewhere.example', ISSUER] }), client, ctx);
  });

  it('refuses an aud that names some other server', async () => {
    await assert.rejects(
      verifyClientAssertion(await hs({ aud: 'https://other.example.com/token' }), client, ctx),
      refused(/audience is not this server/),
    );
    await assert.rejects(verifyClientAssertion(await hs({ aud: undefined }), client, ctx), refused(/aud/));
  });

  it('refuses an iss or sub that is not the client', async () => {
    await assert.rejects(
      verifyClientAssertion(await hs({ iss: 'other' }), client, ctx),
      refused(/iss is not the client/),
    );
    await assert.rejects(
      verifyClientAssertion(await hs({ sub: 'other' }), client, ctx),
      refused(/sub is not the client/),
    );
    await assert.rejects(verifyClientAssertion(await hs({ sub: undefined }), client, ctx), refused(/sub/));
  });

  it('refuses an expired assertion, beyond 30 seconds of skew', async () => {
    await verifyClientAssertion(await hs({ iat: nowSeconds - 80, exp: nowSeconds - 20 }), client, ctx);
    await assert.rejects(
      verifyClientAssertion(await hs({ iat: nowSeconds - 100, exp: nowSeconds - 40 }), client, ctx),
      refused(/expired/),
    );
  });

  it('requires exp and jti', async () => {
    await assert.rejects(verifyClientAssertion(await hs({ exp: undefined }), client, ctx), refused(/exp/));
    await assert.rejects(verifyClientAssertion(await hs({ jti: undefined }), client, ctx), refused(/jti/));
    await assert.rejects(
      verifyClientAssertion(await hs({ jti: 'j'.repeat(257) }), client, ctx),
      refused(/jti/),
    );
  });

  it('refuses a lifetime over an hour, from iat or from now', async () => {
    await verifyClientAssertion(await hs({ exp: nowSeconds + 3600 }), client, ctx);
    await assert.rejects(
      verifyClientAssertion(await hs({ exp: nowSeconds + 3601 }), client, ctx),
      refused(/too long/),
    );
    await assert.rejects(
      verifyClientAssertion(await hs({ iat: undefined, exp: nowSeconds + 3700 }), client, ctx),
      refused(/too long/),
    );
  });

  it('refuses an assertion issued in the future or not yet valid', async () => {
    await assert.rejects(
      verifyClientAssertion(await hs({ iat: nowSeconds + 120, exp: nowSeconds + 180 }), client, ctx),
      refused(/future/),
    );
    await assert.rejects(
      verifyClientAssertion(await hs({ nbf: nowSeconds + 120 }), client, ctx),
      refused(/not yet valid/),
    );
  });

  it('with a required method, refuses the other one before using any key', async () => {
    const keyed = registration([await privateJwk(keys.p256)], SECRET);
    await assert.rejects(
      verifyClientAssertion(await hs({}), keyed, { ...ctx, method: 'private_key_jwt' }),
      refused(/must authenticate with private_key_jwt/),
    );
    await assert.rejects(
      verifyClientAssertion(await assertion(keys.p256, 'ES256'), keyed, {
        ...ctx,
        method: 'client_secret_jwt',
      }),
      refused(/must authenticate with client_secret_jwt/),
    );
  });
});

describe('verifyClientAssertion: registered token_endpoint_auth_signing_alg (OIDC Registration §2)', () => {
  it('refuses an assertion signed with another alg the registered key could verify', async () => {
    const client = { ...registration([await privateJwk(keys.rsa)]), tokenEndpointAuthSigningAlg: 'RS256' };
    const verified = await verifyClientAssertion(await assertion(keys.rsa, 'RS256'), client, ctx);
    assert.equal(verified.method, 'private_key_jwt');
    const error = await verifyClientAssertion(await assertion(keys.rsa, 'PS256'), client, ctx).then(
      () => assert.fail('a PS256 assertion was accepted for an RS256 registration'),
      (thrown: unknown) => thrown,
    );
    assert.ok(refused(/not the one registered/)(error));
    assert.ok(error instanceof OAuthError);
    assert.match(error.detail ?? '', /RS256.*PS256/, 'the log-only detail names both algs');
    assert.doesNotMatch(error.description, /RS256|PS256/, 'the registered alg is not told to the caller');
  });

  it('holds a client_secret_jwt assertion to the registered HMAC alg', async () => {
    const client = { ...registration(null, SECRET), tokenEndpointAuthSigningAlg: 'HS512' };
    await verifyClientAssertion(await assertion(secretBytes(SECRET), 'HS512'), client, ctx);
    await assert.rejects(
      verifyClientAssertion(await assertion(secretBytes(SECRET), 'HS256'), client, ctx),
      refused(/not the one registered/),
    );
  });
});

describe('claimedClientId', () => {
  it('reads sub, else iss, without verifying; null for anything unreadable', async () => {
    assert.equal(claimedClientId(await assertion(secretBytes(SECRET), 'HS256')), 'service');
    assert.equal(
      claimedClientId(await assertion(secretBytes(SECRET), 'HS256', { sub: undefined })),
      'service',
    );
    assert.equal(
      claimedClientId(await assertion(secretBytes(SECRET), 'HS256', { sub: undefined, iss: undefined })),
      null,
    );
    assert.equal(claimedClientId('not.a.jwt'), null);
    assert.equal(claimedClientId(''), null);
  });
});
