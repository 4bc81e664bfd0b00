import { hashToken, randomId, randomToken } from '../../lib/ids.js';
import { formatScope } from '../../oauth/scopes.js';
import { returns } from '../../oauth/response-type.js';
import type { Client } from '../../clients/types.js';
import type { GrantRecord, GuestRecord } from '../../storage/types.js';
import { mintTokens } from '../mint-tokens.js';
import type { GrantSubject } from '../grant-subject.js';
import type { Deps } from '../types.js';
import type { AuthorizationRequest } from './request.js';
import { refuseUnsignedIdTokenHere } from './parse.js';

/** An authenticated subject and how they came to be: a browser session, or a guest's request. */
export interface Authorized {
  /** The raw id of the user (or guest) the grant is for. */
  readonly userId: string;
  /** Set for a guest, who exists only in the grant. */
  readonly guest: GuestRecord | null;
  /**
   * The subject with its claims; called only when a token is minted here, so a plain code
   * flow does not look the user up twice.
   */
  readonly subject: () => Promise<GrantSubject>;
  /** The browser session, when the user signed in (guests have none). */
  readonly sessionId: string | null;
  /** When the subject authenticated, ms (OIDC `auth_time`). */
  readonly authTime: number;
  /** The scopes granted. */
  readonly scopes: readonly string[];
}

/**
 * Completes an authorization: creates the grant and issues what the response type asks for
 * (RFC 6749 §4.1.2, §4.2.2; OIDC Core §3.1.2.5, §3.2.2.5, §3.3.2.5):
 *
 * - `code`: a single-use code, stored hashed, living `lifetimes.code` seconds (≤ 2 min);
 * - `token`: an access token, with `token_type`, `expires_in` and the granted `scope`;
 * - `id_token`: an ID token with `nonce`, `at_hash` and `c_hash` for what comes with it; for
 *   `response_type=id_token` alone it carries the claims of the granted scopes (§5.4).
 *
 * Returns the response parameters (without `state`, `iss` and `session_state`).
 */
export async function completeAuthorization(
  request: AuthorizationRequest,
  client: Client,
  authorized: Authorized,
  deps: Deps,
): Promise<Record<string, string | undefined>> {
  const now = deps.clock.now();
  const { lifetimes } = deps.config;
  const type = request.responseType;
  const { scopes } = authorized;
  const longest = scopes.includes('offline_access') ? lifetimes.refreshToken : lifetimes.accessToken;
  const grant: GrantRecord = {
    id: randomId(),
    userId: authorized.userId,
    clientId: client.id,
    scopes,
    sessionId: authorized.sessionId,
    authTime: authorized.authTime,
    createdAt: now,
    expiresAt: now + (lifetimes.code + longest) * 1000,
    revokedAt: null,
    claims: request.claims as GrantRecord['claims'],
    guest: authorized.guest,
  };
  // Checked when the request was parsed; again here, for a registration reloaded meanwhile.
  refuseUnsignedIdTokenHere(client, type);
  await deps.storage.grants.create(grant);
  const withToken = returns(type, 'token');
  const withIdToken = returns(type, 'id_token');
  let code: string | undefined;
  let accessToken: string | null = null;
  let idToken: string | null = null;
  try {
    code = returns(type, 'code') ? await createCode(request, grant, authorized, deps) : undefined;
    if (withToken || withIdToken) {
      ({ accessToken, idToken } = await mintTokens(deps, {
        client,
        subject: await authorized.subject(),
        grant,
        scopes,
        authTime: authorized.authTime,
        nonce: request.nonce,
        sessionId: authorized.sessionId,
        accessToken: withToken,
        idToken: withIdToken,
        code: code ?? null,
        scopeClaimsInIdToken: type === 'id_token',
      }));
    }
  } catch (error) {
    await abandonGrant(grant, deps);
    throw error;
  }
  if (withToken || withIdToken) deps.metrics?.tokensIssued('implicit');
  return {
    code,
    access_token: accessToken ?? undefined,
    token_type: withToken ? 'Bearer' : undefined,
    expires_in: withToken ? String(lifetimes.accessToken) : undefined,
    id_token: idToken ?? undefined,
    // RFC 6749 §4.2.2: the scope of the access token, so a client sees what it was granted.
    scope: withToken ? formatScope(scopes) : undefined,
  };
}

async function createCode(
  request: AuthorizationRequest,
  grant: GrantRecord,
  authorized: Authorized,
  deps: Deps,
): Promise<string> {
  const now = deps.clock.now();
  const code = randomToken(32);
  await deps.storage.codes.create({
    codeHash: hashToken(code),
    clientId: grant.clientId,
    redirectUri: request.redirectUri,
    userId: grant.userId,
    sessionId: authorized.sessionId,
    grantId: grant.id,
    scopes: grant.scopes,
    nonce: request.nonce,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    authTime: authorized.authTime,
    createdAt: now,
    expiresAt: now + deps.config.lifetimes.code * 1000,
    consumedAt: null,
  });
  return code;
}

/**
 * A grant whose authorization failed after it was stored ends at once: a code stored before
 * the failure never reached the client, and a revoked grant redeems nothing (the token
 * endpoint checks it). The grant alone is no credential — nothing handed out names it — so
 * when storage is down and the revocation fails too, what is left is unusable and expires.
 */
async function abandonGrant(grant: GrantRecord, deps: Deps): Promise<void> {
  try {
    await deps.storage.grants.revoke(grant.id, deps.clock.now());
  } catch (error) {
    deps.log.debug({ grantId: grant.id, err: error }, 'abandoned grant could not be revoked');
  }
}
