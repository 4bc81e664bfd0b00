import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT, type JWK } from 'jose';
import type { AccessTokenFormat, SigningAlg } from '../config/types.js';
import { ManualClock } from '../lib/clock.js';
import { OAuthError } from '../oauth/errors.js';
import { createTokenService } from './token-service.js';
import type { AccessTokenInput, SigningKey } from './types.js';

const issuer = 'https://meet.example.com';
const lifetimes = { accessToken: 600, idToken: 3600 };
const clientId = 'kpop-https://meet.example.com/meet/';

function makeKey(alg: SigningAlg, kid = `k-${alg}`): SigningKey {
  const { privateKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey: createPublicKey(privateKey), source: `test:${kid}` };
}

const ldapUser = {
  'kc.i.id': 'uid=alice,ou=people,dc=example,dc=com',
  'kc.i.un': 'alice',
  'kc.i.dn': 'Alice Liddell',
};

const meetToken: AccessTokenInput = {
  sub: 'hashed-sub@konnect',
  clientId,
  scopes: ['openid', 'profile', 'email', 'kopano/kwm'],
  grantId: 'grant-1',
  konnect: {
    sub: 'hashed-sub@konnect',
    identity: ldapUser,
    provider: 'identifier-ldap',
    authorizedClaims: null,
  },
};

async function service(format: AccessTokenFormat | undefined, alg: SigningAlg = 'PS256', key = makeKey(alg)) {
  const clock = new ManualClock();
  const tokens = await createTokenService({
    issuer,
    keys: [key],
    alg,
    lifetimes,
    clock,
    ...(format === undefined ? {} : { accessTokenFormat: format }),
  });
  return { tokens, clock, key };
}

function isInvalidToken(error: unknown): boolean {
  assert.ok(error instanceof OAuthError, String(error));
  assert.equal(error.code, 'invalid_token');
  return true;
}

/** Signs `payload` as one of our tokens would be, to build tokens the service never mints. */
function signAs(key: SigningKey, alg: SigningAlg, payload: Record<string, unknown>, typ?: string) {
  const now = Date.UTC(2026, 0, 1) / 1000;
  return new SignJWT({ iat: now, exp: now + 600, ...payload })
    .setProtectedHeader({ alg, kid: key.kid, ...(typ === undefined ? {} : { typ }) })
    .sign(key.privateKey);
}

