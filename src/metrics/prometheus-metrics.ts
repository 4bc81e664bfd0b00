import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SIGN_IN_OUTCOMES, THROTTLE_TRIP_LIMITS, TOKEN_GRANT_TYPES, type Metrics } from './metrics.js';

/** Every metric name starts with this, the process metrics' too. */
export const METRICS_PREFIX = 'sesame_';

/** Seconds; from a cached storage read to a slow LDAP bind or argon2 check. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds; storage calls are mostly well under a millisecond on SQLite. */
const STORAGE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** {@link Metrics} in a Prometheus registry of its own, which the metrics listener serves. */
export interface PrometheusMetrics extends Metrics {
  readonly registry: Registry;
}

/**
 * Metrics kept in a new registry — never prom-client's global one, so several apps in one
 * process (tests) count separately — with Node's process metrics (`collectDefaultMetrics`:
 * CPU, memory, event loop lag, handles, GC), all prefixed `sesame_`.
 */
export function createPrometheusMetrics(): PrometheusMetrics {
  const registry = new Registry();
  const registers = [registry];
  const name = (suffix: string) => `${METRICS_PREFIX}${suffix}`;
  collectDefaultMetrics({ register: registry, prefix: METRICS_PREFIX });

  const httpRequests = new Counter({
    name: name('http_requests_total'),
    help: 'HTTP requests answered on the public port, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: name('http_request_duration_seconds'),
    help: 'Time to answer HTTP requests on the public port, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const signIns = new Counter({
    name: name('sign_ins_total'),
    help: 'Password sign-ins by outcome: success, wrong_credentials, throttled, unavailable.',
    labelNames: ['outcome'] as const,
    registers,
  });
  const tokens = new Counter({
    name: name('tokens_issued_total'),
    help: 'Token responses by grant type; implicit counts tokens returned by the authorization endpoint.',
    labelNames: ['grant_type'] as const,
    registers,
  });
  const throttleTrips = new Counter({
    name: name('sign_in_throttle_trips_total'),
    help: 'Sign-in throttle limits tripped (first refusal of a key within the window), by limit.',
    labelNames: ['limit'] as const,
    registers,
  });
  const ldapDuration = new Histogram({
    name: name('ldap_operation_duration_seconds'),
    help: 'Time of LDAP operations, by operation, failed ones included.',
    labelNames: ['operation'] as const,
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const ldapErrors = new Counter({
    name: name('ldap_errors_total'),
    help: 'Failed LDAP operations, by operation and kind: unavailable (unreachable or cannot serve) or refused.',
    labelNames: ['operation', 'kind'] as const,
    registers,
  });
  const storageDuration = new Histogram({
    name: name('storage_operation_duration_seconds'),
    help: 'Time of storage calls, by operation (store.method), failed ones included.',
    labelNames: ['operation'] as const,
    buckets: STORAGE_BUCKETS,
    registers,
  });
  const storageErrors = new Counter({
    name: name('storage_errors_total'),
    help: 'Failed storage calls, by operation and kind: unavailable, contended, conflict, corrupt or other.',
    labelNames: ['operation', 'kind'] as const,
    registers,
  });
  const reloads = new Counter({
    name: name('registry_reloads_total'),
    help: 'Reloads of the client registration file, by outcome (applied, refused, held_back) and trigger (watch, explicit).',
    labelNames: ['outcome', 'trigger'] as const,
    registers,
  });
  const registryClients = new Gauge({
    name: name('registry_clients'),
    help: 'Clients of the registration file in force.',
    registers,
  });

  // Known label values start at 0, so rate() and increase() see their first event.
  for (const outcome of SIGN_IN_OUTCOMES) signIns.inc({ outcome }, 0);
  for (const grantType of TOKEN_GRANT_TYPES) tokens.inc({ grant_type: grantType }, 0);
  for (const limit of THROTTLE_TRIP_LIMITS) throttleTrips.inc({ limit }, 0);

  return {
    registry,
    httpRequest({ method, route, status, seconds }) {
      httpRequests.inc({ method, route, status: String(status) });
      httpDuration.observe({ method, route }, seconds);
    },
    signIn(outcome) {
      signIns.inc({ outcome });
    },
    tokensIssued(grantType) {
      tokens.inc({ grant_type: grantType });
    },
    throttleTrip(limit) {
      throttleTrips.inc({ limit });
    },
    ldapOperation(operation, seconds, error) {
      ldapDuration.observe({ operation }, seconds);
      if (error !== null) ldapErrors.inc({ operation, kind: error });
    },
    storageOperation(operation, seconds, error) {
      storageDuration.observe({ operation }, seconds);
      if (error !== null) storageErrors.inc({ operation, kind: error });
    },
    registryReload(outcome, trigger) {
      reloads.inc({ outcome, trigger });
    },
    registryClients(count) {
      registryClients.set(count);
    },
  };
}
