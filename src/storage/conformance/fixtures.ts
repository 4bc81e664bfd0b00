import { afterEach, beforeEach } from 'node:test';
import type {
  AuthorizationCodeRecord,
  BackchannelDeliveryRecord,
  DynamicClientRecord,
  GeneratedKeyRecord,
  PostalAddress,
  PushedRequestRecord,
  StoredUserRecord,
  GrantRecord,
  GuestRecord,
  InteractionRecord,
  RefreshTokenRecord,
  SessionRecord,
  Storage,
  StoredGrantRecord,
  StoredInteractionRecord,
  UserRecord,
} from '../types.js';

/** The conformance suite's "now": every record is built relative to it. */
export const T0 = Date.UTC(2026, 0, 1);
export const MINUTE = 60_000;

/** A fresh storage per test, closed after it. Read `current()` inside a test. */
export function useStorage(factory: () => Promise<Storage>): () => Storage {
  let storage: Storage | null = null;
  beforeEach(async () => {
    storage = await factory();
  });
  afterEach(async () => {
    await storage?.close();
    storage = null;
  });
  return () => {
    if (storage === null) throw new Error('storage is only available inside a test');
    return storage;
  };
}

export function aUser(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: 'user-1',
    username: 'Alice',
    email: 'alice@example.org',
    emailVerified: true,
    name: 'Alice Liddell',
    givenName: 'Alice',
    familyName: 'Liddell',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** `aUser(overrides)` as storage returns it: `phoneNumber` and `address` present, null when not given. */
export function aStoredUser(overrides: Partial<UserRecord> = {}): StoredUserRecord {
  return {
    ...aUser(overrides),
    phoneNumber: overrides.phoneNumber ?? null,
    address: overrides.address ?? null,
  };
}

/** An `address` claim (OIDC Core §5.1.1) with every member, line breaks and non-ASCII text. */
export function anAddress(): PostalAddress {
  return {
    formatted: 'Hauptstraße 5\n10115 Berlin\nDeutschland',
    street_address: 'Hauptstraße 5',
    locality: 'Berlin',
    region: 'Land Berlin — 柏林',
    postal_code: '10115',
    country: 'DE',
  };
}

export function aSession(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: 'session-1',
    secretHash: 'session-secret-hash-1',
    userId: 'user-1',
    authTime: T0,
    createdAt: T0,
    lastSeenAt: T0,
    expiresAt: T0 + 60 * MINUTE,
    ...overrides,
  };
}

export function anInteraction(overrides: Partial<InteractionRecord> = {}): InteractionRecord {
  return {
    id: 'interaction-1',
    request: { client_id: 'client-1', scope: ['openid', 'profile'], nested: { max_age: 300, prompt: null } },
    sessionId: null,
    createdAt: T0,
    expiresAt: T0 + 10 * MINUTE,
    ...overrides,
  };
}

/** `anInteraction(overrides)` as storage returns it: `clientAddress` present, null when not given. */
export function aStoredInteraction(overrides: Partial<InteractionRecord> = {}): StoredInteractionRecord {
  return { ...anInteraction(overrides), clientAddress: overrides.clientAddress ?? null };
}

export function aCode(overrides: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord {
  return {
    codeHash: 'code-hash-1',
    clientId: 'client-1',
    redirectUri: 'https://rp.example.org/cb',
    userId: 'user-1',
    sessionId: 'session-1',
    grantId: 'grant-1',
    scopes: ['openid', 'profile', 'email'],
    nonce: 'n-0S6_WzA2Mj',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    codeChallengeMethod: 'S256',
    authTime: T0,
    createdAt: T0,
    expiresAt: T0 + 2 * MINUTE,
    consumedAt: null,
    ...overrides,
  };
}

export function aGrant(overrides: Partial<GrantRecord> = {}): GrantRecord {
  return {
    id: 'grant-1',
    userId: 'user-1',
    clientId: 'client-1',
    scopes: ['openid', 'offline_access'],
    sessionId: 'session-1',
    authTime: T0,
    createdAt: T0,
    expiresAt: T0 + 30 * 24 * 60 * MINUTE,
    revokedAt: null,
    ...overrides,
  };
}

/** `aGrant(overrides)` as storage returns it: `claims` and `guest` present, null when not given. */
export function aStoredGrant(overrides: Partial<GrantRecord> = {}): StoredGrantRecord {
  return { ...aGrant(overrides), claims: overrides.claims ?? null, guest: overrides.guest ?? null };
}

/** A Kopano Meet guest, as kwmserver names one (kopano-meet.md req. 38). */
export function aGuest(overrides: Partial<GuestRecord> = {}): GuestRecord {
  return {
    id: 'jYk3Qs8fQm2Vw0Rz@1.kwmguest',
    name: '(Guest) Zoë 李',
    email: 'zoe@guests.example.org',
    emailVerified: true,
    givenName: 'Zoë',
    familyName: '李',
    ...overrides,
  };
}

/**
 * An authorized claims request (OIDC Core §5.5) as kwmserver signs one for a guest, with
 * Konnect's `passthru` member, plus every kind of JSON value and text that must come back as
 * given: nested objects and arrays, numbers, booleans, nulls, and unicode in keys and values.
 */
export function aClaimsRequest(): Record<string, unknown> {
  return {
    id_token: {
      guest: { essential: true, value: 'jYk3Qs8fQm2Vw0Rz@1.kwmguest' },
      name: { value: '(Guest) Zoë 李' },
      email_verified: null,
    },
    userinfo: { email: { essential: false }, 'kc.groups': { values: ['admins', 'gäste'] } },
    passthru: {
      'kopano/kwm/guest': { type: '1', path: 'group/public/Besprechung — 会议 🦊' },
      nested: [1, 2.5, 1e21, -7, true, false, null, [], {}, [['deep', { deeper: ['x'] }]]],
      'clé ✓': 'line\u2028separator, tab\t, quote ", backslash \\, nul \u0000, e\u0301, 𝄞',
    },
  };
}

export function aRefreshToken(overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    tokenHash: 'refresh-hash-1',
    grantId: 'grant-1',
    clientId: 'client-1',
    userId: 'user-1',
    scopes: ['openid', 'offline_access'],
    createdAt: T0,
    expiresAt: T0 + 24 * 60 * MINUTE,
    rotatedAt: null,
    replacedBy: null,
    withdrawnAt: null,
    ...overrides,
  };
}

