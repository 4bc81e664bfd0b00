import type { Client } from '../../../clients/types.js';
import { randomId } from '../../../lib/ids.js';
import { OAuthError } from '../../../oauth/errors.js';
import { KONNECT_SCOPES, offeredScopes, SUPPORTED_SCOPES } from '../../../oauth/scopes.js';
import type { GrantRecord } from '../../../storage/types.js';
import { extraScopesOf, type Deps } from '../../types.js';
import type { AuthenticatedClient } from '../authenticate-client.js';
import type { IssuedTokens } from '../issue.js';
import type { ClientCredentialsRequest } from '../parse.js';

/** `grant_types` value a client registers to use this grant (RFC 7591 §2). */
export const CLIENT_CREDENTIALS = 'client_credentials';

/**
 * `kc.provider` of a Konnect-format access token a client obtained for itself. Its
 * `kc.identity` is empty: kwmserver and kapi find no user id in it and refuse it, as they
 * must, rather than take the client for a user of the same name.
 */
export const CLIENT_PROVIDER = 'client';

/**
 * Scopes that are about a user, and mean nothing in a token no user is behind: OpenID
 * Connect's (`openid`, `offline_access`, `profile`, `email`, `address`, `phone`, `groups`)
 * and Konnect's subject and claim scopes (`konnect/*`).
 */
const USER_SCOPES: ReadonlySet<string> = new Set([
  ...SUPPORTED_SCOPES,
  'address',
  'phone',
  ...Object.values(KONNECT_SCOPES),
]);

/**
 * The `userId` of the grant a client makes for itself: `client:<client_id>`. Never a user's:
 * such a grant also has no session and no guest (see {@link isClientGrant}).
 */
export function clientGrantUserId(clientId: string): string {
  return `client:${clientId}`;
}

/**
 * True for the grant of a `client_credentials` token (RFC 6749 §4.4): no user is behind it,
 * so userinfo refuses its tokens and introspection reports the client as their subject.
 */
export function isClientGrant(
  grant: Pick<GrantRecord, 'userId' | 'clientId' | 'sessionId'> & { readonly guest?: unknown },
): boolean {
  return (
    grant.userId === clientGrantUserId(grant.clientId) &&
    grant.sessionId === null &&
    (grant.guest === undefined || grant.guest === null)
  );
}

/**
 * The `client_credentials` grant (RFC 6749 §4.4): a client obtains an access token for
 * itself. In order: the client must have registered the grant and have proved who it is
 * (a secret, `client_secret_jwt` or `private_key_jwt`; never a public client, RFC 6749
 * §4.4), then the scopes are assigned, a grant is recorded and the access token minted.
 *
 * - Only an access token: no refresh token (RFC 6749 §4.4.3) and no ID token (there is no
 *   user to identify).
 * - Scopes: the requested ones Sesame offers (as at authorize: narrowed by konnectd's
 *   `--allow-scope`) that are not about a user — in practice those of identifier-scopes.yaml.
 *   Others are dropped, as at authorize (konnect-spec §4.11); the response's `scope` says
 *   what was granted (RFC 6749 §3.3). No `scope`: none. `compat.trustedClientsGetAllScopes`
 *   does not apply: it stands for a user's consent, and there is no user.
 * - The grant's subject is the client ({@link clientGrantUserId}), without a session, and it
 *   ends with the token, so revocation and introspection work as for any token.
 * - The access token's `sub` is the client id (RFC 9068 §2.2 for grants without a resource
 *   owner); in the Konnect format `kc.identity` is empty and `kc.provider` is `client`.
 *
 * @throws OAuthError `unauthorized_client` for a client that did not register the grant;
 *   `invalid_client` (401) for a public client, which cannot authenticate.
 */
export async function grantClientCredentials(
  request: ClientCredentialsRequest,
  authenticated: AuthenticatedClient,
  deps: Deps,
): Promise<IssuedTokens> {
  const { client } = authenticated;
  checkRegistered(client);
  checkConfidential(authenticated);
  const scopes = assignScopes(request.scopes, deps);
  const now = deps.clock.now();
  const lifetime = deps.config.lifetimes.accessToken;
  const grant: GrantRecord = {
    id: randomId(),
    userId: clientGrantUserId(client.id),
    clientId: client.id,
    scopes,
    sessionId: null,
    authTime: now,
    createdAt: now,
    expiresAt: now + lifetime * 1000,
    revokedAt: null,
  };
  await deps.storage.grants.create(grant);
  const accessToken = await deps.tokens.mintAccessToken({
    sub: client.id,
    clientId: client.id,
    scopes,
    grantId: grant.id,
    konnect: { sub: client.id, identity: {}, provider: CLIENT_PROVIDER, authorizedClaims: null },
  });
  return { accessToken, expiresIn: lifetime, idToken: null, refreshToken: null, scopes };
}

/** RFC 6749 §5.2 `unauthorized_client`: the grant must be among the client's `grant_types`. */
function checkRegistered(client: Client): void {
  if (!(client.grantTypes ?? []).includes(CLIENT_CREDENTIALS)) {
    throw new OAuthError('unauthorized_client', 'the client is not registered for client_credentials', {
      detail: `client ${client.id} grant_types: ${(client.grantTypes ?? []).join(' ') || '(none)'}`,
    });
  }
}

/** RFC 6749 §4.4: only a confidential client, which has proved who it is. */
function checkConfidential(authenticated: AuthenticatedClient): void {
  if (authenticated.isPublic) {
    throw new OAuthError('invalid_client', 'client_credentials needs client authentication', {
      detail: `client ${authenticated.client.id} proved nothing but its id (${authenticated.method})`,
    });
  }
}

/** The requested scopes Sesame offers that are not about a user, in request order. */
function assignScopes(requested: readonly string[], deps: Deps): string[] {
  const offered = new Set(offeredScopes(extraScopesOf(deps), deps.config.allowedScopes));
  const backend = new Set(deps.identity.extraScopes ?? []);
  return requested.filter((scope) => offered.has(scope) && !USER_SCOPES.has(scope) && !backend.has(scope));
}
