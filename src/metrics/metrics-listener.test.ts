import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { Counter, Registry } from 'prom-client';
import { createMetricsListener, type MetricsListener } from './metrics-listener.js';

const log = pino({ enabled: false });

async function serving(registry = new Registry()): Promise<{ url: string; listener: MetricsListener }> {
  const listener = createMetricsListener({ registry, listen: { host: '127.0.0.1', port: 0 }, log });
  const address = await listener.listen();
  return { url: `http://${address}`, listener };
}

describe('createMetricsListener', () => {
  it('serves the registry at /metrics in the Prometheus text format', async () => {
    const registry = new Registry();
    new Counter({ name: 'sesame_test_total', help: 'A test counter.', registers: [registry] }).inc(3);
    const { url, listener } = await serving(registry);
    try {
      const response = await fetch(`${url}/metrics?x=1`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const text = await response.text();
      assert.match(text, /^# HELP sesame_test_total A test counter\.$/m);
      assert.match(text, /^# TYPE sesame_test_total counter$/m);
      assert.match(text, /^sesame_test_total 3$/m);
      const head = await fetch(`${url}/metrics`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), '');
    } finally {
      await listener.close();
    }
  });

  it('answers 404 on every other path and 405 to other methods', async () => {
    const { url, listener } = await serving();
    try {
      for (const path of ['/', '/metrics/', '/health-check', '/konnect/v1/token']) {
        assert.equal((await fetch(`${url}${path}`)).status, 404, path);
      }
      const post = await fetch(`${url}/metrics`, { method: 'POST' });
      assert.equal(post.status, 405);
      assert.equal(post.headers.get('allow'), 'GET, HEAD');
    } finally {
      await listener.close();
    }
  });

  it('says which address it could not take, and stops listening on close', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const listener = createMetricsListener({
        registry: new Registry(),
        listen: { host: '127.0.0.1', port },
        log,
      });
      await assert.rejects(
        listener.listen(),
        new RegExp(`cannot serve metrics on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`),
      );
      await listener.close();
    } finally {
      blocker.close();
    }
    const { url, listener } = await serving();
    await listener.close();
    await listener.close();
    await assert.rejects(fetch(`${url}/metrics`));
  });
});
