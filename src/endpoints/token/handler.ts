import { OAuthError } from '../../oauth/errors.js';
import { formatScope } from '../../oauth/scopes.js';
import type { Deps, EndpointRequest, EndpointResponse } from '../types.js';
import {
  authenticateOrChallenge,
  NO_STORE_HEADERS,
  type AuthenticatedClient,
} from './authenticate-client.js';
import { exchangeAuthorizationCode } from './grants/authorization-code.js';
import { grantClientCredentials } from './grants/client-credentials.js';
import { exchangeRefreshToken } from './grants/refresh-token.js';
import type { IssuedTokens } from './issue.js';
import { parseTokenRequest, type TokenRequest } from './parse.js';

/**
 * The token endpoint, `POST /konnect/v1/token` (RFC 6749 §3.2, §4.1.3, §4.4, §5, §6; OIDC
 * Core §3.1.3, §9; konnect-spec §4.6). Parses the form body once, authenticates the client — no grant
 * may skip that — and hands off to the grant named by `grant_type`.
 *
 * Answers RFC 6749 §5.1 JSON with `Cache-Control: no-store`. Protocol errors are thrown as
 * `OAuthError` (RFC 6749 §5.2), except `invalid_client` for a client that authenticated with
 * the Authorization header, which is answered here as 401 with `WWW-Authenticate: Basic`
 * (RFC 6749 §5.2).
 */
export async function handleToken(req: EndpointRequest, deps: Deps): Promise<EndpointResponse> {
  if (req.method !== 'POST') return methodNotAllowed();
  const request = parseTokenRequest(req, deps.config.compat);
  const redirectUri = request.grantType === 'authorization_code' ? request.redirectUri : undefined;
  const authenticated = await authenticateOrChallenge(deps, request.credentials, redirectUri);
  if ('kind' in authenticated) return authenticated;
  const issued = await runGrant(request, authenticated, deps);
  deps.metrics?.tokensIssued(request.grantType);
  deps.log.info(
    {
      clientId: authenticated.client.id,
      authMethod: authenticated.method,
      grantType: request.grantType,
      refresh: issued.refreshToken !== null,
    },
    'tokens issued',
  );
  return tokenResponse(issued);
}

function runGrant(request: TokenRequest, client: AuthenticatedClient, deps: Deps): Promise<IssuedTokens> {
  switch (request.grantType) {
    case 'authorization_code':
      return exchangeAuthorizationCode(request, client, deps);
    case 'refresh_token':
      return exchangeRefreshToken(request, client, deps);
    case 'client_credentials':
      return grantClientCredentials(request, client, deps);
  }
}

/** RFC 6749 §5.1 (plus `id_token`, OIDC Core §3.1.3.3). */
function tokenResponse(issued: IssuedTokens): EndpointResponse {
  const body: Record<string, unknown> = {
    access_token: issued.accessToken,
    token_type: 'Bearer',
    expires_in: issued.expiresIn,
    scope: formatScope(issued.scopes),
  };
  if (issued.idToken !== null) body['id_token'] = issued.idToken;
  if (issued.refreshToken !== null) body['refresh_token'] = issued.refreshToken;
  return { kind: 'json', status: 200, headers: NO_STORE_HEADERS, body };
}

/** RFC 6749 §3.2: the token endpoint is POST only (RFC 9110 §15.5.6 wants `Allow`). */
function methodNotAllowed(): EndpointResponse {
  const error = new OAuthError('invalid_request', 'the token endpoint accepts only POST', { status: 405 });
  return { kind: 'json', status: 405, headers: { ...NO_STORE_HEADERS, Allow: 'POST' }, body: error.toJSON() };
}
