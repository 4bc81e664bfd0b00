import type { Client } from '../../clients/types.js';
import { OAuthError } from '../../oauth/errors.js';
import { IdentityUnavailableError } from '../../identity/types.js';
import { loadGrantSubject, type GrantSubject } from '../grant-subject.js';
import { hashToken, randomToken } from '../../lib/ids.js';
import { StorageError, type GrantRecord, type RefreshTokenRecord } from '../../storage/types.js';
import type { Deps } from '../types.js';

/** What a grant hands to the response step (RFC 6749 §5.1). */
export interface IssuedTokens {
  readonly accessToken: string;
  /** Seconds. */
  readonly expiresIn: number;
  readonly idToken: string | null;
  readonly refreshToken: string | null;
  readonly scopes: readonly string[];
}

/** Bytes of entropy in a refresh token (RFC 6749 §10.10: infeasible to guess). */
const REFRESH_TOKEN_BYTES = 32;

/**
 * Loads the grant a code or refresh token belongs to and checks it still stands: it exists,
 * belongs to `client`, is not revoked and has not ended.
 *
 * @throws OAuthError `invalid_grant` otherwise (RFC 6749 §5.2).
 */
export async function loadActiveGrant(
  deps: Deps,
  grantId: string,
  client: Client,
  now: number,
): Promise<GrantRecord> {
  const grant = await deps.storage.grants.get(grantId);
  if (grant === null || grant.clientId !== client.id) {
    throw new OAuthError('invalid_grant', 'the grant does not exist', { detail: `grant ${grantId}` });
  }
  if (grant.revokedAt !== null) {
    throw new OAuthError('invalid_grant', 'the grant has been revoked', { detail: `grant ${grantId}` });
  }
  if (grant.expiresAt <= now) {
    throw new OAuthError('invalid_grant', 'the grant has expired', { detail: `grant ${grantId}` });
  }
  return grant;
}

/**
 * The user (or guest) of a grant, from the identity backend; null when the user is gone.
 * Tokens are issued only for users who still exist (a removed LDAP account must not keep
 * refreshing): callers refuse a null with {@link userGone}.
 *
 * @throws OAuthError `temporarily_unavailable` (503) when the backend cannot be reached.
 */
export async function loadSubject(deps: Deps, grant: GrantRecord): Promise<GrantSubject | null> {
  try {
    return await loadGrantSubject(deps, grant);
  } catch (error) {
    if (error instanceof IdentityUnavailableError) {
      // The backend logs the outage once, when it starts; one quiet line per request here.
      deps.log.debug({ reason: error.message }, 'identity backend unavailable at the token endpoint');
      throw new OAuthError('temporarily_unavailable', 'the user directory is unavailable, try again later', {
        status: 503,
      });
    }
    throw error;
  }
}

/**
 * Runs the storage call that spends a code or a refresh token. One that kept losing to
 * concurrent requests for the same credential (StorageError 'contended') spent nothing for this
 * request, and the credential is no longer valid for it: `invalid_grant` (RFC 6749 §5.2) — a
 * lost race, neither reuse nor an outage.
 */
export async function spendCredential<T>(spend: () => Promise<T>, description: string): Promise<T> {
  try {
    return await spend();
  } catch (error) {
    if (error instanceof StorageError && error.kind === 'contended') {
      throw new OAuthError('invalid_grant', description, { detail: error.message });
    }
    throw error;
  }
}

/** `invalid_grant` "user no longer exists" (RFC 6749 §5.2). */
/**
 * A single-use credential presented again: the grant it belongs to ends, with every token of
 * its family (RFC 6749 §4.1.2 for codes, RFC 9700 §4.14.2 for refresh tokens).
 */
export async function revokeAfterReuse(
  deps: Deps,
  used: { readonly grantId: string; readonly clientId: string },
  now: number,
  logMessage: string,
  description: string,
): Promise<never> {
  await deps.storage.grants.revoke(used.grantId, now);
  deps.log.warn({ clientId: used.clientId, grantId: used.grantId }, logMessage);
  throw new OAuthError('invalid_grant', description);
}

export function userGone(userId: string): OAuthError {
  return new OAuthError('invalid_grant', 'user no longer exists', { detail: `user ${userId}` });
}

/** A new random refresh token and the record that stores it hashed, in `grant`'s family. */
export function newRefreshToken(
  deps: Deps,
  grant: GrantRecord,
  scopes: readonly string[],
  now: number,
): { readonly token: string; readonly record: RefreshTokenRecord } {
  const token = randomToken(REFRESH_TOKEN_BYTES);
  // A refresh token never outlives the grant it belongs to.
  const expiresAt = Math.min(now + deps.config.lifetimes.refreshToken * 1000, grant.expiresAt);
  return {
    token,
    record: {
      tokenHash: hashToken(token),
      grantId: grant.id,
      clientId: grant.clientId,
      userId: grant.userId,
      scopes: [...scopes],
      createdAt: now,
      expiresAt,
      rotatedAt: null,
      replacedBy: null,
      withdrawnAt: null,
    },
  };
}
