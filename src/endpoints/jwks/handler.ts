import type { Deps, EndpointRequest, EndpointResponse } from '../types.js';

/**
 * `/konnect/v1/jwks.json`: the public signing keys (RFC 7517 §5), as `application/jwk-set+json`.
 * The keys may change while the instance runs (a rotated ring, `tokens/key-ring.ts`); the body is
 * serialised once per set of keys, not per request.
 */
export function jwksHandler(deps: Deps): (req: EndpointRequest) => Promise<EndpointResponse> {
  let rendered = deps.tokens.jwks();
  let body = JSON.stringify(rendered);
  return async () => {
    const jwks = deps.tokens.jwks();
    if (jwks !== rendered) {
      rendered = jwks;
      body = JSON.stringify(jwks);
    }
    return {
      kind: 'text',
      status: 200,
      body,
      contentType: 'application/jwk-set+json',
      headers: { 'cache-control': 'public, max-age=300' },
    };
  };
}