describe('access token format', () => {
  it('is rfc9068 unless configured otherwise', async () => {
    assert.equal((await service(undefined)).tokens.accessTokenFormat, 'rfc9068');
    assert.equal((await service('konnect')).tokens.accessTokenFormat, 'konnect');
    await assert.rejects(service('jwt' as AccessTokenFormat), TypeError);
  });

  it('mints Konnect claims that kwmserver and kapi read, with aud as a string', async () => {
    const { tokens, clock, key } = await service('konnect');
    const token = await tokens.mintAccessToken(meetToken);
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'PS256', kid: key.kid, typ: 'JWT' });
    const { payload } = await jwtVerify(
      token,
      createLocalJWKSet({ keys: [...tokens.jwks().keys] as JWK[] }),
      {
        issuer,
        audience: clientId,
        currentDate: new Date(clock.now()),
      },
    );
    const now = clock.now() / 1000;
    assert.equal(typeof payload.jti, 'string');
    assert.equal(payload.jti?.length, 24);
    assert.deepEqual(
      { ...payload, jti: 'x' },
      {
        iss: issuer,
        sub: 'hashed-sub@konnect',
        aud: clientId,
        exp: now + 600,
        iat: now,
        jti: 'x',
        'kc.isAccessToken': true,
        'kc.authorizedScopes': ['openid', 'profile', 'email', 'kopano/kwm'],
        'kc.identity': ldapUser,
        'kc.provider': 'identifier-ldap',
        grant_id: 'grant-1',
        client_id: clientId,
      },
    );
  });

  it("carries a guest's authorized claims request, and omits it when there is none", async () => {
    const { tokens } = await service('konnect', 'ES256');
    const claims = {
      id_token: { guest: { essential: true, value: 'r4nd0m@1.kwmguest' }, name: { value: '(Guest)Bob' } },
      passthru: { 'kopano/kwm/guest': { type: '1', path: 'group/public/foo' } },
    };
    const guest = await tokens.mintAccessToken({
      ...meetToken,
      scopes: ['openid', 'konnect/guestok', 'kopano/kwm'],
      konnect: {
        sub: 'hashed-sub@konnect',
        identity: { 'kc.i.id': 'r4nd0m@1.kwmguest', 'kc.i.guest': true, 'kc.i.da': {} },
        provider: 'guest',
        authorizedClaims: claims,
      },
    });
    assert.deepEqual(decodeJwt(guest)['kc.authorizedClaims'], claims);
    assert.equal(decodeJwt(guest)['kc.provider'], 'guest');
    assert.equal('kc.authorizedClaims' in decodeJwt(await tokens.mintAccessToken(meetToken)), false);
  });

  it('sets iat to the current second, never rounding up', async () => {
    const { tokens, clock } = await service('konnect', 'ES256');
    clock.advance(999);
    assert.equal(decodeJwt(await tokens.mintAccessToken(meetToken)).iat, Date.UTC(2026, 0, 1) / 1000);
  });

  it('refuses to mint a Konnect token without the Konnect data (programmer error)', async () => {
    const { tokens } = await service('konnect');
    const bare: AccessTokenInput = { ...meetToken, konnect: undefined };
    assert.throws(() => tokens.mintAccessToken(bare), TypeError);
    assert.throws(
      () => tokens.mintAccessToken({ ...meetToken, konnect: { ...meetToken.konnect!, provider: '' } }),
      TypeError,
    );
  });

  it('ignores Konnect data in the rfc9068 format, which holds nothing about the user', async () => {
    const { tokens } = await service('rfc9068');
    const token = await tokens.mintAccessToken(meetToken);
    assert.equal(decodeProtectedHeader(token).typ, 'at+jwt');
    assert.equal(
      Object.keys(decodeJwt(token)).some((name) => name.startsWith('kc.')),
      false,
    );
  });
});

