import { IdentityUnavailableError } from '../../identity/types.js';
import { claimsForScopes } from '../../oauth/claims.js';
import { isOAuthError, OAuthError } from '../../oauth/errors.js';
import type { AccessTokenClaims } from '../../tokens/types.js';
import type { GrantRecord } from '../../storage/types.js';
import { loadGrantSubject, publicSubject, userSubjectWith } from '../grant-subject.js';
import { isClientGrant } from '../token/grants/client-credentials.js';
import type { Deps, EndpointRequest, EndpointResponse } from '../types.js';
import { bearerError, claimsResponse, missingTokenChallenge, plainError } from './bearer-responses.js';
import { parseUserinfoRequest } from './parse.js';
import type { CachedUser } from './user-cache.js';

/**
 * The userinfo endpoint, `GET|POST /konnect/v1/userinfo` (OIDC Core §5.3, RFC 6750).
 *
 * Verifies the bearer token, checks its grant still stands (so revoking a grant ends its
 * access tokens at once), requires the `openid` scope, looks the user up in the identity
 * backend (or in `deps.userinfoUsers`, which keeps a read for seconds: `user-cache.ts`) and
 * answers the claims of the granted scopes with `Cache-Control: no-store`.
 *
 * Errors are answered here rather than thrown, because the challenge header matters
 * (RFC 6750 §3): no token ⇒ 401 with a bare `Bearer realm` challenge (§3.1); malformed
 * request ⇒ 400 `invalid_request`; bad, expired or revoked token or a removed user ⇒ 401
 * `invalid_token`; no `openid` scope, or a token a client obtained for itself
 * (`client_credentials`, which has no user) ⇒ 403 `insufficient_scope`; user directory down ⇒ 503
 * `temporarily_unavailable` without a challenge. Unlike Konnect (konnect-spec §5.2) the
 * challenge names the `Bearer` scheme and a removed user is 401, not 404.
 */
export async function handleUserinfo(req: EndpointRequest, deps: Deps): Promise<EndpointResponse> {
  if (req.method !== 'GET' && req.method !== 'POST') {
    const error = new OAuthError('invalid_request', 'userinfo accepts only GET and POST', { status: 405 });
    return { ...plainError(error), headers: { 'Cache-Control': 'no-store', Allow: 'GET, POST' } };
  }
  try {
    const { accessToken } = parseUserinfoRequest(req);
    if (accessToken === null) return missingTokenChallenge();
    const token = await verifyToken(deps, accessToken);
    const grant = await loadActiveGrant(deps, token);
    checkUserGrant(grant);
    checkOpenidScope(token);
    const user = await loadUser(deps, grant);
    const sub = checkSubject(token, user);
    // A claims request's userinfo member can only select among these (OIDC Core §5.5 as
    // Sesame applies it: requested claims are released only when a granted scope covers them).
    const claims = claimsForScopes(user.subject.identity, token.scopes, sub);
    await deps.clients.catchUp?.(token.clientId);
    const signedAlg = deps.clients.get(token.clientId)?.userinfoSignedResponseAlg ?? null;
    if (signedAlg === null) return claimsResponse(claims);
    // OIDC Core §5.3.2 (konnect-spec §5.2): a client registered for it gets a signed JWT.
    const jwt = await deps.tokens.mintUserinfo(claims, token.clientId, signedAlg);
    return {
      kind: 'text',
      status: 200,
      contentType: 'application/jwt',
      body: jwt,
      headers: { 'Cache-Control': 'no-store' },
    };
  } catch (error) {
    if (!isOAuthError(error)) throw error;
    deps.log.info({ error: error.code, detail: error.detail }, 'userinfo refused');
    return isBearerError(error) ? bearerError(error, scopeHint(error)) : plainError(error);
  }
}

const OPENID = 'openid';

