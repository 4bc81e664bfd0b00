import { hashToken, randomId, randomToken } from '../../lib/ids.js';
import type { SessionRecord } from '../../storage/types.js';
import type { Deps } from '../types.js';
import type { AuthorizationRequest } from './request.js';

/**
 * Creates the grant and the single-use authorization code for a completed authorization
 * (RFC 6749 §4.1.2). The code is stored hashed and lives `lifetimes.code` seconds (≤ 2 min).
 * Returns the code to send to the client.
 */
export async function issueCode(
  request: AuthorizationRequest,
  session: SessionRecord,
  deps: Deps,
): Promise<string> {
  const now = deps.clock.now();
  const { lifetimes } = deps.config;
  const grantId = randomId();
  const longest = request.scopes.includes('offline_access') ? lifetimes.refreshToken : lifetimes.accessToken;
  await deps.storage.grants.create({
    id: grantId,
    userId: session.userId,
    clientId: request.clientId,
    scopes: request.scopes,
    sessionId: session.id,
    authTime: session.authTime,
    createdAt: now,
    expiresAt: now + (lifetimes.code + longest) * 1000,
    revokedAt: null,
  });
  const code = randomToken(32);
  await deps.storage.codes.create({
    codeHash: hashToken(code),
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    userId: session.userId,
    sessionId: session.id,
    grantId,
    scopes: request.scopes,
    nonce: request.nonce,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    authTime: session.authTime,
    createdAt: now,
    expiresAt: now + lifetimes.code * 1000,
    consumedAt: null,
  });
  return code;
}
