import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT, type JWK } from 'jose';
import type { SigningAlg } from '../config/types.js';
import { ManualClock } from '../lib/clock.js';
import { OAuthError } from '../oauth/errors.js';
import type { KeySnapshot, KeySource } from './key-source.js';
import { createTokenService } from './token-service.js';
import type { SigningKey, TokenService } from './types.js';

const issuer = 'https://login.example.com';
const lifetimes = { accessToken: 600, idToken: 3600 };

function makeKey(alg: SigningAlg, kid: string): SigningKey {
  const { privateKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey: createPublicKey(privateKey), source: `test:${kid}` };
}

async function service(alg: SigningAlg, clock = new ManualClock(), key = makeKey(alg, `k-${alg}`)) {
  return { tokens: await createTokenService({ issuer, keys: [key], alg, lifetimes, clock }), clock, key };
}

const accessClaims = { sub: 'user-1', clientId: 'nextcloud', scopes: ['openid', 'profile'], grantId: 'g-1' };

/** OIDC Core §3.1.3.6, computed here without the code under test. */
function expectedAtHash(token: string, alg: SigningAlg): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(token)
    .digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

function isInvalidToken(error: unknown): boolean {
  assert.ok(error instanceof OAuthError, String(error));
  assert.equal(error.code, 'invalid_token');
  assert.equal(error.status, 401);
  return true;
}

for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA'] as const) {
  describe(`tokens signed with ${alg}`, () => {
    it('mints an ID token any relying party can verify against the published JWKS', async () => {
      const { tokens, clock, key } = await service(alg);
      const accessToken = await tokens.mintAccessToken(accessClaims);
      const idToken = await tokens.mintIdToken({
        sub: 'user-1',
        aud: 'nextcloud',
        authTime: 1_767_225_000,
        nonce: 'n-0S6_WzA2Mj',
        sid: 'session-1',
        accessToken,
        extra: { email: 'a@example.com', iss: 'https://evil.example', sub: 'admin' },
      });

      const jwks = createLocalJWKSet(tokens.jwks() as Parameters<typeof createLocalJWKSet>[0]);
      const { payload, protectedHeader } = await jwtVerify(idToken, jwks, {
        issuer,
        audience: 'nextcloud',
        algorithms: [alg],
        currentDate: new Date(clock.now()),
      });
      assert.deepEqual(protectedHeader, { alg, kid: key.kid, typ: 'JWT' });
      const now = clock.now() / 1000;
      assert.deepEqual(payload, {
        iss: issuer,
        sub: 'user-1',
        aud: 'nextcloud',
        azp: 'nextcloud',
        iat: now,
        exp: now + 3600,
        auth_time: 1_767_225_000,
        nonce: 'n-0S6_WzA2Mj',
        sid: 'session-1',
        at_hash: expectedAtHash(accessToken, alg),
        email: 'a@example.com',
      });
    });

    it('publishes the public key only, with kid, use, and alg unless the key is RSA', async () => {
      const { tokens, key } = await service(alg);
      const [jwk, ...others] = tokens.jwks().keys;
      assert.equal(others.length, 0);
      assert.equal(jwk?.kid, key.kid);
      assert.equal(jwk?.use, 'sig');
      assert.equal(jwk?.alg, alg === 'RS256' || alg === 'PS256' ? undefined : alg);
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(jwk?.[secret], undefined);
    });

    it('round-trips an access token carrying no personal data', async () => {
      const { tokens, clock } = await service(alg);
      const token = await tokens.mintAccessToken(accessClaims);
      assert.equal(decodeProtectedHeader(token).typ, 'at+jwt');
      assert.deepEqual(Object.keys(decodeJwt(token)).sort(), [
        'aud',
        'client_id',
        'exp',
        'grant_id',
        'iat',
        'iss',
        'jti',
        'scope',
        'sub',
      ]);
      const claims = await tokens.verifyAccessToken(token);
      const now = clock.now() / 1000;
      assert.equal(claims.jti.length, 24);
      assert.deepEqual(
        { ...claims, jti: 'x' },
        { ...accessClaims, jti: 'x', iat: now, exp: now + 600, format: 'rfc9068' },
      );
    });

    it('accepts its id_token_hint after the ID token expired', async () => {
      const { tokens, clock } = await service(alg);
      const idToken = await tokens.mintIdToken({
        sub: 'user-1',
        aud: 'nextcloud',
        authTime: 1,
        nonce: null,
        sid: 'session-1',
        accessToken: null,
      });
      clock.advance(30 * 24 * 3600 * 1000);
      assert.deepEqual(await tokens.verifyIdTokenHint(idToken), {
        sub: 'user-1',
        aud: 'nextcloud',
        sid: 'session-1',
      });
    });
  });
}

