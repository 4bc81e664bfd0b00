import { relaxationsFor } from '../../../clients/relaxations.js';
import type { Client } from '../../../clients/types.js';
import { OAuthError } from '../../../oauth/errors.js';
import { assertCodeVerifier } from '../../../oauth/pkce.js';
import { hashToken } from '../../../lib/ids.js';
import type { AuthorizationCodeRecord, GrantRecord } from '../../../storage/types.js';
import type { Deps } from '../../types.js';
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
import type { AuthorizationCodeRequest } from '../parse.js';
import type { AuthenticatedClient } from '../authenticate-client.js';

/**
 * The `authorization_code` grant (RFC 6749 §4.1.3, OIDC Core §3.1.3, RFC 7636 §4.6) for an
 * authenticated client. In order: find the code and check it was issued to this client for
 * this redirect_uri with a PKCE challenge this verifier meets — none of which spends it — then
 * consume it (once, atomically), load the grant and the user, mint.
 *
 * Always returns an ID token (the code flow is always OIDC here) and a refresh token only
 * when `offline_access` was granted (OIDC Core §11).
 *
 * @throws OAuthError `invalid_grant` for an unknown, expired, reused or foreign code, a
 *   redirect_uri mismatch, a PKCE failure, a revoked grant or a removed user; a code reused by
 *   its own client also revokes every token issued from it (RFC 6749 §4.1.2, §10.5).
 */
export async function exchangeAuthorizationCode(
  request: AuthorizationCodeRequest,
  authenticated: AuthenticatedClient,
  deps: Deps,
): Promise<IssuedTokens> {
  const { client } = authenticated;
  const now = deps.clock.now();
  const codeHash = hashToken(request.code);
  // Who presents the code is checked before it is spent: someone who learned a code (from a log
  // or a Referer) and presents it as another client, with another redirect_uri or without the
  // PKCE verifier neither spends it nor, after redemption, revokes the owner's grant.
  const presented = await findCode(deps, codeHash);
  checkCodeClient(presented, client);
  checkRedirectUri(presented, request.redirectUri);
  // A client that proved its secret or key replaying its own code is reuse whatever the
  // verifier (RFC 6749 §4.1.2); a client that proves nothing but its id must show it first.
  const provedItself = !authenticated.isPublic;
  if (!(provedItself && presented.consumedAt !== null)) {
    checkPkce(
      presented,
      authenticated,
      request.codeVerifier,
      relaxationsFor(client, deps.config.compat).anySecretForSecretlessClients,
    );
  }
  const code = await consumeCode(deps, codeHash, now);
  const grant = await loadActiveGrant(deps, code.grantId, client, now);
  const subject = await loadSubject(deps, grant);
  if (subject === null) throw userGone(code.userId);

  const { accessToken, idToken } = await mintTokens(deps, {
    client,
    subject,
    grant,
    scopes: code.scopes,
    authTime: code.authTime,
    nonce: code.nonce,
    sessionId: code.sessionId,
  });
  const refreshToken = await issueRefreshToken(deps, code, grant, now);
  if (accessToken === null) throw new Error('exchangeAuthorizationCode: no access token minted');
  return {
    accessToken,
    expiresIn: deps.config.lifetimes.accessToken,
    idToken,
    refreshToken,
    scopes: code.scopes,
  };
}

/** The code as issued, without spending it. */
async function findCode(deps: Deps, codeHash: string): Promise<AuthorizationCodeRecord> {
  const code = await deps.storage.codes.get(codeHash);
  if (code === null) throw new OAuthError('invalid_grant', 'authorization code is invalid');
  return code;
}

/**
 * Consumes the code; a second redemption — by its own client, with its redirect_uri and PKCE
 * verifier — revokes its grant (RFC 6749 §4.1.2).
 */
async function consumeCode(deps: Deps, codeHash: string, now: number): Promise<AuthorizationCodeRecord> {
  const result = await spendCredential(
    () => deps.storage.codes.consume(codeHash, now),
    'authorization code is no longer valid',
  );
  switch (result.kind) {
    case 'consumed':
      return result.code;
    case 'reused':
      return revokeAfterReuse(
        deps,
        result.code,
        now,
        'authorization code reused; its grant has been revoked',
        'authorization code has already been used',
      );
    case 'expired':
      throw new OAuthError('invalid_grant', 'authorization code has expired');
    case 'not_found':
      throw new OAuthError('invalid_grant', 'authorization code is invalid');
  }
}

/** RFC 6749 §4.1.3: the code must have been issued to the authenticated client. */
function checkCodeClient(code: AuthorizationCodeRecord, client: Client): void {
  if (code.clientId !== client.id) {
    throw new OAuthError('invalid_grant', 'authorization code was issued to another client', {
      detail: `code of ${code.clientId} presented by ${client.id}`,
    });
  }
}

/**
 * RFC 6749 §4.1.3: redirect_uri must be identical to the one of the authorization request —
 * compared byte for byte, even where compat mode relaxed matching at authorize.
 */
function checkRedirectUri(code: AuthorizationCodeRecord, redirectUri: string): void {
  if (code.redirectUri !== redirectUri) {
    throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
  }
}

/**
 * RFC 7636 §4.6. A client that authenticated with `none` proves itself with nothing but PKCE,
 * so its code must carry a challenge; authorize enforces that, and this checks it again.
 */
function checkPkce(
  code: AuthorizationCodeRecord,
  authenticated: AuthenticatedClient,
  verifier: string | undefined,
  konnectSecretless: boolean,
): void {
  // Under Konnect compatibility a client without a secret is not held to PKCE — authorize
  // lets it through without a challenge (konnect-spec §2.4, §4.3), so the exchange must too.
  if (authenticated.isPublic && code.codeChallenge === null && !konnectSecretless) {
    throw new OAuthError('invalid_grant', 'a public client must use PKCE', {
      detail: `code of public client ${authenticated.client.id} has no code_challenge`,
    });
  }
  assertCodeVerifier(verifier, code.codeChallenge, code.codeChallengeMethod);
}

/** OIDC Core §11: a refresh token only when `offline_access` was granted. */
async function issueRefreshToken(
  deps: Deps,
  code: AuthorizationCodeRecord,
  grant: GrantRecord,
  now: number,
): Promise<string | null> {
  if (!code.scopes.includes('offline_access') || !grant.scopes.includes('offline_access')) return null;
  const { token, record } = newRefreshToken(deps, grant, code.scopes, now);
  await deps.storage.refreshTokens.create(record);
  return token;
}
