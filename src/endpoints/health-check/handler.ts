import type { BrowserDeps, EndpointRequest, EndpointResponse } from '../types.js';
import { healthCheck as healthy } from '../static/handler.js';
import { RETRY_AFTER_SECONDS } from '../../oauth/storage-outage.js';
import { failingDependencies, type DependencyChecks } from './dependencies.js';

/**
 * `/health-check` (konnect-spec §3), the readiness check: while every dependency answers, the
 * 200 of `static/handler.ts`; while one does not, 503 with `Retry-After` and a JSON body naming
 * each failing one, storage first: `{"status":"unavailable","failing":["storage","ldap"]}`.
 * Storage and the identity backend's directory (LDAP: service bind and search base) are each
 * checked at most once a second however often this is called (`failingDependencies`); why
 * they fail stays in the log.
 */
export async function healthCheck(
  req: EndpointRequest,
  deps: DependencyChecks & Pick<BrowserDeps, 'registry'>,
): Promise<EndpointResponse> {
  const failing = await failingDependencies(deps);
  if (failing.length === 0) return healthy(req, deps);
  return {
    kind: 'json',
    status: 503,
    headers: { 'cache-control': 'no-store', 'retry-after': String(RETRY_AFTER_SECONDS) },
    body: { status: 'unavailable', failing: failing.map((dependency) => dependency.name) },
  };
}

/**
 * `/health-check/live`, the liveness check (Kubernetes' `livenessProbe`): 200 while the process
 * serves HTTP, whatever its dependencies do, so an orchestrator restarts only a process that
 * hangs, never one waiting for its database or directory.
 */
export async function liveCheck(_req: EndpointRequest): Promise<EndpointResponse> {
  return { kind: 'json', status: 200, headers: { 'cache-control': 'no-store' }, body: { status: 'ok' } };
}
