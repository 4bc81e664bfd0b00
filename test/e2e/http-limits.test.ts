// What a slow or greedy client can hold of a running server (issue 7 item 1): a request body
// trickled byte by byte is cut off at http.request_timeout, idle connections at
// http.headers_timeout and http.keep_alive_timeout, and connections beyond
// http.max_connections are refused — while everyone else is served.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSesame, type RunningSesame } from '../helpers/sesame-process.js';

const REQUEST_TIMEOUT_S = 3;
const HEADERS_TIMEOUT_S = 1;
const KEEP_ALIVE_TIMEOUT_S = 1;
const MAX_CONNECTIONS = 5;
/** Node checks the two timeouts about once a second; this much lateness is allowed. */
const SLACK_MS = 2500;

let sesame: RunningSesame;
before(async () => {
  sesame = await startSesame({
    registration:
      'clients:\n  - id: app\n    secret: app-secret-123456\n    insecure: yes\n    redirect_uris: [http://127.0.0.1:9/cb]\n',
    extraConfig: [
      'http:',
      `  request_timeout: ${REQUEST_TIMEOUT_S}`,
      `  headers_timeout: ${HEADERS_TIMEOUT_S}`,
      `  keep_alive_timeout: ${KEEP_ALIVE_TIMEOUT_S}`,
      `  max_connections: ${MAX_CONNECTIONS}`,
    ].join('\n'),
  });
  // The readiness check's keep-alive connection must be gone before connections are counted.
  await sleep(KEEP_ALIVE_TIMEOUT_S * 1000 + 500);
});
after(async () => {
  await sesame?.stop();
});

/** A raw connection to Sesame that records what it receives and when it is closed. */
interface Connection {
  readonly socket: Socket;
  received(): string;
  /** Resolves with the milliseconds from connecting until the server closed it. */
  readonly closed: Promise<number>;
}

async function open(): Promise<Connection> {
  const socket = connect(sesame.port, '127.0.0.1');
  let text = '';
  const started = Date.now();
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', () => {}); // a reset counts as closed
  const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - started)));
  await new Promise<void>((done, fail) => {
    socket.once('connect', done);
    socket.once('error', fail);
  });
  return { socket, received: () => text, closed };
}

/** Resolves with `promise`'s value, or with null when it takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  const timer = sleep(ms).then(() => null);
  return Promise.race([promise, timer]);
}

/** A GET /health-check on a connection of its own; resolves with the status line, or null. */
async function healthCheck(): Promise<string | null> {
  const c = await open();
  c.socket.write(`GET /health-check HTTP/1.1\r\nHost: 127.0.0.1:${sesame.port}\r\nConnection: close\r\n\r\n`);
  await within(c.closed, 2000);
  c.socket.destroy();
  const status = /^HTTP\/1\.1 \d{3}[^\r]*/.exec(c.received());
  return status ? status[0] : null;
}

describe('http limits', () => {
  it('cuts off a request body trickled byte by byte, while serving other clients meanwhile', async () => {
    const slow = await open();
    slow.socket.write(
      'POST /konnect/v1/token HTTP/1.1\r\n' +
        `Host: 127.0.0.1:${sesame.port}\r\n` +
        'Content-Type: application/x-www-form-urlencoded\r\n' +
        'Content-Length: 10000\r\n\r\n',
    );
    const trickle = setInterval(() => {
      if (!slow.socket.destroyed) slow.socket.write('a');
    }, 100);
    try {
      for (let i = 0; i < 4; i++) {
        await sleep(500);
        assert.equal(await healthCheck(), 'HTTP/1.1 200 OK', 'another client is served meanwhile');
      }
      const closedAfter = await within(slow.closed, REQUEST_TIMEOUT_S * 1000 + SLACK_MS);
      assert.notEqual(closedAfter, null, 'the trickled request is still open after the request timeout');
      assert.match(slow.received(), /^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(trickle);
      slow.socket.destroy();
    }
    // Its request ended on the server too: the body read failed and went through the error
    // boundary, so nothing is left waiting for the rest of the body.
    const refused = (line: string) =>
      line.includes('"request refused"') && line.includes('"detail":"aborted"');
    // The 408 goes out before the handler's body read fails; on a busy machine the log line
    // follows a moment later.
    const deadline = Date.now() + 5000;
    while (!sesame.logs().split('\n').some(refused) && Date.now() < deadline) await sleep(50);
    assert.ok(sesame.logs().split('\n').some(refused), 'the server logged the aborted request');
    assert.equal(await healthCheck(), 'HTTP/1.1 200 OK');
  });

  it('refuses connections beyond max_connections, and serves again once idle ones time out', async () => {
    const idle = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => open()));
    try {
      await sleep(200); // the server has accepted them
      const extra = await open();
      extra.socket.write(`GET /health-check HTTP/1.1\r\nHost: 127.0.0.1:${sesame.port}\r\n\r\n`);
      assert.notEqual(await within(extra.closed, 1000), null, 'the extra connection is closed at once');
      assert.equal(extra.received(), '', 'and gets no answer');

      // Connections that send nothing are closed at the headers timeout, freeing their places.
      const idleFor = await within(
        Promise.all(idle.map((c) => c.closed)),
        HEADERS_TIMEOUT_S * 1000 + SLACK_MS,
      );
      assert.notEqual(idleFor, null, 'idle connections are still open after the headers timeout');
    } finally {
      for (const c of idle) c.socket.destroy();
    }
    assert.equal(await healthCheck(), 'HTTP/1.1 200 OK');
    assert.match(sesame.logs(), /connection limit reached \(http\.max_connections\)/);
  });

  it('closes a kept-alive connection after keep_alive_timeout without requests', async () => {
    const c = await open();
    c.socket.write(`GET /health-check HTTP/1.1\r\nHost: 127.0.0.1:${sesame.port}\r\n\r\n`);
    await sleep(300);
    assert.match(c.received(), /^HTTP\/1\.1 200 OK/);
    assert.match(c.received(), /keep-alive/i);
    const closedAfter = await within(c.closed, KEEP_ALIVE_TIMEOUT_S * 1000 + SLACK_MS);
    c.socket.destroy();
    assert.notEqual(closedAfter, null, 'the idle connection is still open after the keep-alive timeout');
  });
});
