import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { paths } from '../endpoints/paths.js';
import { healthCheck } from '../endpoints/static/handler.js';
import type { Route } from './routes.js';
import { buildServer } from './server.js';
import { startTestServer } from './test-fixture.js';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly header?: string;
  readonly address?: string;
  readonly setting?: string;
}

const ROUTES: Route[] = [{ methods: ['GET'], path: paths.healthCheck, audience: 'api', handle: healthCheck }];
const servers: FastifyInstance[] = [];
after(async () => {
  for (const server of servers) await server.close();
});

/** A server as `sesame serve` builds it, with `trustedProxies`, logging into `lines`. */
async function serverTrusting(trustedProxies: string[]) {
  const base = await startTestServer({ routes: () => [] });
  await base.close();
  const lines: LogLine[] = [];
  const log = pino(
    { level: 'debug' },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  const app = await buildServer({
    deps: { ...base.deps, log, config: { ...base.deps.config, trustedProxies } },
    routes: ROUTES,
  });
  servers.push(app);
  const get = (remoteAddress: string, forwardedFor?: string) =>
    app.inject({
      method: 'GET',
      url: paths.healthCheck,
      remoteAddress,
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    });
  const warnings = () => lines.filter((line) => line.level === 40);
  return { get, warnings };
}

describe('warnings about client addresses the throttle counts', () => {
  it('warns at start that, without trusted_proxies, address limits apply to a proxy', async () => {
    const { warnings } = await serverTrusting([]);
    assert.equal(warnings().length, 1);
    assert.equal(warnings()[0]?.setting, 'trusted_proxies');
    assert.match(warnings()[0]?.msg ?? '', /trusted_proxies is empty: .*address limits apply to the proxy/);
  });

  it('warns once, naming header, address and setting, when X-Forwarded-For comes from an untrusted peer', async () => {
    const { get, warnings } = await serverTrusting([]);
    await get('192.0.2.50');
    assert.equal(warnings().length, 1, 'no warning for a request without the header');
    const response = await get('192.0.2.50', '203.0.113.9');
    assert.equal(response.statusCode, 200);
    await get('192.0.2.51', '203.0.113.10');
    const forwarded = warnings().slice(1);
    assert.equal(forwarded.length, 1, 'once per process');
    assert.deepEqual(
      [forwarded[0]?.header, forwarded[0]?.address, forwarded[0]?.setting],
      ['X-Forwarded-For', '192.0.2.50', 'trusted_proxies'],
    );
    assert.match(forwarded[0]?.msg ?? '', /X-Forwarded-For.*192\.0\.2\.50.*trusted_proxies/);
  });

  it('says nothing about a trusted proxy, and warns about another peer sending the header', async () => {
    const { get, warnings } = await serverTrusting(['10.0.0.1']);
    assert.equal(warnings().length, 0, 'no start warning with trusted_proxies set');
    await get('10.0.0.1', '203.0.113.9');
    await get('10.0.0.1', '203.0.113.9, 198.51.100.4');
    assert.equal(warnings().length, 0);
    await get('192.0.2.77', '203.0.113.9');
    assert.deepEqual(
      warnings().map((line) => line.address),
      ['192.0.2.77'],
    );
  });
});