/** A successor token for rotation tests. */
export function successor(n: number, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return aRefreshToken({ tokenHash: `refresh-hash-next-${n}`, createdAt: T0 + n, ...overrides });
}

/** A back-channel logout token waiting to be delivered (Back-Channel Logout 1.0 §2.7). */
export function aDelivery(overrides: Partial<BackchannelDeliveryRecord> = {}): BackchannelDeliveryRecord {
  return {
    id: 'delivery-1',
    clientId: 'client-1',
    uri: 'https://rp.example.org/backchannel-logout?tenant=Zoë',
    logoutToken: `eyJhbGciOiJFUzI1NiJ9.${'eyJzaWQiOiJzZXNzaW9uLTEifQ'.repeat(40)}.c2ln`,
    attempts: 0,
    nextAttemptAt: T0,
    createdAt: T0,
    expiresAt: T0 + 60 * MINUTE,
    ...overrides,
  };
}

/**
 * A dynamically registered client (RFC 7591 §2), whose metadata holds every kind of JSON value
 * and text that must come back as given.
 */
export function aDynamicClient(overrides: Partial<DynamicClientRecord> = {}): DynamicClientRecord {
  return {
    clientId: 'dyn-client-1',
    metadata: {
      redirect_uris: ['https://rp.example.org/cb', 'https://rp.example.org/cb?x=1&y=%20'],
      client_name: 'Zoë’s app — 应用 🦊',
      'client_name#ja-Jpan-JP': 'クライアント名',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      default_max_age: 3600,
      require_auth_time: false,
      jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83O', y: 'x_FE', use: 'sig', kid: 'k1' }] },
      software_statement: null,
      nested: [1, 2.5, 1e21, -7, true, null, [], {}, [['deep', { deeper: ['x'] }]]],
      odd: 'line\u2028separator, tab\t, quote ", backslash \\, nul \u0000, e\u0301, 𝄞',
    },
    secretHash: 'client-secret-hash-1',
    registrationTokenHash: 'registration-token-hash-1',
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** A pushed authorization request (RFC 9126 §2.1) with odd but valid parameter values. */
export function aPushedRequest(overrides: Partial<PushedRequestRecord> = {}): PushedRequestRecord {
  return {
    requestUriHash: 'request-uri-hash-1',
    clientId: 'client-1',
    params: {
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'https://rp.example.org/cb?a=1&b=2',
      scope: 'openid profile email',
      state: 'af0ifjsldkj',
      nonce: '',
      claims: JSON.stringify({ id_token: { name: { essential: true } } }),
      login_hint: 'zoë@例え.jp',
      ui_locales: 'de-CH fr',
      'x-odd': 'quote ", backslash \\, nul \u0000, 𝄞',
    },
    createdAt: T0,
    expiresAt: T0 + MINUTE,
    ...overrides,
  };
}

/**
 * A generated signing key as storage keeps it: the first of its ring, signing from when it was
 * created, not retired. The sealed key is opaque text, as long as a sealed RSA key (about 1.7 KB)
 * and in the alphabet of the sealed format (base64url and dots).
 */
export function aGeneratedKey(overrides: Partial<GeneratedKeyRecord> = {}): GeneratedKeyRecord {
  return {
    alg: 'RS256',
    seq: 1,
    kid: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    sealedKey: `v1.AAECAwQFBgcICQoL.${'q-_Z09'.repeat(300)}.DA0ODxAREhMUFRYXGBkaGw`,
    createdAt: T0,
    signsFrom: T0,
    retiredAt: null,
    ...overrides,
  };
}
