import { afterEach, beforeEach } from 'node:test';
import type {
  AuthorizationCodeRecord,
  GrantRecord,
  InteractionRecord,
  RefreshTokenRecord,
  SessionRecord,
  Storage,
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
