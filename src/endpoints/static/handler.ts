import { css } from '../../views/index.js';
import type { Deps, EndpointRequest, EndpointResponse } from '../types.js';

/** The stylesheet of the sign-in pages; its URL carries a content hash, so it may be cached long. */
export async function stylesheet(_req: EndpointRequest): Promise<EndpointResponse> {
  return {
    kind: 'text',
    status: 200,
    body: css,
    contentType: 'text/css; charset=utf-8',
    headers: { 'cache-control': 'public, max-age=31536000, immutable' },
  };
}

/**
 * `/health-check`: 200 (konnect-spec §3; its body was empty, and `konnectd healthcheck` reads the
 * status alone) with `{"status":"ok"}` and `registry`: the digest and number of the registration
 * file's clients in force, so that instances that disagree can be told (issue 9).
 */
export async function healthCheck(
  _req: EndpointRequest,
  deps?: Pick<Deps, 'registry'>,
): Promise<EndpointResponse> {
  const registry = deps?.registry === undefined ? {} : { registry: deps.registry.summary };
  return {
    kind: 'json',
    status: 200,
    headers: { 'cache-control': 'no-store' },
    body: { status: 'ok', ...registry },
  };
}
