// A request body over the limit gets an HTTP answer, not a reset connection (issue 8): 413
// with the usual JSON (userinfo) or HTML page (end_session), then a clean close — whether the
// client declared the length or streams a chunked body, whether it reads while uploading or
// only once it has sent everything.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { paths } from '../../src/endpoints/paths.js';
import { MAX_DISCARDED_BYTES } from '../../src/http/unread-body.js';
import { startSesame, type RunningSesame } from '../helpers/sesame-process.js';

/** The size of the upload in the issue. */
const UPLOAD = 5 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'a');
const FORM = 'application/x-www-form-urlencoded';

let sesame: RunningSesame;
before(async () => {
  sesame = await startSesame({
    registration:
      'clients:\n  - id: app\n    secret: app-secret-123456\n    insecure: yes\n    redirect_uris: [http://127.0.0.1:9/cb]\n',
  });
});
after(async () => {
  await sesame?.stop();
});

/** What a raw client got: the bytes it read, and how the connection ended. */
interface RawResult {
  readonly received: string;
  /** The socket error, e.g. `ECONNRESET`; undefined when the server closed cleanly. */
  readonly error: string | undefined;
}

interface RawUpload {
  readonly path: string;
  readonly framing: 'content-length' | 'chunked';
  /** Read nothing until the whole body is written, as a client that does not watch for an early answer. */
  readonly readAfterUpload?: boolean;
  readonly extraHeaders?: string;
  /** Written after the body: a request pipelined behind it. */
  readonly trailer?: string;
}

/** Uploads a 5 MiB form body on a raw connection and collects everything until the server closes. */
function rawUpload(upload: RawUpload): Promise<RawResult> {
  return new Promise((done) => {
    const socket = connect(sesame.port, '127.0.0.1');
    if (upload.readAfterUpload) socket.pause();
    let received = '';
    let error: string | undefined;
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code));
    socket.on('close', () => done({ received, error }));
    const chunked = upload.framing === 'chunked';
    socket.write(
      `POST ${upload.path} HTTP/1.1\r\nHost: 127.0.0.1:${sesame.port}\r\nContent-Type: ${FORM}\r\n` +
        (upload.extraHeaders ?? '') +
        (chunked ? 'Transfer-Encoding: chunked\r\n\r\n' : `Content-Length: ${UPLOAD}\r\n\r\n`),
    );
    const frame = chunked
      ? Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')])
      : CHUNK;
    let sent = 0;
    const pump = (): void => {
      while (sent < UPLOAD && !socket.destroyed) {
        sent += CHUNK.length;
        if (!socket.write(frame)) {
          socket.once('drain', pump);
          return;
        }
      }
      if (chunked) socket.write('0\r\n\r\n');
      if (upload.trailer !== undefined) socket.write(upload.trailer);
      socket.resume();
    };
    pump();
  });
}

/** The status line and the body of one HTTP/1.1 response with a Content-Length. */
function parseResponse(text: string): { status: number; headers: string; body: string } {
  const end = text.indexOf('\r\n\r\n');
  assert.ok(end > 0, `an HTTP response, not ${JSON.stringify(text.slice(0, 80))}`);
  const headers = text.slice(0, end);
  const length = Number(/\r\ncontent-length: *(\d+)/i.exec(headers)?.[1]);
  return {
    status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(headers)?.[1]),
    headers,
    body: Buffer.from(text.slice(end + 4), 'latin1')
      .subarray(0, length)
      .toString('utf8'),
  };
}

const targets = [
  {
    name: 'userinfo',
    path: paths.userinfo,
    check(body: string, type: string) {
      assert.match(type, /^application\/json/);
      assert.deepEqual(JSON.parse(body), {
        error: 'invalid_request',
        error_description: 'The request body is too large.',
      });
    },
  },
  {
    name: 'end_session',
    path: paths.endSession,
    check(body: string, type: string) {
      assert.match(type, /^text\/html/);
      assert.match(body, /^<!doctype html>/i);
      assert.match(body, /<h1\b/);
    },
  },
] as const;

