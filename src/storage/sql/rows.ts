import { StorageError } from '../types.js';
import type {
  AuthorizationCodeRecord,
  ConsentRecord,
  GrantRecord,
  InteractionRecord,
  RefreshTokenRecord,
  SessionRecord,
  StoredGrantRecord,
  StoredInteractionRecord,
  StoredUserRecord,
  UserRecord,
} from '../types.js';
import type {
  AuthorizationCodesTable,
  ConsentsTable,
  GrantsTable,
  InteractionsTable,
  RefreshTokensTable,
  SessionsTable,
  UsersTable,
} from './schema.js';
import { keptAddress, usernameKey } from '../rules.js';
import { guestToJson, parseAddress, parseGuest, parseObject, parseScopes } from './json-columns.js';

/** Conversions between records and rows. A row that does not decode is StorageError 'corrupt'. */

/** Integer columns may come back as bigint or string from some drivers. */
export const int = (value: number | string | bigint): number => Number(value);
const intOrNull = (value: number | string | bigint | null): number | null =>
  value === null ? null : Number(value);

/** The `address` column for a user's address: JSON of the members storage keeps, or null. */
export const addressToColumn = (address: UserRecord['address']): string | null =>
  address == null ? null : JSON.stringify(keptAddress(address));

export function userToRow(u: UserRecord): UsersTable {
  return {
    id: u.id,
    username: u.username,
    username_key: usernameKey(u.username),
    email: u.email,
    email_verified: u.emailVerified ? 1 : 0,
    name: u.name,
    given_name: u.givenName,
    family_name: u.familyName,
    password_hash: u.passwordHash,
    created_at: u.createdAt,
    updated_at: u.updatedAt,
    phone_number: u.phoneNumber ?? null,
    address: addressToColumn(u.address),
  };
}

export function rowToUser(r: UsersTable): StoredUserRecord {
  return {
    id: r.id,
    username: r.username,
    email: r.email,
    emailVerified: int(r.email_verified) !== 0,
    name: r.name,
    givenName: r.given_name,
    familyName: r.family_name,
    passwordHash: r.password_hash,
    createdAt: int(r.created_at),
    updatedAt: int(r.updated_at),
    phoneNumber: r.phone_number,
    address: r.address === null ? null : parseAddress(r.address),
  };
}

export function sessionToRow(s: SessionRecord): SessionsTable {
  return {
    id: s.id,
    secret_hash: s.secretHash,
    user_id: s.userId,
    auth_time: s.authTime,
    created_at: s.createdAt,
    last_seen_at: s.lastSeenAt,
    expires_at: s.expiresAt,
  };
}

export function rowToSession(r: SessionsTable): SessionRecord {
  return {
    id: r.id,
    secretHash: r.secret_hash,
    userId: r.user_id,
    authTime: int(r.auth_time),
    createdAt: int(r.created_at),
    lastSeenAt: int(r.last_seen_at),
    expiresAt: int(r.expires_at),
  };
}

export function interactionToRow(i: InteractionRecord): InteractionsTable {
  return {
    id: i.id,
    request: JSON.stringify(i.request),
    session_id: i.sessionId,
    created_at: i.createdAt,
    expires_at: i.expiresAt,
    client_address: i.clientAddress ?? null,
  };
}

export function rowToInteraction(r: InteractionsTable): StoredInteractionRecord {
  return {
    id: r.id,
    request: parseObject(r.request, 'interaction request'),
    sessionId: r.session_id,
    createdAt: int(r.created_at),
    expiresAt: int(r.expires_at),
    clientAddress: r.client_address,
  };
}

export function codeToRow(c: AuthorizationCodeRecord): AuthorizationCodesTable {
  return {
    code_hash: c.codeHash,
    client_id: c.clientId,
    redirect_uri: c.redirectUri,
    user_id: c.userId,
    session_id: c.sessionId,
    grant_id: c.grantId,
    scopes: JSON.stringify(c.scopes),
    nonce: c.nonce,
    code_challenge: c.codeChallenge,
    code_challenge_method: c.codeChallengeMethod,
    auth_time: c.authTime,
    created_at: c.createdAt,
    expires_at: c.expiresAt,
    consumed_at: c.consumedAt,
  };
}

export function rowToCode(r: AuthorizationCodesTable): AuthorizationCodeRecord {
  const method = r.code_challenge_method;
  if (method !== null && method !== 'S256' && method !== 'plain') {
    throw new StorageError('corrupt', 'stored code challenge method is unknown');
  }
  return {
    codeHash: r.code_hash,
    clientId: r.client_id,
    redirectUri: r.redirect_uri,
    userId: r.user_id,
    sessionId: r.session_id,
    grantId: r.grant_id,
    scopes: parseScopes(r.scopes),
    nonce: r.nonce,
    codeChallenge: r.code_challenge,
    codeChallengeMethod: method,
    authTime: int(r.auth_time),
    createdAt: int(r.created_at),
    expiresAt: int(r.expires_at),
    consumedAt: intOrNull(r.consumed_at),
  };
}

export function grantToRow(g: GrantRecord): GrantsTable {
  return {
    id: g.id,
    user_id: g.userId,
    client_id: g.clientId,
    scopes: JSON.stringify(g.scopes),
    session_id: g.sessionId,
    auth_time: g.authTime,
    created_at: g.createdAt,
    expires_at: g.expiresAt,
    revoked_at: g.revokedAt,
    claims: g.claims == null ? null : JSON.stringify(g.claims),
    guest: g.guest == null ? null : guestToJson(g.guest),
  };
}

export function rowToGrant(r: GrantsTable): StoredGrantRecord {
  return {
    id: r.id,
    userId: r.user_id,
    clientId: r.client_id,
    scopes: parseScopes(r.scopes),
    sessionId: r.session_id,
    authTime: int(r.auth_time),
    createdAt: int(r.created_at),
    expiresAt: int(r.expires_at),
    revokedAt: intOrNull(r.revoked_at),
    claims: r.claims === null ? null : parseObject(r.claims, 'claims request'),
    guest: r.guest === null ? null : parseGuest(r.guest),
  };
}

export function refreshTokenToRow(t: RefreshTokenRecord): RefreshTokensTable {
  return {
    token_hash: t.tokenHash,
    grant_id: t.grantId,
    client_id: t.clientId,
    user_id: t.userId,
    scopes: JSON.stringify(t.scopes),
    created_at: t.createdAt,
    expires_at: t.expiresAt,
    rotated_at: t.rotatedAt,
    replaced_by: t.replacedBy,
    withdrawn_at: t.withdrawnAt,
  };
}

export function rowToRefreshToken(r: RefreshTokensTable): RefreshTokenRecord {
  return {
    tokenHash: r.token_hash,
    grantId: r.grant_id,
    clientId: r.client_id,
    userId: r.user_id,
    scopes: parseScopes(r.scopes),
    createdAt: int(r.created_at),
    expiresAt: int(r.expires_at),
    rotatedAt: intOrNull(r.rotated_at),
    replacedBy: r.replaced_by,
    withdrawnAt: intOrNull(r.withdrawn_at),
  };
}

export function consentToRow(c: ConsentRecord): ConsentsTable {
  return {
    user_id: c.userId,
    client_id: c.clientId,
    scopes: JSON.stringify(c.scopes),
    created_at: c.createdAt,
  };
}

export function rowToConsent(r: ConsentsTable): ConsentRecord {
  return {
    userId: r.user_id,
    clientId: r.client_id,
    scopes: parseScopes(r.scopes),
    createdAt: int(r.created_at),
  };
}
