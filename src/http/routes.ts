import type { BrowserDeps, EndpointRequest, EndpointResponse } from '../endpoints/types.js';

/**
 * How errors escaping a route are shown: `api` routes answer JSON (RFC 6749 §5.2), `browser`
 * routes the HTML error page.
 */
export type RouteAudience = 'api' | 'browser';

export interface Route {
  readonly methods: readonly ('GET' | 'POST' | 'HEAD' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS')[];
  readonly path: string;
  readonly audience: RouteAudience;
  /**
   * Browser code of the issuer's origin and of registered clients' `origins` may call it
   * (CORS without credentials; discovery, JWKS, token, userinfo, revocation).
   */
  readonly cors?: boolean;
  readonly handle: (request: EndpointRequest, deps: BrowserDeps) => Promise<EndpointResponse>;
}
