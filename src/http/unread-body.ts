import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Body bytes read and thrown away after an answer to a request whose body was not read,
 * before the connection is cut anyway: well past anything a client sends Sesame by mistake.
 */
export const MAX_DISCARDED_BYTES = 8 * 1024 * 1024;

export interface UnreadBodyOptions {
  /** The largest body accepted (Fastify's `bodyLimit`). */
  readonly bodyLimit: number;
  /** How long the rest of an unread body may keep arriving after the answer, ms. */
  readonly lingerMs: number;
}

/**
 * Makes sure a client whose request body Sesame will not read still gets the answer — a 413
 * for a body over the limit, with the usual JSON or HTML error — instead of a reset connection:
 *
 * - A client that asks before sending its body (`Expect: 100-continue`, RFC 9110 §10.1.1) with
 *   a `Content-Length` over `bodyLimit` is not invited to send it: the 413 comes at once.
 * - After an answer with `Connection: close` to a request whose body has not fully arrived
 *   (Fastify answers a body over the limit that way, whether `Content-Length` declared it or a
 *   chunked body grew past it), the connection is closed in stages (RFC 9112 §9.6): the answer
 *   and a FIN go out, then what the client still sends is read and thrown away until its body
 *   has arrived, it closes its side, {@link MAX_DISCARDED_BYTES} are read, or `lingerMs` has
 *   passed — and only then is the socket closed. Node closes it at once, and the kernel resets
 *   a connection closed with unread data, which discards the answer on its way to the client.
 * - A further request arriving on such a connection (pipelined after the body) is not served:
 *   the connection was declared closed.
 */
export function answerUnreadBodies(app: FastifyInstance, options: UnreadBodyOptions): void {
  const closing = new WeakSet<Socket>();

  app.server.on('checkContinue', (request, response) => {
    if (!declaredOverLimit(request, options.bodyLimit)) response.writeContinue();
    app.server.emit('request', request, response);
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!closing.has(request.raw.socket)) return;
    reply.hijack();
    request.raw.socket.destroy();
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const connection = String(reply.getHeader('connection') ?? '').toLowerCase();
    if (connection === 'close' && !request.raw.complete)
      lingerOnClose(request.raw, options.lingerMs, closing);
    return payload;
  });
}

function declaredOverLimit(request: IncomingMessage, bodyLimit: number): boolean {
  const length = Number(request.headers['content-length']);
  return Number.isFinite(length) && length > bodyLimit;
}

/**
 * Replaces the immediate close Node performs once the `Connection: close` answer has been
 * written (`socket.destroySoon()`) with the staged close described at
 * {@link answerUnreadBodies}. Node still reads the socket meanwhile and discards the body, as
 * it does for any body nobody reads.
 */
function lingerOnClose(request: IncomingMessage, lingerMs: number, closing: WeakSet<Socket>): void {
  const socket = request.socket;
  if (socket.destroyed || closing.has(socket)) return;
  closing.add(socket);
  socket.destroySoon = () => {
    let discarded = 0;
    let closed = false;
    /** Closes once the answer and the FIN have gone out; `now` does not wait for that. */
    const close = (now: boolean): void => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      request.off('data', count);
      // Destroying before the answer is flushed would drop it: wait until it has been sent.
      if (now || socket.writableFinished) socket.destroy();
      else socket.once('finish', () => socket.destroy());
    };
    const count = (chunk: Buffer): void => {
      discarded += chunk.length;
      if (discarded > MAX_DISCARDED_BYTES) close(true);
    };
    const timer = setTimeout(() => close(true), lingerMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.once('end', () => close(false));
    request.on('data', count);
    request.once('end', () => close(false));
    socket.end();
  };
}
