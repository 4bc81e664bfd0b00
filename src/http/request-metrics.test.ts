import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import type { HttpRequestSample, Metrics } from '../metrics/metrics.js';
import { noMetrics } from '../metrics/metrics.js';
import { countRequests } from './request-metrics.js';

describe('countRequests', () => {
  it('labels requests with the route pattern, never the URL, and unmatched ones as unmatched', async () => {
    const samples: HttpRequestSample[] = [];
    const metrics: Metrics = { ...noMetrics, httpRequest: (sample) => void samples.push(sample) };
    const app = Fastify();
    countRequests(app, metrics);
    app.get('/konnect/v1/clients/:id', async (_request, reply) => reply.code(201).send('ok'));
    try {
      await app.inject({ method: 'GET', url: '/konnect/v1/clients/secret-client-id?x=1' });
      await app.inject({ method: 'GET', url: '/no/such/path/4711' });
      assert.deepEqual(
        samples.map(({ method, route, status }) => ({ method, route, status })),
        [
          { method: 'GET', route: '/konnect/v1/clients/:id', status: 201 },
          { method: 'GET', route: 'unmatched', status: 404 },
        ],
      );
      assert.ok(samples.every((s) => s.seconds >= 0 && s.seconds < 10));
    } finally {
      await app.close();
    }
  });
});
