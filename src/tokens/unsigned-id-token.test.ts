import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeProtectedHeader, UnsecuredJWT } from 'jose';
import { ManualClock } from '../lib/clock.js';
import { createTokenService } from './token-service.js';

const issuer = 'https://login.example.com';

async function service() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = { kid: 'k1', privateKey, publicKey: createPublicKey(privateKey), source: 'test' };
  const clock = new ManualClock();
  const tokens = await createTokenService({
    issuer,
    keys: [key],
    alg: 'ES256',
    lifetimes: { accessToken: 600, idToken: 3600 },
    clock,
  });
  return { tokens, clock };
}

const claims = {
  sub: 'user-1',
  aud: 'rp',
  authTime: 1_767_225_000,
  nonce: 'n-1',
  sid: 'session-1',
  accessToken: 'access-token-value',
  code: null,
  extra: { email: 'a@example.com', iss: 'https://evil.example' },
} as const;

describe('an ID token minted with alg none (OIDC Registration §2)', () => {
  it('is an unsecured JWT with the ID token claims and no at_hash', async () => {
    const { tokens, clock } = await service();
    const token = await tokens.mintIdToken({ ...claims, alg: 'none' });
    assert.ok(token.endsWith('.'), 'an empty signature');
    const now = clock.now() / 1000;
    const { header, payload } = UnsecuredJWT.decode(token, {
      issuer,
      audience: 'rp',
      currentDate: new Date(clock.now()),
    });
    assert.deepEqual(header, { alg: 'none' });
    assert.deepEqual(payload, {
      iss: issuer,
      sub: 'user-1',
      aud: 'rp',
      azp: 'rp',
      iat: now,
      exp: now + 3600,
      auth_time: 1_767_225_000,
      nonce: 'n-1',
      sid: 'session-1',
      email: 'a@example.com',
    });
  });

  it('is refused as an id_token_hint, which must carry our signature', async () => {
    const { tokens } = await service();
    assert.equal(await tokens.verifyIdTokenHint(await tokens.mintIdToken({ ...claims, alg: 'none' })), null);
  });

  it('does not make logout tokens or userinfo responses of that client unsigned', async () => {
    const { tokens } = await service();
    const logout = await tokens.mintLogoutToken({ aud: 'rp', sid: 'session-1', sub: 'user-1', alg: 'none' });
    assert.equal(decodeProtectedHeader(logout).alg, 'ES256');
    const userinfo = await tokens.mintUserinfo({ sub: 'user-1' }, 'rp', 'none');
    assert.equal(decodeProtectedHeader(userinfo).alg, 'ES256');
  });
});
