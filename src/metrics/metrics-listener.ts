import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** The one path served. */
export const METRICS_PATH = '/metrics';
/** Scrapers are few; anything beyond this is refused at connect. */
const MAX_CONNECTIONS = 32;
const TIMEOUT_MS = 10_000;

export interface MetricsListenerOptions {
  readonly registry: Registry;
  /** `metrics.listen` (sesame.yaml) or `--metrics-listen` (konnectd). */
  readonly listen: { readonly host: string; readonly port: number };
  readonly log: Logger;
}

/** The metrics' own HTTP listener; never the public port. */
export interface MetricsListener {
  /**
   * Binds the address; resolves with it as `host:port`. Rejects when it cannot (port taken,
   * address not available), as the public port's listen does.
   */
  listen(): Promise<string>;
  /** Stops listening and closes its connections; idempotent, and fine when never listening. */
  close(): Promise<void>;
}

/**
 * Serves the registry at `GET /metrics` (and HEAD) in Prometheus' text exposition format
 * 0.0.4 (`text/plain; version=0.0.4`), on an address of its own, without authentication: bind
 * it to loopback or an internal network. Every other path is 404, other methods on
 * `/metrics` 405; the query string is ignored.
 */
export function createMetricsListener(options: MetricsListenerOptions): MetricsListener {
  const { registry, listen, log } = options;
  let server: Server | null = null;
  return {
    async listen() {
      const created = createServer({ requestTimeout: TIMEOUT_MS, headersTimeout: TIMEOUT_MS }, (req, res) => {
        void answer(req, res, registry, log);
      });
      created.maxConnections = MAX_CONNECTIONS;
      created.keepAliveTimeout = TIMEOUT_MS / 2;
      await new Promise<void>((resolve, reject) => {
        const fail = (error: Error) =>
          reject(
            new Error(`cannot serve metrics on ${listen.host}:${listen.port}: ${error.message}`, {
              cause: error,
            }),
          );
        created.once('error', fail);
        created.listen(listen.port, listen.host, () => {
          created.off('error', fail);
          resolve();
        });
      });
      server = created;
      const address = created.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `${host}:${address.port}`;
    },
    async close() {
      const closing = server;
      server = null;
      if (closing === null) return;
      await new Promise<void>((resolve) => {
        closing.close(() => resolve());
        closing.closeAllConnections();
      });
    },
  };
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  registry: Registry,
  log: Logger,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== METRICS_PATH) return reply(res, 404, 'not found\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return reply(res, 405, 'method not allowed\n');
  }
  let body: string;
  try {
    body = await registry.metrics();
  } catch (error) {
    log.error({ err: error }, 'collecting metrics failed');
    return reply(res, 500, 'collecting metrics failed\n');
  }
  res.writeHead(200, {
    'content-type': registry.contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
