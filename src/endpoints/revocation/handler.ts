import type { Client } from '../../clients/types.js';
import { isOAuthError, OAuthError } from '../../oauth/errors.js';
import { hashToken } from '../../lib/ids.js';
import { authenticateOrChallenge, NO_STORE_HEADERS } from '../token/authenticate-client.js';
import type { Deps, EndpointRequest, EndpointResponse } from '../types.js';
import { parseRevocationRequest, type TokenTypeHint } from './parse.js';

/**
 * The revocation endpoint, `POST /konnect/v1/revoke` (RFC 7009). The client authenticates
 * as at the token endpoint; the token is looked up as the hinted type first, then as the
 * other (RFC 7009 §2.1).
 *
 * Revocation works on the grant, the root of a token family:
 * - a refresh token of this client revokes its grant, so every refresh token rotated from
 *   the same authorization ends with it, and so do its access tokens (userinfo checks the
 *   grant) — RFC 7009 §2.1 allows revoking the access tokens of the same grant;
 * - an access token of this client (one of our JWTs, verified) revokes its grant too, and
 *   with it the refresh tokens of that grant: access tokens are self-contained, so the
 *   grant is the only handle there is.
 *
 * An unknown or invalid token, or another client's, is answered 200 like a success
 * (RFC 7009 §2.2) and revokes nothing.
 */
export async function handleRevocation(req: EndpointRequest, deps: Deps): Promise<EndpointResponse> {
  if (req.method !== 'POST') {
    const error = new OAuthError('invalid_request', 'the revocation endpoint accepts only POST', {
      status: 405,
    });
    return {
      kind: 'json',
      status: 405,
      headers: { ...NO_STORE_HEADERS, Allow: 'POST' },
      body: error.toJSON(),
    };
  }
  const request = parseRevocationRequest(req);
  const authenticated = await authenticateOrChallenge(deps, request.credentials);
  if ('kind' in authenticated) return authenticated;
  const client = authenticated.client;

  const grantId = await findGrant(deps, request.token, request.hint, client);
  if (grantId !== null) {
    await deps.storage.grants.revoke(grantId, deps.clock.now());
    deps.log.info({ clientId: client.id, grantId }, 'grant revoked at the client’s request');
  }
  return { kind: 'empty', status: 200, headers: NO_STORE_HEADERS };
}

type Finder = (deps: Deps, token: string, client: Client) => Promise<string | null>;

/** The grant of `token` when it is this client's, trying the hinted type first. */
async function findGrant(
  deps: Deps,
  token: string,
  hint: TokenTypeHint | null,
  client: Client,
): Promise<string | null> {
  const order: readonly Finder[] =
    hint === 'access_token'
      ? [grantOfAccessToken, grantOfRefreshToken]
      : [grantOfRefreshToken, grantOfAccessToken];
  for (const find of order) {
    const grantId = await find(deps, token, client);
    if (grantId !== null) return grantId;
  }
  return null;
}

async function grantOfRefreshToken(deps: Deps, token: string, client: Client): Promise<string | null> {
  const record = await deps.storage.refreshTokens.get(hashToken(token));
  if (record === null) return null;
  if (record.clientId !== client.id) {
    deps.log.warn(
      { clientId: client.id, owner: record.clientId },
      'revocation of another client’s refresh token ignored',
    );
    return null;
  }
  return record.grantId;
}

/** Only something shaped like a JWS compact serialisation is worth verifying. */
const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

async function grantOfAccessToken(deps: Deps, token: string, client: Client): Promise<string | null> {
  if (!JWS_COMPACT.test(token)) return null;
  let claims;
  try {
    claims = await deps.tokens.verifyAccessToken(token);
  } catch (error) {
    if (isOAuthError(error)) return null;
    throw error;
  }
  if (claims.clientId !== client.id) {
    deps.log.warn(
      { clientId: client.id, owner: claims.clientId },
      'revocation of another client’s access token ignored',
    );
    return null;
  }
  return claims.grantId;
}
