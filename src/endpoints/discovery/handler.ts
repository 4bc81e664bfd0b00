import { extraScopesOf, type Deps, type EndpointRequest, type EndpointResponse } from '../types.js';
import { providerMetadata } from './metadata.js';

/** `/.well-known/openid-configuration`; cacheable for a few minutes. */
export function discoveryHandler(deps: Deps): (req: EndpointRequest) => Promise<EndpointResponse> {
  const body = providerMetadata(deps.config, deps.tokens.alg, extraScopesOf(deps));
  return async () => ({
    kind: 'json',
    status: 200,
    body,
    headers: { 'cache-control': 'public, max-age=300' },
  });
}
