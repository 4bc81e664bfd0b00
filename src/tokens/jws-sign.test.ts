import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  compactVerify,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { SigningAlg } from '../config/types.js';
import { ManualClock } from '../lib/clock.js';
import { signCompactJws, signJws } from './jws-sign.js';
import { createTokenService } from './token-service.js';

const issuer = 'https://login.example.com';

const privateKeys: Readonly<Record<SigningAlg, KeyObject>> = (() => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return {
    RS256: rsa,
    PS256: rsa,
    ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    EdDSA: generateKeyPairSync('ed25519').privateKey,
  };
})();

const claims = {
  iss: issuer,
  sub: 'user-1',
  aud: 'nextcloud',
  iat: 1_767_225_600,
  exp: 1_767_229_200,
  nonce: 'n-0S6_WzA2Mj',
  name: 'Zoë Ünïcode 😀',
  groups: ['a', 'b'],
  'kc.identity': { 'kc.i.id': 'u1', 'kc.i.guest': false },
};
const header = { kid: 'k-1', typ: 'JWT' };
const verifyAt = { issuer, currentDate: new Date(1_767_226_000_000) };

/** The signature segment, decoded. */
const signatureOf = (jws: string): Buffer => Buffer.from(jws.split('.')[2] ?? '', 'base64url');

