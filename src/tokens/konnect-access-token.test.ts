import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createPublicKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { SignJWT } from 'jose';
import { KcoidcError, kwmConnect, type KwmConnectInput } from '../../test/helpers/libkcoidc.js';
import type { SigningAlg } from '../config/types.js';
import { ManualClock } from '../lib/clock.js';
import { createTokenService } from './token-service.js';
import type { AccessTokenInput, SigningKey, TokenService } from './types.js';

// Kopano Meet's servers check our access tokens locally with libkcoidc v0.7.2 (kopano-meet.md
// req. 3–5, 21–23). test/helpers/libkcoidc.ts reproduces those checks; these tests run the
// real token service's tokens through them.

const issuer = 'https://meet.example.com';
const clientId = 'kpop-https://meet.example.com/meet/';
const T0 = Date.UTC(2026, 0, 1);
const sub = 'a0f3-hashed-subject@konnect';

function makeKey(alg: SigningAlg, kid = `sesame-${alg}`): SigningKey {
  const { privateKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey: createPublicKey(privateKey), source: `test:${kid}` };
}

const aliceToken: AccessTokenInput = {
  sub,
  clientId,
  scopes: ['openid', 'profile', 'email', 'kopano/kwm', 'kopano/gc', 'kopano/kvs'],
  grantId: 'grant-1',
  konnect: {
    sub,
    identity: { 'kc.i.id': 'uid=alice,ou=people,dc=example,dc=com', 'kc.i.un': 'alice', 'kc.i.dn': 'Alice' },
    provider: 'identifier-ldap',
    authorizedClaims: null,
  },
};

interface Setup {
  readonly tokens: TokenService;
  readonly clock: ManualClock;
  readonly key: SigningKey;
  readonly alg: SigningAlg;
  /** What kwmserver fetched: discovery listing `alg`, and our JWKS, as response bodies. */
  readonly fetched: Pick<KwmConnectInput, 'issuer' | 'discovery' | 'jwks'>;
}

async function setup(alg: SigningAlg, discoveryAlgs: readonly string[] = [alg]): Promise<Setup> {
  const clock = new ManualClock(T0);
  const key = makeKey(alg);
  const tokens = await createTokenService({
    issuer,
    keys: [key],
    alg,
    lifetimes: { accessToken: 600, idToken: 3600 },
    clock,
    accessTokenFormat: 'konnect',
  });
  const discovery = JSON.stringify({
    issuer,
    jwks_uri: `${issuer}/konnect/v1/jwks.json`,
    id_token_signing_alg_values_supported: discoveryAlgs,
  });
  return { tokens, clock, key, alg, fetched: { issuer, discovery, jwks: JSON.stringify(tokens.jwks()) } };
}

function idToken(tokens: TokenService, extra: Record<string, unknown> = { name: 'Alice' }, who = sub) {
  return tokens.mintIdToken({
    sub: who,
    aud: clientId,
    authTime: T0 / 1000,
    nonce: null,
    sid: null,
    accessToken: null,
    extra,
  });
}

function refusedWith(status: KcoidcError['status'], inner?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof KcoidcError, String(error));
    assert.equal(error.status, status, error.message);
    if (inner !== undefined) assert.match(error.inner, inner);
    return true;
  };
}

/** A Konnect-style token signed with our key, for claims the token service never produces. */
async function handMade(s: Setup, claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const now = Math.floor(s.clock.now() / 1000);
  return new SignJWT({ iss: issuer, sub, aud: clientId, iat: now, exp: now + 600, ...claims })
    .setProtectedHeader({ alg: s.alg, kid: s.key.kid, typ: 'JWT', ...header })
    .sign(s.key.privateKey);
}

