import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  SignJWT,
  UnsecuredJWT,
  type JWTPayload,
} from 'jose';
import type { SigningAlg } from '../config/types.js';
import { ManualClock } from '../lib/clock.js';
import { createTokenService } from './token-service.js';
import type { SigningKey, TokenService } from './types.js';

const issuer = 'https://login.example.com';
const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

function makeKey(alg: SigningAlg, kid: string): SigningKey {
  const { privateKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey: createPublicKey(privateKey), source: `test:${kid}` };
}

async function service(alg: SigningAlg, key = makeKey(alg, `k-${alg}`), clock = new ManualClock()) {
  const tokens = await createTokenService({
    issuer,
    keys: [key],
    alg,
    lifetimes: { accessToken: 600, idToken: 3600 },
    clock,
  });
  return { tokens, clock, key };
}

/**
 * What a relying party does with a logout token (Back-Channel Logout 1.0 §2.6), written from
 * the spec rather than from the code under test: verify it against the OP's JWKS with the
 * explicit type, check iss, aud, iat and exp, the event, a sid or sub, and no nonce.
 */
async function validateAsRelyingParty(
  tokens: TokenService,
  token: string,
  options: { audience: string; now: number; algorithms?: string[] },
): Promise<JWTPayload> {
  const jwks = createLocalJWKSet(tokens.jwks() as Parameters<typeof createLocalJWKSet>[0]);
  const { payload } = await jwtVerify(token, jwks, {
    issuer,
    audience: options.audience,
    typ: 'logout+jwt',
    currentDate: new Date(options.now),
    requiredClaims: ['iat', 'exp', 'jti', 'events'],
    ...(options.algorithms ? { algorithms: options.algorithms } : {}),
  });
  const events = payload['events'] as Record<string, unknown>;
  assert.deepEqual(events[EVENT], {}, 'the back-channel logout event is an empty object');
  assert.ok(typeof payload.sub === 'string' || typeof payload['sid'] === 'string', 'sub or sid');
  assert.equal('nonce' in payload, false, 'a logout token never carries a nonce');
  return payload;
}

for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA'] as const) {
  describe(`logout tokens signed with ${alg}`, () => {
    it('are accepted by a relying party validating them as Back-Channel Logout §2.6 says', async () => {
      const { tokens, clock, key } = await service(alg);
      const token = await tokens.mintLogoutToken({ aud: 'wiki', sub: 'user-1@konnect', sid: 'session-1' });

      const payload = await validateAsRelyingParty(tokens, token, { audience: 'wiki', now: clock.now() });
      assert.deepEqual(decodeProtectedHeader(token), { alg, kid: key.kid, typ: 'logout+jwt' });
      const now = clock.now() / 1000;
      assert.deepEqual(payload, {
        iss: issuer,
        aud: 'wiki',
        iat: now,
        exp: now + 120,
        jti: payload.jti,
        events: { [EVENT]: {} },
        sid: 'session-1',
        sub: 'user-1@konnect',
      });
      assert.match(String(payload.jti), /^[A-Za-z0-9_-]{24}$/);
    });
  });
}

describe('logout tokens', () => {
  it('carry a new jti each, so a relying party can tell two logouts apart', async () => {
    const { tokens } = await service('ES256');
    const claims = { aud: 'wiki', sub: 'u', sid: 's' };
    const first = decodeJwt(await tokens.mintLogoutToken(claims));
    const second = decodeJwt(await tokens.mintLogoutToken(claims));
    assert.notEqual(first.jti, second.jti);
  });

  it('leave sub out when it is not known, keeping sid', async () => {
    const { tokens, clock } = await service('ES256');
    const token = await tokens.mintLogoutToken({ aud: 'wiki', sub: null, sid: 'session-1' });
    const payload = await validateAsRelyingParty(tokens, token, { audience: 'wiki', now: clock.now() });
    assert.equal('sub' in payload, false);
    assert.equal(payload['sid'], 'session-1');
  });

  it("are signed in the client's id_token_signed_response_alg when the key can make it", async () => {
    const { tokens, clock } = await service('RS256');
    const token = await tokens.mintLogoutToken({ aud: 'wiki', sub: 'u', sid: 's', alg: 'PS256' });
    assert.equal(decodeProtectedHeader(token).alg, 'PS256');
    await validateAsRelyingParty(tokens, token, {
      audience: 'wiki',
      now: clock.now(),
      algorithms: ['PS256'],
    });

    const fallback = await tokens.mintLogoutToken({ aud: 'wiki', sub: 'u', sid: 's', alg: 'ES256' });
    assert.equal(decodeProtectedHeader(fallback).alg, 'RS256', 'an RSA key cannot make ES256');
  });

  it('are refused by a relying party once their two minutes are over', async () => {
    const { tokens, clock } = await service('ES256');
    const token = await tokens.mintLogoutToken({ aud: 'wiki', sub: 'u', sid: 's' });
    await assert.rejects(
      validateAsRelyingParty(tokens, token, { audience: 'wiki', now: clock.now() + 121_000 }),
      { code: 'ERR_JWT_EXPIRED' },
    );
  });

  it('are neither an ID token hint nor an access token', async () => {
    const { tokens } = await service('ES256');
    const token = await tokens.mintLogoutToken({ aud: 'wiki', sub: 'u', sid: 's' });
    assert.equal(await tokens.verifyIdTokenHint(token), null);
    await assert.rejects(tokens.verifyAccessToken(token), { code: 'invalid_token' });
  });

  it('refuse empty audiences, session ids, subjects and jtis', async () => {
    const { tokens } = await service('ES256');
    for (const claims of [
      { aud: '', sub: 'u', sid: 's' },
      { aud: 'wiki', sub: 'u', sid: '' },
      { aud: 'wiki', sub: '', sid: 's' },
      { aud: 'wiki', sub: 'u', sid: 's', jti: '' },
    ]) {
      await assert.rejects(tokens.mintLogoutToken(claims), TypeError, JSON.stringify(claims));
    }
  });
});

