import type { BrowserDeps, EndpointRequest, EndpointResponse } from '../types.js';
import { healthCheck as liveness } from '../static/handler.js';
import { RETRY_AFTER_SECONDS } from '../../oauth/storage-outage.js';

/**
 * `/health-check` (konnect-spec §3): while storage answers, the 200 of `static/handler.ts`;
 * while it does not, 503 with `Retry-After` and a JSON body naming the failing dependency.
 * Storage is read at most once a second however often this is called
 * (`StorageHealth.check`); why it fails stays in the log.
 */
export async function healthCheck(req: EndpointRequest, deps: BrowserDeps): Promise<EndpointResponse> {
  const storage = await deps.storageHealth.check();
  if (storage.ok) return liveness(req, deps);
  return {
    kind: 'json',
    status: 503,
    headers: { 'cache-control': 'no-store', 'retry-after': String(RETRY_AFTER_SECONDS) },
    body: { status: 'unavailable', failing: ['storage'] },
  };
}