for (const alg of ['RS256', 'PS256', 'ES256'] as const) {
  describe(`kwmserver rtm connect with ${alg} tokens`, () => {
    it('accepts the access token and ID token Sesame issues, as the LDAP user', async () => {
      const s = await setup(alg);
      const accessToken = await s.tokens.mintAccessToken(aliceToken);
      const result = kwmConnect({
        ...s.fetched,
        accessToken,
        idToken: await idToken(s.tokens),
        now: s.clock.now(),
        requiredScopes: ['kopano/kwm'],
      });
      assert.equal(result.authenticatedUserId, 'uid=alice,ou=people,dc=example,dc=com');
      assert.equal(result.user, 'uid=alice,ou=people,dc=example,dc=com');
      assert.equal(result.isGuest, false);
      assert.deepEqual(result.authorizedScopes, aliceToken.scopes);
      assert.equal(result.authorizedClaims, null);
      assert.equal(result.userClaims?.name, 'Alice');
      assert.equal(result.standardClaims.aud, clientId);
      assert.equal(result.standardClaims.iss, issuer);
    });

    it('names the user by kc.i.un in auth mode 1 (Meet useIdentifiedUser)', async () => {
      const s = await setup(alg);
      const result = kwmConnect({
        ...s.fetched,
        accessToken: await s.tokens.mintAccessToken(aliceToken),
        now: s.clock.now(),
        authMode: '1',
      });
      assert.equal(result.user, 'alice');
    });

    it('accepts a token at the very second it is issued and up to its exp, not after', async () => {
      const s = await setup(alg);
      s.clock.advance(999); // mid-second: iat must still not be later than kwmserver's now
      const accessToken = await s.tokens.mintAccessToken(aliceToken);
      const input = { ...s.fetched, accessToken };
      assert.equal(kwmConnect({ ...input, now: T0 }).isGuest, false);
      assert.equal(kwmConnect({ ...input, now: T0 + 600_999 }).isGuest, false);
      assert.throws(
        () => kwmConnect({ ...input, now: T0 + 601_000 }),
        refusedWith('ErrStatusTokenExpiredOrNotValidYet'),
      );
    });
  });
}

describe('kwmserver rtm connect refuses', () => {
  it('a token issued 1 s in the future: jwt-go allows no skew', async () => {
    const s = await setup('ES256');
    s.clock.advance(1000);
    const accessToken = await s.tokens.mintAccessToken(aliceToken);
    assert.throws(
      () => kwmConnect({ ...s.fetched, accessToken, now: T0 }),
      refusedWith('ErrStatusTokenValidationFailed', /used before issued/),
    );
  });

  it('a token without kc.isAccessToken, such as an ID token or an RFC 9068 token', async () => {
    const s = await setup('ES256');
    const rfc = await createTokenService({
      issuer,
      keys: [s.key],
      alg: 'ES256',
      lifetimes: { accessToken: 600, idToken: 3600 },
      clock: s.clock,
    });
    const withoutMarker = JSON.parse(
      Buffer.from((await s.tokens.mintAccessToken(aliceToken)).split('.')[1]!, 'base64url').toString(),
    ) as Record<string, unknown>;
    delete withoutMarker['kc.isAccessToken'];
    for (const accessToken of [
      await idToken(s.tokens),
      await rfc.mintAccessToken(aliceToken),
      await handMade(s, withoutMarker),
      await handMade(s, { ...withoutMarker, 'kc.isAccessToken': 'true' }),
    ]) {
      assert.throws(
        () => kwmConnect({ ...s.fetched, accessToken, now: T0 }),
        refusedWith('KwmMissingAccessTokenClaim'),
      );
    }
  });

  it('a token whose kid is not in the JWKS (reported by libkcoidc as a bad signature)', async () => {
    const s = await setup('RS256');
    const accessToken = await handMade(s, { 'kc.isAccessToken': true }, { kid: 'rotated-away' });
    assert.throws(
      () => kwmConnect({ ...s.fetched, accessToken, now: T0 }),
      refusedWith('ErrStatusTokenInvalidSignature', /ErrStatusTokenUnknownKey/),
    );
  });

  it('a token in an alg discovery does not list', async () => {
    const s = await setup('PS256', ['RS256']);
    const accessToken = await s.tokens.mintAccessToken(aliceToken);
    assert.throws(
      () => kwmConnect({ ...s.fetched, accessToken, now: T0 }),
      refusedWith('ErrStatusTokenInvalidSignature', /ErrStatusTokenUnexpectedSigningMethod/),
    );
  });

  it('EdDSA tokens, which jwt-go v3 cannot verify even when discovery lists them (req. 5)', async () => {
    const s = await setup('EdDSA');
    const accessToken = await s.tokens.mintAccessToken(aliceToken);
    assert.throws(
      () => kwmConnect({ ...s.fetched, accessToken, now: T0 }),
      refusedWith('ErrStatusTokenInvalidSignature', /unavailable/),
    );
  });

  it('a PSS signature whose salt is not the hash length (libkcoidc signing_method.go)', async () => {
    const s = await setup('PS256');
    const [header, payload] = (await s.tokens.mintAccessToken(aliceToken)).split('.');
    const signature = cryptoSign('sha256', Buffer.from(`${header}.${payload}`), {
      key: s.key.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN,
    }).toString('base64url');
    assert.throws(
      () => kwmConnect({ ...s.fetched, accessToken: `${header}.${payload}.${signature}`, now: T0 }),
      refusedWith('ErrStatusTokenInvalidSignature'),
    );
  });

  it('a tampered or malformed token', async () => {
    const s = await setup('ES256');
    const [header, , signature] = (await s.tokens.mintAccessToken(aliceToken)).split('.');
    const forged = Buffer.from(JSON.stringify({ sub, 'kc.isAccessToken': true })).toString('base64url');
    assert.throws(
      () => kwmConnect({ ...s.fetched, accessToken: `${header}.${forged}.${signature}`, now: T0 }),
      refusedWith('ErrStatusTokenInvalidSignature'),
    );
    for (const accessToken of ['', 'a.b', 'a.b.c', `${header}.W10.${signature}`]) {
      assert.throws(
        () => kwmConnect({ ...s.fetched, accessToken, now: T0 }),
        refusedWith('ErrStatusTokenMalformed'),
      );
    }
  });

  it('a token lacking a scope kwmserver is configured to require', async () => {
    const s = await setup('ES256');
    const accessToken = await s.tokens.mintAccessToken({ ...aliceToken, scopes: ['openid', 'profile'] });
    assert.throws(
      () => kwmConnect({ ...s.fetched, accessToken, now: T0, requiredScopes: ['kopano/kwm'] }),
      refusedWith('ErrStatusMissingRequiredScope'),
    );
  });

  it('an ID token for another user, but not an expired ID token of the same user', async () => {
    const s = await setup('ES256');
    const accessToken = await s.tokens.mintAccessToken(aliceToken);
    const otherIdToken = await idToken(s.tokens, {}, 'someone-else');
    assert.throws(
      () => kwmConnect({ ...s.fetched, accessToken, idToken: otherIdToken, now: T0 }),
      refusedWith('KwmIdTokenDoesNotMatch'),
    );
    const oldIdToken = await idToken(s.tokens);
    s.clock.advance(3601_000);
    const fresh = await s.tokens.mintAccessToken(aliceToken);
    const result = kwmConnect({ ...s.fetched, accessToken: fresh, idToken: oldIdToken, now: s.clock.now() });
    assert.equal(result.userClaims?.name, 'Alice');
  });

  it('anything while discovery names another issuer or the issuer is not https', async () => {
    const s = await setup('ES256');
    const accessToken = await s.tokens.mintAccessToken(aliceToken);
    assert.throws(
      () => kwmConnect({ ...s.fetched, issuer: `${issuer}/`, accessToken, now: T0 }),
      refusedWith('ErrStatusNotInitialized'),
    );
    assert.throws(
      () => kwmConnect({ ...s.fetched, issuer: 'http://meet.example.com', accessToken, now: T0 }),
      refusedWith('ErrStatusInvalidIss'),
    );
  });
});

