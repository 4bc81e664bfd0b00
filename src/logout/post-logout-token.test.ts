import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliveryPolicy } from './delivery-policy.js';
import { postLogoutToken } from './post-logout-token.js';

interface Received {
  readonly path: string;
  readonly method: string;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** A relying party's back-channel endpoint on loopback, answering each path its own way. */
let server: Server;
let base: string;
const received: Received[] = [];
let connections = 0;
const handlers: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => res.writeHead(200, { 'cache-control': 'no-store' }).end(),
  '/no-content': (res) => res.writeHead(204).end(),
  '/refuses': (res) =>
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_request"}'),
  '/redirects': (res) => res.writeHead(302, { location: '/ok' }).end(),
  '/endless-error': (res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    const chunk = 'x'.repeat(16 * 1024);
    const pump = (): void => {
      while (res.write(chunk));
      res.once('drain', pump);
    };
    pump();
  },
  '/silent': () => undefined,
};

before(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, method: req.method ?? '', contentType: req.headers['content-type'], body });
      (handlers[path] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

const never = new AbortController().signal;
/** A client of the registration file, which the operator may put on loopback. */
const fileClient = { publicAddressesOnly: false };
/** A dynamically registered client, whose URI anyone may have chosen. */
const dynamicClient = { publicAddressesOnly: true };
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzaWQiOiJzIn0.c2ln';

describe('POSTing a logout token to a back-channel logout URI', () => {
  it('sends logout_token as a form, and a 200 is delivered', async () => {
    const outcome = await postLogoutToken(`${base}/ok`, TOKEN, never, fileClient);
    assert.deepEqual(outcome, { kind: 'delivered', status: 200 });
    const request = received.findLast((r) => r.path === '/ok');
    assert.equal(request?.method, 'POST');
    assert.equal(request?.contentType, 'application/x-www-form-urlencoded');
    assert.deepEqual([...new URLSearchParams(request?.body)], [['logout_token', TOKEN]]);
  });

  it('takes any 2xx, such as 204, as delivered', async () => {
    assert.deepEqual(await postLogoutToken(`${base}/no-content`, TOKEN, never, fileClient), {
      kind: 'delivered',
      status: 204,
    });
  });

  it("reports a refusal with the start of the relying party's answer", async () => {
    assert.deepEqual(await postLogoutToken(`${base}/refuses`, TOKEN, never, fileClient), {
      kind: 'failed',
      reason: 'HTTP 400: {"error":"invalid_request"}',
    });
  });

  it('does not follow a redirect: only the registered URI gets the token', async () => {
    const before = received.filter((r) => r.path === '/ok').length;
    const outcome = await postLogoutToken(`${base}/redirects`, TOKEN, never, fileClient);
    assert.deepEqual(outcome, { kind: 'failed', reason: 'HTTP 302' });
    assert.equal(received.filter((r) => r.path === '/ok').length, before, 'nothing reached the target');
  });

  it('reads no more than a small bound of an endless error body', async () => {
    const started = Date.now();
    const outcome = await postLogoutToken(`${base}/endless-error`, TOKEN, never, fileClient);
    assert.equal(outcome.kind, 'failed');
    assert.match(outcome.kind === 'failed' ? outcome.reason : '', /^HTTP 500: x{200}$/);
    assert.ok(Date.now() - started < deliveryPolicy.timeoutMs, 'it did not wait for the body to end');
  });

  it('reports a refused connection as a failure', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const outcome = await postLogoutToken(`http://127.0.0.1:${port}/`, TOKEN, never, fileClient);
    assert.equal(outcome.kind, 'failed');
    assert.match(outcome.kind === 'failed' ? outcome.reason : '', /ECONNREFUSED/);
  });

  it('gives up on a relying party that does not answer within the timeout', async () => {
    const started = Date.now();
    const outcome = await postLogoutToken(`${base}/silent`, TOKEN, never, fileClient);
    const took = Date.now() - started;
    assert.deepEqual(outcome, { kind: 'failed', reason: `no answer within ${deliveryPolicy.timeoutMs} ms` });
    assert.ok(took >= deliveryPolicy.timeoutMs - 50 && took < deliveryPolicy.timeoutMs + 2000, `${took} ms`);
  });

  it('is interrupted, not failed, when Sesame stops meanwhile', async () => {
    const stopping = new AbortController();
    const pending = postLogoutToken(`${base}/silent`, TOKEN, stopping.signal, fileClient);
    setTimeout(() => stopping.abort(), 100);
    assert.deepEqual(await pending, { kind: 'interrupted' });
  });
});

describe('POSTing to the back-channel logout URI of a dynamically registered client', () => {
  const port = (): number => (server.address() as AddressInfo).port;

  it('refuses, without connecting, a host name that resolves to loopback', async () => {
    const before = connections;
    const outcome = await postLogoutToken(`http://localhost:${port()}/ok`, TOKEN, never, dynamicClient);
    assert.equal(outcome.kind, 'refused');
    assert.match(outcome.kind === 'refused' ? outcome.reason : '', /^localhost resolves to 127\.0\.0\.1,/);
    assert.equal(connections, before, 'no connection reached the local server');
  });

  it('refuses, without connecting, an address that is not public, however it is written', async () => {
    const before = connections;
    for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', '[::1]', '2130706433', '0x7f.0.0.1']) {
      const outcome = await postLogoutToken(`http://${host}:${port()}/ok`, TOKEN, never, dynamicClient);
      assert.equal(outcome.kind, 'refused', host);
    }
    assert.equal(connections, before, 'no connection reached the local server');
  });

  it("still POSTs to a registration file client's loopback URI, by name or by address", async () => {
    const before = received.filter((r) => r.path === '/ok').length;
    for (const host of ['localhost', '127.0.0.1']) {
      const outcome = await postLogoutToken(`http://${host}:${port()}/ok`, TOKEN, never, fileClient);
      assert.deepEqual(outcome, { kind: 'delivered', status: 200 }, host);
    }
    assert.equal(received.filter((r) => r.path === '/ok').length, before + 2);
  });
});
