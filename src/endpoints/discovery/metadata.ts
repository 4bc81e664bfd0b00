import { offeredScopes } from '../../oauth/scopes.js';
import { KONNECT_CLAIMS_SUPPORTED, supportedClaims } from '../../oauth/claims.js';
import { locales } from '../../views/index.js';
import type { CompatRelaxations, Config } from '../../config/types.js';
import { REQUEST_OBJECT_SIGNING_ALGS } from '../../tokens/request-object.js';
import { CLIENT_SECRET_JWT_ALGS, PRIVATE_KEY_JWT_ALGS } from '../../tokens/client-assertion.js';
import { endpointUrl, paths } from '../paths.js';

/**
 * The OpenID Provider Metadata (OIDC Discovery §3, RFC 8414), advertising only what Sesame
 * really supports. Endpoint URLs are at the issuer's origin under Konnect's paths
 * (konnect-spec §3.1). Computed once per configuration.
 *
 * - `scopes_supported`: `openid`, `offline_access` first (Konnect's order), then the other
 *   standard scopes and `extraScopes` — the identity backend's (`IdentityBackend.extraScopes`:
 *   LDAP adds `konnect/uuid`, `konnect/raw_sub`, and `konnect/id` only with a uidNumber
 *   attribute) — narrowed by `config.allowedScopes` (konnectd `--allow-scope`).
 * - `claims_supported`: the claims those scopes release; when any Konnect compatibility
 *   relaxation is on, Konnect's own list (`iss sub aud exp iat name family_name given_name
 *   email email_verified`) comes first, so a relying party configured from Konnect's
 *   document finds every claim it saw there.
 * - `response_types_supported`: the code flow, the implicit flow and the hybrid flows
 *   (OIDC Core §3), `code` first. Konnect listed only `id_token token`, `id_token`,
 *   `code id_token` and `code id_token token` though it accepted `code` (konnect-spec §3.1
 *   [quirk]); Kopano Meet uses `code` for users and `id_token token` for guests
 *   (kopano-meet.md req. 8, 36). `grant_types_supported` therefore lists `implicit` too.
 * - `claims_parameter_supported` (OIDC Core §5.5; Meet asks for `name` in the ID token,
 *   req. 13) and `request_parameter_supported` (request objects by value, OIDC Core §6.1,
 *   req. 37) are true; `request_uri_parameter_supported` is false. The request-object
 *   algorithms are Konnect's: tokens/request-object.ts's, plus `none`, which a client
 *   registered with `request_object_signing_alg: none` may use.
 * - `id_token_signing_alg_values_supported`: the configured algorithm, the one Sesame signs
 *   with unless a client registered another its key makes, then `none` (OIDC Discovery §3):
 *   a client registered with `id_token_signed_response_alg: none` gets unsigned ID tokens,
 *   only from the token endpoint (endpoints/authorize/parse.ts `refuseUnsignedIdTokenHere`).
 * - `check_session_iframe` (OpenID Connect Session Management 1.0 §3.3) only with
 *   `config.sessionManagement`, when the page is served; kopano-meet.md req. 32 forbids
 *   advertising it otherwise.
 * - Client authentication at the token, revocation and introspection endpoints: the secret
 *   in Basic or in the body, a `client_secret_jwt` or `private_key_jwt` assertion (OIDC Core
 *   §9); `none` (a public client with PKCE) only where a public client may come, never at
 *   introspection (RFC 7662 §2.1 wants the caller authenticated).
 * - `introspection_endpoint` (RFC 7662), `pushed_authorization_request_endpoint` (RFC 9126,
 *   required only of clients registered with `require_pushed_authorization_requests`),
 *   `registration_endpoint` (RFC 7591) only while dynamic registration is allowed, and
 *   back-channel logout with `sid` (OpenID Connect Back-Channel Logout 1.0 §2.1).
 */
export function providerMetadata(
  config: Config,
  signingAlg: string,
  extraScopes: readonly string[] = [],
): Record<string, unknown> {
  const url = (path: string) => endpointUrl(config.issuer, path);
  const authenticated = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'];
  const authMethods = [...authenticated, 'none'];
  const assertionAlgs = [...PRIVATE_KEY_JWT_ALGS, ...CLIENT_SECRET_JWT_ALGS];
  const scopes = offeredScopes(extraScopes, config.allowedScopes);
  return {
    issuer: config.issuer,
    authorization_endpoint: url(paths.authorize),
    token_endpoint: url(paths.token),
    userinfo_endpoint: url(paths.userinfo),
    end_session_endpoint: url(paths.endSession),
    revocation_endpoint: url(paths.revocation),
    introspection_endpoint: url(paths.introspection),
    pushed_authorization_request_endpoint: url(paths.pushedAuthorization),
    require_pushed_authorization_requests: false,
    ...(config.allowDynamicClientRegistration ? { registration_endpoint: url(paths.registration) } : {}),
    jwks_uri: url(paths.jwks),
    ...(config.sessionManagement ? { check_session_iframe: url(paths.checkSession) } : {}),
    scopes_supported: [...scopes],
    response_types_supported: [
      'code',
      'id_token',
      'id_token token',
      'code id_token',
      'code token',
      'code id_token token',
    ],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [signingAlg, 'none'],
    token_endpoint_auth_methods_supported: authMethods,
    token_endpoint_auth_signing_alg_values_supported: assertionAlgs,
    revocation_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_signing_alg_values_supported: assertionAlgs,
    introspection_endpoint_auth_methods_supported: authenticated,
    introspection_endpoint_auth_signing_alg_values_supported: assertionAlgs,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    claim_types_supported: ['normal'],
    display_values_supported: ['page', 'popup'],
    code_challenge_methods_supported: ['S256'],
    claims_supported: claimsSupported(config.compat, scopes),
    claims_parameter_supported: true,
    request_parameter_supported: true,
    request_object_signing_alg_values_supported: [...new Set([...REQUEST_OBJECT_SIGNING_ALGS, 'none'])],
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
    ui_locales_supported: [...locales],
  };
}

function claimsSupported(compat: CompatRelaxations, scopes: readonly string[]): string[] {
  const released = supportedClaims(scopes);
  return anyRelaxation(compat) ? [...new Set([...KONNECT_CLAIMS_SUPPORTED, ...released])] : released;
}

function anyRelaxation(compat: CompatRelaxations): boolean {
  return Object.values(compat).some((on) => on === true);
}
