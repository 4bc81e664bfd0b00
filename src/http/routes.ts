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
  /** Allow any Origin to call it from a browser (discovery, JWKS, token, userinfo). */
  readonly cors?: boolean;
  readonly handle: (request: EndpointRequest, deps: BrowserDeps) => Promise<EndpointResponse>;
}