describe('verifyAccessToken refuses', () => {
  it('an expired access token', async () => {
    const { tokens, clock } = await service('PS256');
    const token = await tokens.mintAccessToken(accessClaims);
    clock.advance(599_000);
    await tokens.verifyAccessToken(token);
    clock.advance(1_000);
    await assert.rejects(
      tokens.verifyAccessToken(token),
      (e) => isInvalidToken(e) && /expired/.test((e as OAuthError).description),
    );
  });

  it('a tampered access token', async () => {
    const { tokens } = await service('ES256');
    const [header, payload, signature] = (await tokens.mintAccessToken(accessClaims)).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url');
    await assert.rejects(tokens.verifyAccessToken(`${header}.${forged}.${signature}`), isInvalidToken);
  });

  it('an ID token presented as an access token', async () => {
    const { tokens } = await service('RS256');
    const idToken = await tokens.mintIdToken({
      sub: 'user-1',
      aud: 'nextcloud',
      authTime: 1,
      nonce: null,
      sid: null,
      accessToken: null,
    });
    await assert.rejects(tokens.verifyAccessToken(idToken), isInvalidToken);
  });

  it('a token signed by a key that is not ours, even under our kid', async () => {
    const ours = await service('ES256');
    const theirs = await service('ES256', ours.clock, makeKey('ES256', ours.key.kid));
    await assert.rejects(
      ours.tokens.verifyAccessToken(await theirs.tokens.mintAccessToken(accessClaims)),
      isInvalidToken,
    );
  });

  it('a token from another issuer, or with another algorithm', async () => {
    const { tokens, key, clock } = await service('RS256');
    const other = await createTokenService({
      issuer: 'https://other.example',
      keys: [key],
      alg: 'RS256',
      lifetimes,
      clock,
    });
    await assert.rejects(tokens.verifyAccessToken(await other.mintAccessToken(accessClaims)), isInvalidToken);
    const ps = await createTokenService({ issuer, keys: [key], alg: 'PS256', lifetimes, clock });
    await assert.rejects(tokens.verifyAccessToken(await ps.mintAccessToken(accessClaims)), isInvalidToken);
  });

  it('malformed strings and unsigned tokens', async () => {
    const { tokens } = await service('EdDSA');
    const unsigned = `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.e30.`;
    for (const junk of ['', 'abc', 'a.b.c', unsigned, 'x'.repeat(5000)]) {
      await assert.rejects(tokens.verifyAccessToken(junk), isInvalidToken);
    }
  });

  it('an access token of ours missing a claim Sesame always sets', async () => {
    const { tokens, key, clock } = await service('ES256');
    const token = await new SignJWT({
      sub: 'user-1',
      aud: 'nextcloud',
      client_id: 'nextcloud',
      scope: 'openid',
      jti: 'j',
    })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
      .setIssuer(issuer)
      .setIssuedAt(clock.now() / 1000)
      .setExpirationTime(clock.now() / 1000 + 60)
      .sign(key.privateKey);
    await assert.rejects(tokens.verifyAccessToken(token), isInvalidToken);
  });
});

