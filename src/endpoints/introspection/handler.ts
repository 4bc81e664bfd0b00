import { OAuthError } from '../../oauth/errors.js';
import { authenticateOrChallenge, NO_STORE_HEADERS } from '../token/authenticate-client.js';
import type { Deps, EndpointRequest, EndpointResponse } from '../types.js';
import { introspectToken } from './introspect-token.js';
import { parseIntrospectionRequest } from './parse.js';

/**
 * The introspection endpoint, `POST /konnect/v1/introspect` (RFC 7662). The client
 * authenticates as at the token endpoint (§2.1: the endpoint must require authorization); a
 * public client, which proves nothing but an id, is refused `invalid_client`. The answer is
 * `{"active": true, …}` for an active token issued to that client (see `introspectToken`),
 * else `{"active": false}` and nothing more (§2.2, §4) — with `Cache-Control: no-store`
 * either way.
 */
export async function handleIntrospection(req: EndpointRequest, deps: Deps): Promise<EndpointResponse> {
  if (req.method !== 'POST') return methodNotAllowed();
  const request = parseIntrospectionRequest(req);
  const authenticated = await authenticateOrChallenge(deps, request.credentials);
  if ('kind' in authenticated) return authenticated;
  const { client } = authenticated;
  if (authenticated.isPublic) {
    throw new OAuthError('invalid_client', 'introspection requires client authentication', {
      detail: `public client "${client.id}" at the introspection endpoint`,
    });
  }
  const active = await introspectToken(deps, request.token, request.hint, client);
  deps.log.debug({ clientId: client.id, active: active !== null }, 'token introspected');
  return { kind: 'json', status: 200, headers: NO_STORE_HEADERS, body: active ?? { active: false } };
}

/** RFC 7662 §2.1: POST only (RFC 9110 §15.5.6 wants `Allow`). */
function methodNotAllowed(): EndpointResponse {
  const error = new OAuthError('invalid_request', 'the introspection endpoint accepts only POST', {
    status: 405,
  });
  return { kind: 'json', status: 405, headers: { ...NO_STORE_HEADERS, Allow: 'POST' }, body: error.toJSON() };
}
