import { createServer, type Server } from 'node:http';

/** One request the relying party's callback received. */
export interface Callback {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

export interface RelyingParty {
  /** `http://127.0.0.1:<port>/cb`, the redirect_uri to register. */
  readonly redirectUri: string;
  /** Every request to `/cb` so far, oldest first. */
  readonly callbacks: readonly Callback[];
  /** The newest callback; throws when there was none. */
  last(): Callback;
  stop(): Promise<void>;
}

/**
 * A stand-in for the relying party's web server: a loopback HTTP server whose `/cb` records
 * the query it receives and answers 200 "ok". Anything else (e.g. the browser's favicon
 * request) gets a 404 and is not recorded.
 */
export async function startRelyingParty(): Promise<RelyingParty> {
  const callbacks: Callback[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/cb') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    callbacks.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
    });
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok');
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('relying party has no port');
  return {
    redirectUri: `http://127.0.0.1:${address.port}/cb`,
    callbacks,
    last() {
      const callback = callbacks.at(-1);
      if (callback === undefined) throw new Error('the relying party received no callback');
      return callback;
    },
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
