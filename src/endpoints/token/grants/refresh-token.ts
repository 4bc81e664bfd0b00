import type { Client } from '../../../clients/types.js';
import { OAuthError } from '../../../oauth/errors.js';
import { scopesCovered } from '../../../oauth/scopes.js';
import { hashToken } from '../../../lib/ids.js';
import type { RefreshTokenRecord } from '../../../storage/types.js';
import type { Deps } from '../../types.js';
import type { AuthenticatedClient } from '../authenticate-client.js';
import { mintTokens } from '../../mint-tokens.js';
import {
  loadActiveGrant,
  loadSubject,
  newRefreshToken,
  spendCredential,
  userGone,
  type IssuedTokens,
  revokeAfterReuse,
} from '../issue.js';
import type { RefreshTokenRequest } from '../parse.js';

/**
 * The `refresh_token` grant (RFC 6749 §6) with rotation and reuse detection (RFC 9700
 * §4.14.2). In order: load the token and check it is this client's (without spending it),
 * check the requested scopes, check the grant and that the user still exists, rotate, mint.
 *
 * Every successful refresh returns a new refresh token with the scopes of the one presented
 * (RFC 6749 §6), a new access token with the requested (possibly narrowed) scopes, and an ID
 * token with the grant's `auth_time` and no `nonce` (OIDC Core §12.2) when `openid` is
 * among them. A retry within `lifetimes.refreshGrace` seconds of a rotation is served again
 * (the client lost the answer); a later reuse revokes the whole grant.
 *
 * @throws OAuthError `invalid_grant` for an unknown, expired, foreign or reused token, a
 *   token that concurrent requests rotated first, a revoked grant or a removed user (whose
 *   grant is then revoked); `invalid_scope` when the requested scopes exceed the original ones.
 */
export async function exchangeRefreshToken(
  request: RefreshTokenRequest,
  authenticated: AuthenticatedClient,
  deps: Deps,
): Promise<IssuedTokens> {
  const { client } = authenticated;
  const now = deps.clock.now();
  const tokenHash = hashToken(request.refreshToken);
  const current = await loadRefreshToken(deps, tokenHash, client);
  const scopes = assignScopes(request.scopes, current);
  const grant = await loadActiveGrant(deps, current.grantId, client, now);
  const subject = await loadSubject(deps, grant);
  if (subject === null) {
    await deps.storage.grants.revoke(grant.id, now);
    throw userGone(grant.userId);
  }

  const next = newRefreshToken(deps, grant, current.scopes, now);
  await rotate(deps, tokenHash, next.record, now);
  const { accessToken, idToken } = await mintTokens(deps, {
    client,
    subject,
    grant,
    scopes,
    authTime: grant.authTime,
    nonce: null,
    sessionId: grant.sessionId,
  });
  if (accessToken === null) throw new Error('exchangeRefreshToken: no access token minted');
  return {
    accessToken,
    expiresIn: deps.config.lifetimes.accessToken,
    idToken,
    refreshToken: next.token,
    scopes,
  };
}

/**
 * Finds the presented token and checks it was issued to `client` (RFC 6749 §6). Another
 * client's token is refused without being spent, so a leaked token cannot be used to make
 * the rightful client look like a reuser.
 */
async function loadRefreshToken(deps: Deps, tokenHash: string, client: Client): Promise<RefreshTokenRecord> {
  const record = await deps.storage.refreshTokens.get(tokenHash);
  if (record === null) throw new OAuthError('invalid_grant', 'refresh token is invalid');
  if (record.clientId !== client.id) {
    throw new OAuthError('invalid_grant', 'refresh token is invalid', {
      detail: `refresh token of ${record.clientId} presented by ${client.id}`,
    });
  }
  return record;
}

/** RFC 6749 §6: the requested scope must not exceed the scope originally granted. */
function assignScopes(requested: readonly string[] | null, current: RefreshTokenRecord): readonly string[] {
  if (requested === null || requested.length === 0) return current.scopes;
  if (!scopesCovered(requested, current.scopes)) {
    throw new OAuthError('invalid_scope', 'the requested scope exceeds the scope originally granted', {
      detail: `requested ${requested.join(' ')}; granted ${current.scopes.join(' ')}`,
    });
  }
  return requested;
}

/**
 * Exchanges the presented token for `next`, atomically. Reuse after the grace window means
 * the token leaked or the client misbehaves: the whole family ends (RFC 9700 §4.14.2). A
 * request that lost the race to rotate it to concurrent ones is refused and ends nothing.
 */
async function rotate(deps: Deps, tokenHash: string, next: RefreshTokenRecord, now: number): Promise<void> {
  const graceMs = deps.config.lifetimes.refreshGrace * 1000;
  const result = await spendCredential(
    () => deps.storage.refreshTokens.rotate(tokenHash, next, now, graceMs),
    'refresh token is no longer valid',
  );
  switch (result.kind) {
    case 'rotated':
    case 'grace':
      return;
    case 'reused':
      return revokeAfterReuse(
        deps,
        result.previous,
        now,
        'refresh token reused after rotation; its grant has been revoked',
        'refresh token reuse detected; the grant has been revoked',
      );
    case 'expired':
      throw new OAuthError('invalid_grant', 'refresh token has expired');
    case 'not_found':
      throw new OAuthError('invalid_grant', 'refresh token is invalid');
  }
}