describe('kwmserver rtm connect for guests', () => {
  const guestToken: AccessTokenInput = {
    sub: 'guest-hashed-subject@konnect',
    clientId,
    scopes: ['openid', 'profile', 'kopano/kwm', 'konnect/guestok'],
    grantId: 'grant-guest',
    konnect: {
      sub: 'guest-hashed-subject@konnect',
      identity: { 'kc.i.id': 'Zx1@1.kwmguest', 'kc.i.guest': true, 'kc.i.da': {} },
      provider: 'guest',
      authorizedClaims: {
        id_token: { guest: { essential: true, value: 'Zx1@1.kwmguest' }, name: { value: '(Guest)Bob' } },
        passthru: { 'kopano/kwm/guest': { type: '1', path: 'group/public/room' } },
      },
    },
  };

  it('restricts a guest to the room in its pass-through claims', async () => {
    const s = await setup('ES256');
    const result = kwmConnect({
      ...s.fetched,
      accessToken: await s.tokens.mintAccessToken(guestToken),
      idToken: await idToken(s.tokens, { name: '(Guest)Bob' }, guestToken.sub),
      now: T0,
    });
    assert.equal(result.isGuest, true);
    assert.equal(result.user, 'Zx1@1.kwmguest');
    assert.deepEqual(result.groupRestriction, ['group/public/room']);
    assert.equal(result.userClaims?.name, '(Guest)Bob');
  });

  it('refuses a guest when kwmserver has guests disabled', async () => {
    const s = await setup('ES256');
    const accessToken = await s.tokens.mintAccessToken(guestToken);
    assert.throws(
      () => kwmConnect({ ...s.fetched, accessToken, now: T0, guestsEnabled: false }),
      refusedWith('KwmGuestSupportDisabled'),
    );
  });
});