describe('verifyAccessToken with both formats', () => {
  it('round-trips a Konnect token to the same claims as an RFC 9068 one', async () => {
    const { tokens, clock } = await service('konnect', 'ES256');
    const claims = await tokens.verifyAccessToken(await tokens.mintAccessToken(meetToken));
    const now = clock.now() / 1000;
    assert.deepEqual(
      { ...claims, jti: 'x' },
      {
        sub: meetToken.sub,
        clientId,
        scopes: meetToken.scopes,
        grantId: 'grant-1',
        jti: 'x',
        iat: now,
        exp: now + 600,
        format: 'konnect',
      },
    );
  });

  it('keeps accepting tokens in flight after the format setting changed, both ways', async () => {
    const key = makeKey('RS256');
    const konnect = await service('konnect', 'RS256', key);
    const rfc = await service('rfc9068', 'RS256', key);
    const fromKonnect = await konnect.tokens.mintAccessToken(meetToken);
    const fromRfc = await rfc.tokens.mintAccessToken(meetToken);
    assert.equal((await rfc.tokens.verifyAccessToken(fromKonnect)).format, 'konnect');
    assert.equal((await konnect.tokens.verifyAccessToken(fromRfc)).format, 'rfc9068');
  });

  it('refuses an expired Konnect token', async () => {
    const { tokens, clock } = await service('konnect', 'ES256');
    const token = await tokens.mintAccessToken(meetToken);
    clock.advance(600_000);
    await assert.rejects(tokens.verifyAccessToken(token), isInvalidToken);
  });

  it('never takes an ID token, with or without profile claims, for an access token', async () => {
    const { tokens } = await service('konnect', 'ES256');
    const idToken = await tokens.mintIdToken({
      sub: meetToken.sub,
      aud: clientId,
      authTime: 1,
      nonce: null,
      sid: null,
      accessToken: null,
      extra: {
        name: 'Alice',
        'kc.isAccessToken': true,
        'kc.authorizedScopes': ['kopano/kwm'],
        grant_id: 'g',
      },
    });
    const payload = decodeJwt(idToken);
    for (const name of ['kc.isAccessToken', 'kc.authorizedScopes', 'grant_id'])
      assert.equal(name in payload, false);
    await assert.rejects(tokens.verifyAccessToken(idToken), isInvalidToken);
  });

  it('never signs a userinfo response that kwmserver would take for an access token', async () => {
    const { tokens } = await service('konnect', 'ES256');
    const jwt = await tokens.mintUserinfo(
      { sub: 's', 'kc.isAccessToken': true, 'kc.isRefreshToken': true },
      'c',
      'ES256',
    );
    assert.equal('kc.isAccessToken' in decodeJwt(jwt), false);
    assert.equal('kc.isRefreshToken' in decodeJwt(jwt), false);
  });

  it('refuses Konnect-style tokens of ours that lack what a Konnect access token has', async () => {
    const { tokens, key } = await service('konnect', 'ES256');
    const good = {
      iss: issuer,
      sub: 's',
      aud: clientId,
      jti: 'j',
      grant_id: 'g',
      'kc.isAccessToken': true,
      'kc.authorizedScopes': ['openid'],
    };
    // The baseline verifies, so each refusal below is down to the one claim changed.
    assert.equal((await tokens.verifyAccessToken(await signAs(key, 'ES256', good, 'JWT'))).format, 'konnect');
    assert.equal((await tokens.verifyAccessToken(await signAs(key, 'ES256', good))).format, 'konnect');
    const variants: Record<string, unknown>[] = [
      { 'kc.isAccessToken': undefined },
      { 'kc.isAccessToken': 'true' },
      { 'kc.authorizedScopes': 'openid' },
      { 'kc.authorizedScopes': ['openid', 7] },
      { grant_id: undefined },
      { aud: [clientId] },
      { client_id: 'other-client' },
      { 'kc.isAccessToken': undefined, 'kc.isRefreshToken': true },
    ];
    for (const change of variants) {
      const token = await signAs(key, 'ES256', { ...good, ...change }, 'JWT');
      await assert.rejects(tokens.verifyAccessToken(token), isInvalidToken, JSON.stringify(change));
    }
    // Konnect claims under the RFC 9068 typ lack `scope` and `client_id`; other typs are refused.
    await assert.rejects(
      tokens.verifyAccessToken(await signAs(key, 'ES256', good, 'at+jwt')),
      isInvalidToken,
    );
    await assert.rejects(
      tokens.verifyAccessToken(await signAs(key, 'ES256', good, 'id+jwt')),
      isInvalidToken,
    );
  });

  it('refuses a Konnect token from another issuer or in another algorithm', async () => {
    const key = makeKey('RS256');
    const { tokens } = await service('konnect', 'RS256', key);
    const other = await createTokenService({
      issuer: 'https://other.example',
      keys: [key],
      alg: 'RS256',
      lifetimes,
      clock: new ManualClock(),
      accessTokenFormat: 'konnect',
    });
    await assert.rejects(tokens.verifyAccessToken(await other.mintAccessToken(meetToken)), isInvalidToken);
    const ps = await service('konnect', 'PS256', key);
    await assert.rejects(
      tokens.verifyAccessToken(await ps.tokens.mintAccessToken(meetToken)),
      isInvalidToken,
    );
  });
});

describe('verifyIdTokenHint', () => {
  it('refuses Konnect-format access tokens as well as RFC 9068 ones', async () => {
    const key = makeKey('ES256');
    const konnect = await service('konnect', 'ES256', key);
    const rfc = await service('rfc9068', 'ES256', key);
    assert.equal(
      await konnect.tokens.verifyIdTokenHint(await konnect.tokens.mintAccessToken(meetToken)),
      null,
    );
    assert.equal(await konnect.tokens.verifyIdTokenHint(await rfc.tokens.mintAccessToken(meetToken)), null);
    const idToken = await konnect.tokens.mintIdToken({
      sub: meetToken.sub,
      aud: clientId,
      authTime: 1,
      nonce: null,
      sid: null,
      accessToken: null,
    });
    assert.deepEqual(await konnect.tokens.verifyIdTokenHint(idToken), {
      sub: meetToken.sub,
      aud: clientId,
      sid: null,
    });
  });
});