describe('a 5 MiB POST gets a 413, then the connection closes cleanly', () => {
  for (const target of targets) {
    for (const framing of ['content-length', 'chunked'] as const) {
      it(`${target.name}, ${framing}, raw client reading only after its upload`, async () => {
        const result = await rawUpload({ path: target.path, framing, readAfterUpload: true });
        assert.equal(result.error, undefined, 'closed with a FIN, not reset');
        const response = parseResponse(result.received);
        assert.equal(response.status, 413);
        assert.match(response.headers, /\r\nconnection: close\r\n/i);
        target.check(response.body, /\r\ncontent-type: *([^\r]*)/i.exec(response.headers)?.[1] ?? '');
      });

      it(`${target.name}, ${framing}, fetch`, async () => {
        let sent = 0;
        const body =
          framing === 'content-length'
            ? new Uint8Array(UPLOAD).fill(97)
            : new ReadableStream<Uint8Array>({
                pull(controller) {
                  if (sent >= UPLOAD) return controller.close();
                  sent += CHUNK.length;
                  controller.enqueue(new Uint8Array(CHUNK));
                },
              });
        const response = await fetch(`${sesame.issuer}${target.path}`, {
          method: 'POST',
          headers: { 'content-type': FORM },
          body,
          duplex: 'half',
        } as RequestInit);
        assert.equal(response.status, 413);
        target.check(await response.text(), response.headers.get('content-type') ?? '');
      });
    }
  }

  it('asked first (Expect: 100-continue), it answers 413 without inviting the body', async () => {
    const socket = connect(sesame.port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.write(
      `POST ${paths.userinfo} HTTP/1.1\r\nHost: 127.0.0.1:${sesame.port}\r\nContent-Type: ${FORM}\r\n` +
        `Content-Length: ${UPLOAD}\r\nExpect: 100-continue\r\n\r\n`,
    );
    while (!received.includes('\r\n\r\n')) await new Promise((r) => setTimeout(r, 20));
    assert.match(received, /^HTTP\/1\.1 413 /, 'the final answer, no 100 Continue first');
    socket.end(); // the client gives up on its body and closes
    await closed;
  });

  it('still says 100 Continue to a body within the limit', async () => {
    const socket = connect(sesame.port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.write(
      `POST ${paths.userinfo} HTTP/1.1\r\nHost: 127.0.0.1:${sesame.port}\r\nContent-Type: ${FORM}\r\n` +
        'Content-Length: 9\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n',
    );
    while (!received.includes('\r\n\r\n')) await new Promise((r) => setTimeout(r, 20));
    assert.match(received, /^HTTP\/1\.1 100 Continue\r\n/);
    socket.write('a=b&c=d&e');
    await new Promise<void>((done) => socket.on('close', () => done()));
    assert.match(received, /\r\n\r\nHTTP\/1\.1 401 /, 'then userinfo’s answer: no token');
  });

  it('serves no request pipelined behind the refused body', async () => {
    const result = await rawUpload({
      path: paths.userinfo,
      framing: 'content-length',
      readAfterUpload: true,
      // An authorization request for an unknown client: handling it would log the client id.
      trailer:
        `GET ${paths.authorize}?client_id=pipelined-probe&redirect_uri=http://127.0.0.1:9/cb HTTP/1.1\r\n` +
        `Host: 127.0.0.1:${sesame.port}\r\n\r\n`,
    });
    assert.equal(parseResponse(result.received).status, 413);
    assert.equal(result.received.match(/HTTP\/1\.1 \d{3} /g)?.length, 1, 'one answer: the 413');
    // Handled or not shows in the debug log; the health check after it proves the log is current.
    assert.equal((await fetch(`${sesame.issuer}${paths.healthCheck}`)).status, 200);
    await new Promise((r) => setTimeout(r, 200));
    assert.doesNotMatch(sesame.logs(), /pipelined-probe/, 'the pipelined request was never handled');
  });

  it('reads no more than its bound from a client that never stops, once it has answered', async () => {
    const socket = connect(sesame.port, '127.0.0.1');
    let received = '';
    let sent = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => {}); // cut off: a reset is expected here
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.write(
      `POST ${paths.userinfo} HTTP/1.1\r\nHost: 127.0.0.1:${sesame.port}\r\nContent-Type: ${FORM}\r\n` +
        'Transfer-Encoding: chunked\r\n\r\n',
    );
    const frame = Buffer.concat([
      Buffer.from(`${CHUNK.length.toString(16)}\r\n`),
      CHUNK,
      Buffer.from('\r\n'),
    ]);
    const pump = (): void => {
      while (!socket.destroyed && sent < 20 * MAX_DISCARDED_BYTES) {
        sent += frame.length;
        if (!socket.write(frame)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
    await closed;
    assert.match(received, /^HTTP\/1\.1 413 /, 'the answer arrived while it was still sending');
    // What the two kernels buffer comes on top of what the server read.
    assert.ok(sent < 3 * MAX_DISCARDED_BYTES, `cut off after ${sent} bytes`);
  });

  it('keeps serving everyone else', async () => {
    const response = await fetch(`${sesame.issuer}${paths.healthCheck}`);
    assert.equal(response.status, 200);
  });
});
