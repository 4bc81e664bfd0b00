import type { Deps, EndpointRequest, EndpointResponse } from '../types.js';

/** `/konnect/v1/jwks.json`: the public signing keys (RFC 7517 §5), as `application/jwk-set+json`. */
export function jwksHandler(deps: Deps): (req: EndpointRequest) => Promise<EndpointResponse> {
  const body = JSON.stringify(deps.tokens.jwks());
  return async () => ({
    kind: 'text',
    status: 200,
    body,
    contentType: 'application/jwk-set+json',
    headers: { 'cache-control': 'public, max-age=300' },
  });
}
