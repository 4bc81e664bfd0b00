import type { DynamicClientMetadata } from './dynamic-metadata.js';
import type { Client } from './types.js';

/** `Client.source` of every dynamically registered client, for messages. */
export const DYNAMIC_CLIENT_SOURCE = 'dynamic registration (RFC 7591)';

/**
 * The {@link Client} a dynamic registration stands for. Whatever it registered, such a client:
 * - is never `trusted`, so the user always consents (and `trustedClientsGetAllScopes` never
 *   applies), and has no `trusted_scopes`, so it cannot sign guests in;
 * - is never `insecure` and uses PKCE with S256 only;
 * - has no `origins`: anyone may register, and a registration must not add its site to the
 *   CORS origins of the API endpoints nor to the check-session iframe's `frame-ancestors`
 *   (http/origins.ts), which would let any site probe whether its visitor is signed in;
 * - keeps its secret only as `secretHash` (`secret` is null).
 */
export function clientFromMetadata(
  clientId: string,
  metadata: DynamicClientMetadata,
  secretHash: string | null,
): Client {
  return {
    id: clientId,
    secret: null,
    secretHash,
    name: metadata.client_name ?? clientId,
    applicationType: metadata.application_type,
    redirectUris: metadata.redirect_uris,
    postLogoutRedirectUris: metadata.post_logout_redirect_uris ?? [],
    origins: [],
    trusted: false,
    trustedScopes: [],
    insecure: false,
    codeChallengeMethods: ['S256'],
    jwks: metadata.jwks ?? null,
    requestObjectSigningAlg: metadata.request_object_signing_alg ?? null,
    idTokenSignedResponseAlg: metadata.id_token_signed_response_alg ?? null,
    userinfoSignedResponseAlg: metadata.userinfo_signed_response_alg ?? null,
    backchannelLogoutUri: metadata.backchannel_logout_uri ?? null,
    backchannelLogoutSessionRequired: metadata.backchannel_logout_session_required ?? false,
    requirePushedAuthorizationRequests: metadata.require_pushed_authorization_requests ?? false,
    tokenEndpointAuthMethod: metadata.token_endpoint_auth_method,
    ...(metadata.token_endpoint_auth_signing_alg === undefined
      ? {}
      : { tokenEndpointAuthSigningAlg: metadata.token_endpoint_auth_signing_alg }),
    grantTypes: metadata.grant_types,
    ...(metadata.contacts === undefined ? {} : { contacts: metadata.contacts }),
    ...(metadata.client_uri === undefined ? {} : { uri: metadata.client_uri }),
    source: DYNAMIC_CLIENT_SOURCE,
  };
}

/** Every dynamically registered client's id starts with this (`dyn-` and 16 random bytes). */
export const DYNAMIC_CLIENT_ID_PREFIX = 'dyn-';

/**
 * Whether a client was registered dynamically (RFC 7591). Such a client gets none of Konnect's
 * compatibility relaxations, which exist for the known clients of a registration file: where a
 * relaxation is decided per client, it applies only when this is false.
 */
export function isDynamicClient(client: Client): boolean {
  return client.secretHash !== undefined;
}
