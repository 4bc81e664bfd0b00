import { paths } from '../paths.js';
import type { EndpointRequest, Params } from '../types.js';

/** The route of the client configuration endpoint (RFC 7592 §2), as the router writes it. */
export const clientConfigurationRoute = `${paths.registration}/:client_id`;

/**
 * Where `http/` puts a JSON body for the registration routes: its raw text under this name.
 * `EndpointRequest.body` otherwise holds form parameters; no form reaches these routes with a
 * JSON content type, so the name cannot collide (see {@link jsonBodyText}).
 */
const JSON_BODY = 'application/json';

/**
 * Whether a route takes a JSON body (RFC 7591 §3.1, RFC 7592 §2.2): the registration endpoint
 * and the client configuration endpoint. `routePath` is the router's path, `:client_id` and all.
 */
export function takesJsonBody(routePath: string | undefined): boolean {
  return routePath === paths.registration || routePath === clientConfigurationRoute;
}

/** What `http/` hands the endpoint for a JSON body of such a route: the text, parsed by the endpoint. */
export function jsonBodyParams(text: string): Params {
  return new Map([[JSON_BODY, [text]]]);
}

/** The request's JSON body as text; null when it was sent as anything but `application/json`. */
export function jsonBodyText(req: EndpointRequest): string | null {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') return null;
  return req.body.get(JSON_BODY)?.[0] ?? null;
}
