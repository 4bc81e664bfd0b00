import { authenticateClient, type ClientAuthMethod } from '../../clients/authenticate.js';
import { lookupWithImplicitTrust } from '../../clients/implicit-trust.js';
import type { Client } from '../../clients/types.js';
import { relaxationsFor } from '../../clients/relaxations.js';
import { isOAuthError, OAuthError } from '../../oauth/errors.js';
import { paths } from '../paths.js';
import type { Deps, EndpointResponse } from '../types.js';
import { clientAssertionVerifier } from './client-assertions.js';
import type { ClientCredentials } from './parse.js';

/** RFC 6749 §5.1: token responses must not be cached. */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
});

/** A client whose credentials have been checked (RFC 6749 §2.3, §3.2.1). */
export interface AuthenticatedClient {
  readonly client: Client;
  /** How it authenticated (OIDC Core §9). */
  readonly method: ClientAuthMethod;
  /**
   * True when the client proved nothing but its id: `token_endpoint_auth_method` `none`, or
   * under Konnect compatibility a secret sent by a client that has none (konnect-spec §2.4).
   * Such a client may redeem only codes bound to a PKCE challenge (RFC 7636, RFC 9700
   * §2.1.1) unless that relaxation is on, and never uses `client_credentials`.
   */
  readonly isPublic: boolean;
}

/**
 * Authenticates the client of a token or revocation request. Every grant goes through it;
 * none may skip it (RFC 6749 §3.2.1, RFC 7009 §2.1). JWT client assertions (RFC 7523) are
 * checked by {@link clientAssertionVerifier} for the endpoint the credentials were presented to.
 *
 * Each request that relied on `compat.lenientTokenRequests` (parameters from the query of an
 * empty POST, or Basic credentials without the scheme; konnect-spec §9.2) is logged as a
 * warning naming the relaxation, the client and how to stop depending on it; a dynamically
 * registered client, which gets no relaxation, is refused `invalid_request` instead.
 *
 * @throws OAuthError `invalid_client` (401) for unknown clients, wrong secrets and failed or
 *   replayed assertions, `invalid_request` for missing or contradictory credentials.
 */
export async function checkClient(
  deps: Deps,
  credentials: ClientCredentials,
  redirectUri?: string,
): Promise<AuthenticatedClient> {
  // An unregistered client implicitly trusted at authorize (compat) is known here by the
  // redirect_uri its code exchange must repeat; it is a public client.
  const lookup = lookupWithImplicitTrust(deps.clients, redirectUri, deps.config.issuer, deps.config.compat);
  const assertions = clientAssertionVerifier(deps, credentials.endpointPath ?? paths.token);
  const result = await authenticateClient(lookup, credentials, deps.config.compat, assertions);
  if (credentials.paramsFromQuery === true) {
    if (!relaxationsFor(result.client, deps.config.compat).lenientTokenRequests) {
      // What a strict server would have read: an empty form body.
      throw new OAuthError('invalid_request', 'the token request parameters must be sent in the form body', {
        detail: `client ${result.client.id} sent them in the URL query of an empty POST; Konnect compatibility does not apply to a dynamically registered client`,
      });
    }
    warnLenient(
      deps,
      result.client.id,
      'token request parameters taken from the URL query of an empty POST',
      'a form body',
    );
  }
  if (result.schemelessBasic) {
    warnLenient(
      deps,
      result.client.id,
      'client credentials taken from an Authorization header without the Basic scheme',
      '"Authorization: Basic …"',
    );
  }
  return { client: result.client, method: result.method, isPublic: !result.proved };
}

function warnLenient(deps: Deps, clientId: string, what: string, proper: string): void {
  deps.log.warn(
    {
      relaxation: 'lenientTokenRequests',
      clientId,
      remedy: `update the client (e.g. Rocket.Chat) so it sends ${proper}, or turn Konnect compatibility off`,
    },
    `${what} (Konnect compatibility: lenientTokenRequests)`,
  );
}

/**
 * Authenticates the client; a failed Basic authentication becomes the 401 challenge RFC 6749
 * §5.2 asks for, every other failure is rethrown.
 */
export async function authenticateOrChallenge(
  deps: Deps,
  credentials: ClientCredentials,
  redirectUri?: string,
): Promise<AuthenticatedClient | EndpointResponse> {
  try {
    return await checkClient(deps, credentials, redirectUri);
  } catch (error) {
    if (isOAuthError(error) && error.code === 'invalid_client') {
      deps.log.info(
        { reason: error.description, detail: error.detail, clientId: credentials.clientId },
        'client authentication failed',
      );
      if (credentials.authorization !== undefined) return basicChallenge(error);
    }
    throw error;
  }
}

function basicChallenge(error: OAuthError): EndpointResponse {
  return {
    kind: 'json',
    status: 401,
    headers: { ...NO_STORE_HEADERS, 'WWW-Authenticate': 'Basic realm="sesame", charset="UTF-8"' },
    body: error.toJSON(),
  };
}