/** `jws` with one byte of segment `index` changed. */
function tamper(jws: string, index: 1 | 2): string {
  const parts = jws.split('.');
  const bytes = Buffer.from(parts[index] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA'] as const) {
  describe(`signCompactJws with ${alg}`, () => {
    const key = privateKeys[alg];
    const publicKey = createPublicKey(key);

    it('signs a token jose verifies with the public key, header and claims as given', async () => {
      const jws = signCompactJws(header, claims, key, alg);
      const { payload, protectedHeader } = await jwtVerify(jws, publicKey, {
        ...verifyAt,
        algorithms: [alg],
      });
      assert.deepEqual(protectedHeader, { alg, ...header });
      assert.deepEqual(payload, claims);
      const compact = await compactVerify(jws, publicKey, { algorithms: [alg] });
      assert.deepEqual(JSON.parse(new TextDecoder().decode(compact.payload)), claims);
      // The segments are base64url without padding.
      assert.match(jws, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    });

    it('encodes header and payload byte for byte as jose SignJWT does', async () => {
      // The claims in the order the token service gives them: SignJWT appends iss, iat, exp.
      const { iss, iat, exp, ...rest } = claims;
      const ours = signCompactJws(header, { ...rest, iss, iat, exp }, key, alg);
      const theirs = await new SignJWT(rest)
        .setProtectedHeader({ alg, ...header })
        .setIssuer(iss)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(key);
      const [oursHeader, oursPayload] = ours.split('.');
      const [theirsHeader, theirsPayload] = theirs.split('.');
      assert.equal(oursHeader, theirsHeader);
      assert.equal(oursPayload, theirsPayload);
      // PKCS#1 v1.5 and Ed25519 signatures are deterministic: the whole token is the same.
      if (alg === 'RS256' || alg === 'EdDSA') assert.equal(ours, theirs);
    });

    it('signs through signJws with the same header and payload bytes', async () => {
      const viaPolicy = await signJws(header, claims, key, alg);
      const direct = signCompactJws(header, claims, key, alg);
      assert.equal(viaPolicy.split('.').slice(0, 2).join('.'), direct.split('.').slice(0, 2).join('.'));
      if (alg === 'RS256' || alg === 'EdDSA') assert.equal(viaPolicy, direct);
      const { payload, protectedHeader } = await jwtVerify(viaPolicy, publicKey, verifyAt);
      assert.deepEqual(protectedHeader, { alg, ...header });
      assert.deepEqual(payload, claims);
    });

    it('produces a token jose refuses once its payload or signature is altered', async () => {
      const jws = signCompactJws(header, claims, key, alg);
      for (const altered of [tamper(jws, 1), tamper(jws, 2)]) {
        await assert.rejects(
          compactVerify(altered, publicKey, { algorithms: [alg] }),
          errors.JWSSignatureVerificationFailed,
        );
      }
    });

    it('refuses keys that do not suit the algorithm', () => {
      const wrong = [
        publicKey,
        createSecretKey(Buffer.alloc(32, 7)),
        generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey,
        ...Object.values(privateKeys).filter((other) => other !== key),
      ];
      assert.ok(wrong.length >= 5);
      for (const bad of wrong) {
        assert.throws(() => signCompactJws(header, claims, bad, alg), TypeError);
      }
    });

    it('rejects, through signJws, keys that do not suit the algorithm', async () => {
      await assert.rejects(signJws(header, claims, publicKey, alg), TypeError);
      const other = alg === 'ES256' ? privateKeys.EdDSA : privateKeys.ES256;
      await assert.rejects(signJws(header, claims, other, alg), TypeError);
    });
  });
}

describe('signCompactJws encodings', () => {
  it('gives ES256 signatures as the 64-byte r || s, never DER', async () => {
    for (let i = 0; i < 20; i++) {
      const jws = signCompactJws(header, { i }, privateKeys.ES256, 'ES256');
      assert.equal(signatureOf(jws).length, 64);
    }
  });

  it('gives PS256 signatures with the 32-byte salt jose requires', async () => {
    const jws = signCompactJws(header, claims, privateKeys.PS256, 'PS256');
    // jose verifies through WebCrypto with saltLength 32, so another salt length fails here.
    await compactVerify(jws, createPublicKey(privateKeys.PS256), { algorithms: ['PS256'] });
    assert.equal(signatureOf(jws).length, 256);
  });

  it('refuses an RSA key below 2048 bits, as jose does', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    assert.throws(() => signCompactJws(header, claims, weak, 'RS256'), TypeError);
  });

  it('refuses a header that names alg or crit', () => {
    const sneaky = { kid: 'k-1', alg: 'none' } as unknown as typeof header;
    assert.throws(() => signCompactJws(sneaky, claims, privateKeys.ES256, 'ES256'), TypeError);
    const critical = { kid: 'k-1', crit: ['b64'], b64: false } as unknown as typeof header;
    assert.throws(() => signCompactJws(critical, claims, privateKeys.ES256, 'ES256'), TypeError);
  });
});

describe('tokens the token service signs', () => {
  for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA'] as const) {
    it(`verify against its published JWKS with jose (${alg})`, async () => {
      const privateKey = privateKeys[alg];
      const key = { kid: `k-${alg}`, privateKey, publicKey: createPublicKey(privateKey), source: 'test' };
      const clock = new ManualClock();
      const lifetimes = { accessToken: 600, idToken: 3600 };
      const tokens = await createTokenService({ issuer, keys: [key], alg, lifetimes, clock });
      const jwks = createLocalJWKSet(tokens.jwks() as Parameters<typeof createLocalJWKSet>[0]);
      const now = clock.now() / 1000;
      const accessToken = await tokens.mintAccessToken({
        sub: 'user-1',
        clientId: 'nextcloud',
        scopes: ['openid'],
        grantId: 'g-1',
      });
      const idToken = await tokens.mintIdToken({
        sub: 'user-1',
        aud: 'nextcloud',
        authTime: now,
        nonce: null,
        sid: null,
        accessToken,
      });
      const userinfo = await tokens.mintUserinfo({ sub: 'user-1', name: 'Zoë' }, 'nextcloud', alg);
      const logout = await tokens.mintLogoutToken({ aud: 'nextcloud', sub: 'user-1', sid: 's-1' });
      const expected = [
        [accessToken, 'at+jwt', now + 600],
        [idToken, 'JWT', now + 3600],
        [userinfo, 'JWT', undefined],
        [logout, 'logout+jwt', now + 120],
      ] as const;
      for (const [token, typ, exp] of expected) {
        const { payload, protectedHeader } = await jwtVerify(token, jwks, {
          issuer,
          algorithms: [alg],
          currentDate: new Date(clock.now()),
        });
        assert.deepEqual(protectedHeader, { alg, kid: key.kid, typ });
        assert.equal(payload.iat, now);
        assert.equal(payload.exp, exp);
        assert.deepEqual(decodeProtectedHeader(token), protectedHeader);
        assert.deepEqual(decodeJwt(token), payload);
      }
    });
  }
});