describe('verifyIdTokenHint', () => {
  const hintClaims = {
    sub: 'user-1',
    aud: 'nextcloud',
    authTime: 1,
    nonce: null,
    sid: null,
    accessToken: null,
  };

  it('refuses a hint signed by a foreign key', async () => {
    const ours = await service('RS256');
    const theirs = await service('RS256', ours.clock, makeKey('RS256', ours.key.kid));
    assert.equal(await ours.tokens.verifyIdTokenHint(await theirs.tokens.mintIdToken(hintClaims)), null);
  });

  it('refuses access tokens, other issuers and junk', async () => {
    const { tokens, key, clock } = await service('ES256');
    assert.equal(await tokens.verifyIdTokenHint(await tokens.mintAccessToken(accessClaims)), null);
    const other = await createTokenService({
      issuer: 'https://other.example',
      keys: [key],
      alg: 'ES256',
      lifetimes,
      clock,
    });
    assert.equal(await tokens.verifyIdTokenHint(await other.mintIdToken(hintClaims)), null);
    assert.equal(await tokens.verifyIdTokenHint('not.a.token'), null);
  });

  it('refuses a signed userinfo response, which has our signature, a sub and an aud but no exp', async () => {
    const { tokens } = await service('ES256');
    const userinfo = await tokens.mintUserinfo({ sub: hintClaims.sub }, hintClaims.aud, 'ES256');
    assert.equal(await tokens.verifyIdTokenHint(userinfo), null);
  });

  it('returns the first audience and no sid when the token has none', async () => {
    const { tokens, key, clock } = await service('EdDSA');
    const token = await new SignJWT({ sub: 'user-1', aud: ['nextcloud', 'other'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setIssuedAt(clock.now() / 1000)
      .setExpirationTime(clock.now() / 1000 + 60)
      .sign(key.privateKey);
    assert.deepEqual(await tokens.verifyIdTokenHint(token), { sub: 'user-1', aud: 'nextcloud', sid: null });
  });
});

describe('ID token hashes', () => {
  const idClaims = { sub: 'u', aud: 'c', authTime: 1, nonce: 'n', sid: null };

  it('carries at_hash and c_hash matching the examples of OIDC Core Appendix A', async () => {
    const { tokens } = await service('RS256');
    const accessToken = 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y';
    const code = 'Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk';
    const payload = decodeJwt(await tokens.mintIdToken({ ...idClaims, accessToken, code }));
    assert.equal(payload.at_hash, '77QmUPtjPfzWtF2AnpK9RQ');
    assert.equal(payload.c_hash, 'LDktKdoQak3Pk0cnXxCltA');
  });

  for (const alg of ['PS256', 'ES256', 'EdDSA'] as const) {
    it(`hashes the code with the hash of ${alg} for c_hash (OIDC Core §3.3.2.11)`, async () => {
      const { tokens } = await service(alg);
      const payload = decodeJwt(
        await tokens.mintIdToken({ ...idClaims, accessToken: 'at-value', code: 'code-value' }),
      );
      assert.equal(payload.c_hash, expectedAtHash('code-value', alg));
      assert.equal(payload.at_hash, expectedAtHash('at-value', alg));
    });
  }

  it('has no c_hash without a code, and no at_hash without an access token', async () => {
    const { tokens } = await service('ES256');
    for (const code of [undefined, null]) {
      const payload = decodeJwt(await tokens.mintIdToken({ ...idClaims, accessToken: null, code }));
      assert.equal('c_hash' in payload, false);
      assert.equal('at_hash' in payload, false);
    }
  });

  it("follows the client's own algorithm for c_hash too", async () => {
    const { tokens } = await service('PS256');
    const token = await tokens.mintIdToken({ ...idClaims, accessToken: null, code: 'c', alg: 'RS256' });
    assert.equal(decodeProtectedHeader(token).alg, 'RS256');
    assert.equal(decodeJwt(token).c_hash, expectedAtHash('c', 'RS256'));
  });
});

describe('createTokenService', () => {
  it('signs with the first key that fits the algorithm and publishes them all', async () => {
    const ec = makeKey('ES256', 'ec');
    const rsa = makeKey('PS256', 'rsa');
    const tokens: TokenService = await createTokenService({
      issuer,
      keys: [ec, rsa],
      alg: 'PS256',
      lifetimes,
      clock: new ManualClock(),
    });
    assert.equal(decodeProtectedHeader(await tokens.mintAccessToken(accessClaims)).kid, 'rsa');
    assert.deepEqual(
      tokens.jwks().keys.map((k) => [k.kid, k.alg]),
      [
        ['ec', 'ES256'],
        ['rsa', undefined],
      ],
    );
  });

  it('refuses a token it verified before once its key is no longer trusted', async () => {
    const [old, next] = [makeKey('ES256', 'old'), makeKey('ES256', 'next')];
    let snapshot: KeySnapshot = { signer: old, verification: [old, next], jwks: { keys: [] } };
    const keys: KeySource = { current: () => snapshot };
    const tokens = await createTokenService({
      issuer,
      keys,
      alg: 'ES256',
      lifetimes,
      clock: new ManualClock(),
    });
    const token = await tokens.mintAccessToken(accessClaims);
    assert.equal((await tokens.verifyAccessToken(token)).grantId, 'g-1');
    assert.equal((await tokens.verifyAccessToken(token)).grantId, 'g-1', 'again, from what was verified');

    snapshot = { signer: next, verification: [next], jwks: { keys: [] } };
    await assert.rejects(
      tokens.verifyAccessToken(token),
      (e) => isInvalidToken(e) && /unknown signing key/.test((e as OAuthError).description),
    );
  });

  it('refuses to start without a key for the algorithm', async () => {
    await assert.rejects(
      createTokenService({
        issuer,
        keys: [makeKey('ES256', 'ec')],
        alg: 'EdDSA',
        lifetimes,
        clock: new ManualClock(),
      }),
      TypeError,
    );
  });
});

describe("a client's own signing algorithm", () => {
  it('signs the ID token with id_token_signed_response_alg when the key can, and at_hash follows it', async () => {
    const { tokens, clock } = await service('PS256');
    const idToken = await tokens.mintIdToken({
      sub: 'user-1',
      aud: 'nextcloud',
      authTime: 1,
      nonce: null,
      sid: null,
      accessToken: 'access-token-value',
      alg: 'RS256',
    });
    const { payload, protectedHeader } = await jwtVerify(
      idToken,
      createLocalJWKSet({ keys: [...tokens.jwks().keys] as JWK[] }),
      {
        issuer,
        audience: 'nextcloud',
        algorithms: ['RS256'],
        currentDate: new Date(clock.now()),
      },
    );
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.at_hash, expectedAtHash('access-token-value', 'RS256'));
  });

  it('falls back to the configured algorithm when the key cannot produce the requested one', async () => {
    const { tokens } = await service('ES256');
    const idToken = await tokens.mintIdToken({
      sub: 'u',
      aud: 'c',
      authTime: 1,
      nonce: null,
      sid: null,
      accessToken: null,
      alg: 'RS256',
    });
    assert.equal(JSON.parse(Buffer.from(idToken.split('.')[0]!, 'base64url').toString()).alg, 'ES256');
  });
});
