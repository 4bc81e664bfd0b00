import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/**
 * Tells the operator when the client addresses Sesame sees — which the sign-in throttle counts
 * failures under — are likely to be a reverse proxy's rather than the clients':
 *
 * - at once, when `trusted_proxies` is empty: every address is then the connecting peer's;
 * - the first time a request carries `X-Forwarded-For` from a peer that is not trusted (the
 *   header is then ignored). Once per server, so once per process: the point is to be seen,
 *   not to log every request of a misconfigured proxy.
 */
export function warnAboutClientAddresses(
  app: FastifyInstance,
  trustedProxies: readonly string[],
  log: Logger,
): void {
  if (trustedProxies.length === 0) {
    log.warn(
      { setting: 'trusted_proxies' },
      'trusted_proxies is empty: behind a reverse proxy, the sign-in throttle counts every client as the proxy, so its address limits apply to the proxy; list the proxy in trusted_proxies',
    );
  }
  let warned = false;
  app.addHook('onRequest', async (request) => {
    if (warned) return;
    const forwarded = request.headers['x-forwarded-for'];
    if (forwarded === undefined || String(forwarded).trim() === '') return;
    // With trusted proxies, Fastify lists the peer and, only when the peer is trusted, the
    // addresses it forwarded for.
    if (trustedProxies.length > 0 && (request.ips?.length ?? 0) > 1) return;
    warned = true;
    const address = request.socket.remoteAddress ?? request.ip;
    log.warn(
      { header: 'X-Forwarded-For', address, setting: 'trusted_proxies' },
      `a request from ${address} carries X-Forwarded-For, which is ignored because ${address} is not in trusted_proxies; if it is a reverse proxy of yours, add it there, or the sign-in throttle counts everyone behind it as ${address} (logged once)`,
    );
  });
}