describe('renewing a logout token for a retried delivery', () => {
  it('gives the same event — jti, aud, sub, sid and alg — with a fresh iat and exp', async () => {
    const { tokens, clock } = await service('RS256');
    const first = await tokens.mintLogoutToken({ aud: 'wiki', sub: 'u', sid: 's', alg: 'PS256' });
    clock.advance(3 * 3600 * 1000);

    const renewed = await tokens.renewLogoutToken(first);
    assert.ok(renewed);
    const payload = await validateAsRelyingParty(tokens, renewed, { audience: 'wiki', now: clock.now() });
    const original = decodeJwt(first);
    assert.equal(payload.jti, original.jti);
    assert.equal(payload.sub, 'u');
    assert.equal(payload['sid'], 's');
    assert.equal(payload.iat, clock.now() / 1000);
    assert.equal(payload.exp, clock.now() / 1000 + 120);
    assert.equal(decodeProtectedHeader(renewed).alg, 'PS256');
  });

  it('keeps sub out when the first token had none', async () => {
    const { tokens } = await service('ES256');
    const renewed = await tokens.renewLogoutToken(
      await tokens.mintLogoutToken({ aud: 'wiki', sub: null, sid: 's' }),
    );
    assert.ok(renewed);
    assert.equal('sub' in decodeJwt(renewed), false);
  });

  it('refuses anything but a logout token signed by our keys', async () => {
    const { tokens, key } = await service('ES256');
    const idToken = await tokens.mintIdToken({
      sub: 'u',
      aud: 'wiki',
      authTime: 1,
      nonce: null,
      sid: 's',
      accessToken: null,
    });
    const accessToken = await tokens.mintAccessToken({
      sub: 'u',
      clientId: 'wiki',
      scopes: [],
      grantId: 'g',
    });
    const claims = { aud: 'wiki', sub: 'u', sid: 's', jti: 'j', events: { [EVENT]: {} } };
    const foreignKey = makeKey('ES256', key.kid);
    const foreign = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'logout+jwt' })
      .setIssuer(issuer)
      .setIssuedAt()
      .sign(foreignKey.privateKey);
    const unsigned = new UnsecuredJWT(claims).setIssuer(issuer).encode();
    const noEvent = await new SignJWT({ ...claims, events: {} })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'logout+jwt' })
      .setIssuer(issuer)
      .sign(key.privateKey);
    const otherIssuer = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'logout+jwt' })
      .setIssuer('https://elsewhere.example')
      .sign(key.privateKey);
    const good = await tokens.mintLogoutToken({ aud: 'wiki', sub: 'u', sid: 's' });
    const [header, , signature] = good.split('.');
    const otherSid = Buffer.from(JSON.stringify({ ...decodeJwt(good), sid: 'other' })).toString('base64url');
    const tampered = `${header}.${otherSid}.${signature}`;

    for (const [name, token] of Object.entries({
      idToken,
      accessToken,
      foreign,
      unsigned,
      noEvent,
      otherIssuer,
      tampered,
      garbage: 'not-a-jwt',
    })) {
      assert.equal(await tokens.renewLogoutToken(token), null, name);
    }
    assert.ok(await tokens.renewLogoutToken(good), 'the untampered token renews');
  });
});
