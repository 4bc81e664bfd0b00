import { css } from '../../views/index.js';
import type { EndpointRequest, EndpointResponse } from '../types.js';

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

/** `/health-check`: 200 with an empty body (konnect-spec §3). */
export async function healthCheck(_req: EndpointRequest): Promise<EndpointResponse> {
  return { kind: 'empty', status: 200 };
}
