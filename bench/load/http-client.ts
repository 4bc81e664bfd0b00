import { Agent, request, type IncomingHttpHeaders } from 'node:http';

/** One HTTP answer, body read in full. */
export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A plain-HTTP client over keep-alive connections, cheaper per request than fetch so that the
 * load generator is not what limits the figures. Loopback only: every URL must be http://127.0.0.1
 * or http://localhost.
 */
export class HttpClient {
  readonly #agent: Agent;
  readonly #timeoutMs: number;

  constructor(connections: number, timeoutMs = 30_000) {
    this.#agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Sends one request. A reused keep-alive connection that the server closed while it was idle
   * (ECONNRESET before any answer) is retried once on a new one, as Node's documentation advises
   * (`request.reusedSocket`): the server never saw that request.
   */
  async send(
    method: 'GET' | 'POST',
    url: string,
    headers: Record<string, string> = {},
    body?: string,
  ): Promise<Answer> {
    const target = new URL(url);
    if (target.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(target.hostname)) {
      throw new TypeError(`the load generator only talks to loopback over http, not ${url}`);
    }
    const all =
      body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    try {
      return await this.#once(method, target, all, body);
    } catch (error) {
      if (!(error instanceof StaleConnection)) throw error;
      return this.#once(method, target, all, body);
    }
  }

  #once(method: string, target: URL, headers: Record<string, string>, body?: string): Promise<Answer> {
    return new Promise((done, fail) => {
      const req = request(
        {
          agent: this.#agent,
          host: target.hostname,
          port: target.port,
          method,
          path: target.pathname + target.search,
          headers,
          timeout: this.#timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            done({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString(),
            }),
          );
          res.on('error', fail);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer from ${method} ${target.pathname} in time`)));
      req.on('error', (error: NodeJS.ErrnoException) =>
        fail(req.reusedSocket && error.code === 'ECONNRESET' ? new StaleConnection(error.message) : error),
      );
      req.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** A kept-alive connection the server had closed: the request never reached it. */
class StaleConnection extends Error {
  override name = 'StaleConnection';
}

/** A browser's cookies for one virtual user (all loopback ports share them, as in a browser). */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(answer: Answer): void {
    const lines = answer.headers['set-cookie'] ?? [];
    for (const line of lines) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