/** @throws OAuthError `invalid_token` for anything not a valid, unexpired access token of ours. */
async function verifyToken(deps: Deps, accessToken: string): Promise<AccessTokenClaims> {
  try {
    return await deps.tokens.verifyAccessToken(accessToken);
  } catch (error) {
    if (isOAuthError(error) && error.code !== 'invalid_token') {
      throw new OAuthError('invalid_token', 'the access token is invalid', { detail: error.description });
    }
    throw error;
  }
}

/** The token's grant must exist, belong to the token's client and be neither revoked nor over. */
async function loadActiveGrant(deps: Deps, token: AccessTokenClaims): Promise<GrantRecord> {
  const grant = await deps.storage.grants.get(token.grantId);
  if (grant === null || grant.clientId !== token.clientId) {
    throw new OAuthError('invalid_token', 'the access token is no longer valid', {
      detail: `grant ${token.grantId} not found`,
    });
  }
  if (grant.revokedAt !== null || grant.expiresAt <= deps.clock.now()) {
    throw new OAuthError('invalid_token', 'the access token has been revoked', {
      detail: `grant ${grant.id} ended`,
    });
  }
  return grant;
}

/**
 * OIDC Core §5.3: userinfo returns claims about the user who authorized the token; a
 * `client_credentials` token (RFC 6749 §4.4) has none.
 */
function checkUserGrant(grant: GrantRecord): void {
  if (isClientGrant(grant)) {
    throw new OAuthError(
      'insufficient_scope',
      'the access token was issued to the client for itself (client_credentials): there is no user',
      { detail: `grant ${grant.id} of client ${grant.clientId}` },
    );
  }
}

/** OIDC Core §5.3: userinfo serves only access tokens of OpenID Connect requests. */
function checkOpenidScope(token: AccessTokenClaims): void {
  if (!token.scopes.includes(OPENID)) {
    throw new OAuthError('insufficient_scope', 'the access token lacks the openid scope');
  }
}

/**
 * The grant's user from the identity backend — or from `deps.userinfoUsers`, which serves a
 * recent read — or its guest (kopano-meet.md req. 25), who lives in the grant itself.
 */
async function loadUser(deps: Deps, grant: GrantRecord): Promise<CachedUser> {
  const read = async (): Promise<CachedUser | null> => {
    const subject = await loadGrantSubject(deps, grant);
    return subject === null
      ? null
      : { subject, publicSub: publicSubject(subject.identity, subject.namespace) };
  };
  const cache = deps.userinfoUsers;
  let user: CachedUser | null;
  try {
    user = cache === undefined || grant.guest ? await read() : await cache.get(grant.userId, read);
  } catch (error) {
    if (!(error instanceof IdentityUnavailableError)) throw error;
    // The backend logs the outage once, when it starts; one quiet line per request here.
    deps.log.debug({ reason: error.message }, 'identity backend unavailable at userinfo');
    throw new OAuthError('temporarily_unavailable', 'the user directory is unavailable, try again later');
  }
  if (user === null) {
    throw new OAuthError('invalid_token', 'the user no longer exists', { detail: `user ${grant.userId}` });
  }
  return user;
}

/**
 * The token's `sub` must still be the user's: guards against a grant pointing elsewhere. It
 * is the public subject, or — in Konnect's format — the ID token's, raw under
 * `konnect/raw_sub` (kopano-meet.md req. 22). Returns userinfo's `sub`: the ID token's.
 */
function checkSubject(token: AccessTokenClaims, user: CachedUser): string {
  const sub = userSubjectWith(user.subject.identity, user.publicSub, token.scopes);
  if (token.sub !== user.publicSub && token.sub !== sub) {
    throw new OAuthError('invalid_token', 'the access token is no longer valid', {
      detail: 'sub does not match the grant user',
    });
  }
  return sub;
}

function isBearerError(error: OAuthError): boolean {
  return (
    error.code === 'invalid_request' || error.code === 'invalid_token' || error.code === 'insufficient_scope'
  );
}

function scopeHint(error: OAuthError): string | undefined {
  return error.code === 'insufficient_scope' ? OPENID : undefined;
}
