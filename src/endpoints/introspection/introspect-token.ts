import type { Client } from '../../clients/types.js';
import { hashToken } from '../../lib/ids.js';
import { isOAuthError } from '../../oauth/errors.js';
import { formatScope } from '../../oauth/scopes.js';
import type { StoredGrantRecord } from '../../storage/types.js';
import type { AccessTokenClaims } from '../../tokens/types.js';
import { publicSubject, publicSubjectOf, subjectForGuest } from '../grant-subject.js';
import { isClientGrant } from '../token/grants/client-credentials.js';
import type { Deps } from '../types.js';
import type { IntrospectionHint } from './parse.js';

/** What RFC 7662 §2.2 answers about an active token. Times in epoch seconds. */
export interface ActiveToken {
  readonly active: true;
  /** Absent when no scope was granted (a client_credentials token may have none). */
  readonly scope?: string;
  readonly client_id: string;
  /** The public subject; for a token with no user (client credentials), the client id. */
  readonly sub: string;
  readonly exp: number;
  readonly iat: number;
  readonly iss: string;
  /** The client the token was issued to, as in the access token's own `aud`. */
  readonly aud: string;
  /** `Bearer` for an access token (RFC 6750), `refresh_token` for a refresh token. */
  readonly token_type: 'Bearer' | 'refresh_token';
  /** The access token's `jti`; refresh tokens are opaque and have none. */
  readonly jti?: string;
}

type Lookup = (deps: Deps, token: string, client: Client, now: number) => Promise<ActiveToken | null>;

/**
 * The introspection of `token` for `client` (RFC 7662 §2.2), or null when the answer must be
 * `{"active": false}`: unknown, malformed, expired, rotated, its grant revoked or ended — or
 * another client's (§4: a client learns nothing about tokens it was not issued, not even that
 * they exist). The hinted type is tried first, then the other (§2.1).
 *
 * Active means what the token endpoint and userinfo would accept now: an access token of
 * either format with a valid signature, unexpired, whose grant stands; a refresh token that
 * is unexpired, not yet rotated or withdrawn, whose grant stands. Whether the user still
 * exists in the directory is not asked: introspection must not depend on the directory
 * being up, and removing a built-in user revokes their grants anyway.
 */
export async function introspectToken(
  deps: Deps,
  token: string,
  hint: IntrospectionHint | null,
  client: Client,
): Promise<ActiveToken | null> {
  const now = deps.clock.now();
  const order: readonly Lookup[] =
    hint === 'refresh_token'
      ? [activeRefreshToken, activeAccessToken]
      : [activeAccessToken, activeRefreshToken];
  for (const lookup of order) {
    const found = await lookup(deps, token, client, now);
    if (found !== null) return found;
  }
  return null;
}

/** Only something shaped like a JWS compact serialisation is worth verifying. */
const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

async function activeAccessToken(
  deps: Deps,
  token: string,
  client: Client,
  now: number,
): Promise<ActiveToken | null> {
  if (!JWS_COMPACT.test(token)) return null;
  let claims: AccessTokenClaims;
  try {
    claims = await deps.tokens.verifyAccessToken(token);
  } catch (error) {
    if (isOAuthError(error)) return null;
    throw error;
  }
  if (!ownedBy(deps, claims.clientId, client)) return null;
  const grant = await activeGrant(deps, claims.grantId, claims.clientId, now);
  if (grant === null) return null;
  return {
    active: true,
    ...scopeOf(claims.scopes),
    client_id: claims.clientId,
    sub: grantSubject(grant, deps),
    exp: claims.exp,
    iat: claims.iat,
    iss: deps.config.issuer,
    aud: claims.clientId,
    token_type: 'Bearer',
    jti: claims.jti,
  };
}

async function activeRefreshToken(
  deps: Deps,
  token: string,
  client: Client,
  now: number,
): Promise<ActiveToken | null> {
  // Refresh tokens are base64url: anything with a dot cannot be one.
  if (token.includes('.')) return null;
  const record = await deps.storage.refreshTokens.get(hashToken(token));
  if (record === null || !ownedBy(deps, record.clientId, client)) return null;
  // A rotated token's retry window (lifetimes.refresh_grace) is for a client that lost an
  // answer, not a sign the token is still current: its successor is.
  if (record.expiresAt <= now || record.rotatedAt !== null || record.withdrawnAt !== null) return null;
  const grant = await activeGrant(deps, record.grantId, record.clientId, now);
  if (grant === null) return null;
  return {
    active: true,
    ...scopeOf(record.scopes),
    client_id: record.clientId,
    sub: grantSubject(grant, deps),
    exp: Math.floor(record.expiresAt / 1000),
    iat: Math.floor(record.createdAt / 1000),
    iss: deps.config.issuer,
    aud: record.clientId,
    token_type: 'refresh_token',
  };
}

/** RFC 7662 §2.2 `scope`, left out when empty: RFC 6749 §3.3 has no empty scope value. */
function scopeOf(scopes: readonly string[]): { scope?: string } {
  return scopes.length === 0 ? {} : { scope: formatScope(scopes) };
}

/** RFC 7662 §4: only the client a token was issued to may learn about it. */
function ownedBy(deps: Deps, owner: string, client: Client): boolean {
  if (owner === client.id) return true;
  deps.log.info({ clientId: client.id, owner }, 'introspection of another client’s token answered inactive');
  return false;
}

/** The token's grant while it stands: it exists, is the same client's, not revoked, not over. */
async function activeGrant(
  deps: Deps,
  grantId: string,
  clientId: string,
  now: number,
): Promise<StoredGrantRecord | null> {
  const grant = await deps.storage.grants.get(grantId);
  if (grant === null || grant.clientId !== clientId) return null;
  if (grant.revokedAt !== null || grant.expiresAt <= now) return null;
  return grant;
}

/**
 * The subject introspection reports for a grant's tokens: the client id for a grant a client
 * made for itself (client_credentials, as its tokens' `sub`: RFC 9068 §2.2), else the public
 * subject of the grant's user or guest (konnect-spec §5.1) — never the raw user id a
 * Konnect-format token carries under `konnect/raw_sub`.
 */
function grantSubject(grant: StoredGrantRecord, deps: Deps): string {
  if (isClientGrant(grant)) return grant.clientId;
  if (grant.guest !== null) {
    const subject = subjectForGuest(grant.guest);
    return publicSubject(subject.identity, subject.namespace);
  }
  return publicSubjectOf(grant.userId, deps);
}
