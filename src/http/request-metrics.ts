import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics/metrics.js';

/** The methods counted by name; any other is counted as `OTHER`, so the label stays bounded. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/**
 * Counts every answered request by method, route pattern (`/konnect/v1/token`, never the URL a
 * client sent; `unmatched` for 404s no route took) and status, with its latency. Errors Fastify
 * answers before routing (`frameworkErrors`) run no hooks and are not counted.
 */
export function countRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequest({
      method: METHODS.has(request.method) ? request.method : 'OTHER',
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
  });
}
