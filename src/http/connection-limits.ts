import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { Clock } from '../lib/clock.js';

/**
 * How often Node checks requests still arriving against the headers and request timeouts. Its
 * default, 30 s, would let a slow client keep a connection up to that much past its timeout.
 */
const CHECK_INTERVAL_MS = 1000;

/** While connections are refused, one warning per this interval, with how many were refused. */
const REFUSAL_WARN_INTERVAL_MS = 60_000;

/** The shortest a connection may be idle both ways before it is closed, ms. */
const MIN_CONNECTION_TIMEOUT_MS = 120_000;

/** The Fastify server options {@link timeoutOptions} sets. */
export interface TimeoutOptions {
  readonly requestTimeout: number;
  readonly connectionTimeout: number;
  readonly keepAliveTimeout: number;
  readonly http: {
    readonly requestTimeout: number;
    readonly headersTimeout: number;
    readonly connectionsCheckingInterval: number;
  };
}

/**
 * Fastify server options applying `config.http` (issue 7 item 1), all in milliseconds:
 * - `requestTimeout`: a request, headers and body, must have arrived within it, else Node
 *   answers 408 and closes the connection. It applies only while the request is arriving: no
 *   handler has run for it yet (its body fails to read, so none will), and a request that has
 *   fully arrived is not cut off by it.
 * - `headersTimeout`: the headers must have arrived within it, on a new connection that sends
 *   nothing as well. Node requires it to be no longer than the request timeout; it is capped
 *   at that.
 * - `keepAliveTimeout`: an idle connection between two requests is closed after it.
 * - `connectionTimeout`: a connection without traffic either way for twice the request
 *   timeout, and at least two minutes, is closed, so a client that stops reading, or a handler
 *   that never answers, cannot keep a connection (and its place under `maxConnections`) for
 *   ever. It is that long because a socket is idle while its handler waits: a sign-in against
 *   a slow directory (search, bind, a retry on a stale connection, each with its own LDAP
 *   timeout) must still get its answer.
 */
export function timeoutOptions(http: Config['http']): TimeoutOptions {
  const requestTimeout = http.requestTimeoutSeconds * 1000;
  const headersTimeout = Math.min(http.headersTimeoutSeconds * 1000, requestTimeout);
  return {
    requestTimeout,
    connectionTimeout: Math.max(2 * requestTimeout, MIN_CONNECTION_TIMEOUT_MS),
    keepAliveTimeout: http.keepAliveTimeoutSeconds * 1000,
    // Given to Node's createServer, which checks them together (Fastify sets requestTimeout
    // again after it, to the same value).
    http: {
      requestTimeout,
      headersTimeout,
      connectionsCheckingInterval: Math.min(CHECK_INTERVAL_MS, headersTimeout),
    },
  };
}

/**
 * Refuses connections beyond `maxConnections` open at once: Node closes each further one as
 * it arrives, before reading anything. While that happens, a warning is logged at most once a
 * minute with the number refused since the last one.
 */
export function capConnections(server: Server, maxConnections: number, log: Logger, clock: Clock): void {
  server.maxConnections = maxConnections;
  let refused = 0;
  let warnedAt = -Infinity;
  server.on('drop', (peer) => {
    refused++;
    const now = clock.now();
    if (now - warnedAt < REFUSAL_WARN_INTERVAL_MS) return;
    log.warn(
      { maxConnections, refused, address: peer?.remoteAddress },
      'connection limit reached (http.max_connections); refusing new connections',
    );
    warnedAt = now;
    refused = 0;
  });
}
