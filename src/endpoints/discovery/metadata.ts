import { supportedScopes } from '../../oauth/scopes.js';
import { supportedClaims } from '../../oauth/claims.js';
import { locales } from '../../views/index.js';
import type { Config } from '../../config/types.js';
import { endpointUrl, paths } from '../paths.js';

/**
 * The OpenID Provider Metadata (OIDC Discovery §3, RFC 8414), advertising only what Sesame
 * really supports. Endpoint URLs are at the issuer's origin under Konnect's paths
 * (konnect-spec §3.1). Computed once per configuration.
 */
export function providerMetadata(config: Config, signingAlg: string): Record<string, unknown> {
  const url = (path: string) => endpointUrl(config.issuer, path);
  const authMethods = ['client_secret_basic', 'client_secret_post', 'none'];
  return {
    issuer: config.issuer,
    authorization_endpoint: url(paths.authorize),
    token_endpoint: url(paths.token),
    userinfo_endpoint: url(paths.userinfo),
    end_session_endpoint: url(paths.endSession),
    revocation_endpoint: url(paths.revocation),
    jwks_uri: url(paths.jwks),
    scopes_supported: [...supportedScopes()],
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [signingAlg],
    token_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_methods_supported: authMethods,
    code_challenge_methods_supported: ['S256'],
    claims_supported: supportedClaims(),
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
    ui_locales_supported: [...locales],
  };
}
