// A PostgreSQL outage as one Sesame process sees it: a TCP proxy between Sesame and
// PostgreSQL that the test cuts (every connection destroyed, new ones dropped at once) and
// restores. While cut, the protocol endpoints answer 503 temporarily_unavailable with
// Retry-After and /health-check answers 503; once restored, Sesame recovers by itself and what
// was committed before the cut (a refresh token) still works.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import * as oidc from 'openid-client';
import { openTestSchemas } from '../../src/storage/postgres/test-database.js';
import { freePort, startSesame, type RunningSesame } from '../helpers/sesame-process.js';
import { CookieJar, signInThroughPages } from '../helpers/http-login.js';

const WEB_REDIRECT = 'http://127.0.0.1:9/cb';
const SECRET = 'wiki-secret-0123456789';
const alice = {
  username: 'alice',
  password: 'correct horse battery',
  email: 'alice@example.com',
  name: 'Alice Liddell',
};
const registration = `
clients:
  - id: wiki
    name: Team Wiki
    secret: ${SECRET}
    insecure: yes
    trusted: yes
    redirect_uris: [${WEB_REDIRECT}]
`;

/** One proxied connection: the client's socket and the one to PostgreSQL. */
interface Link {
  readonly client: Socket;
  readonly upstream: Socket;
}

/**
 * A TCP proxy to PostgreSQL that can be cut (all connections destroyed at once, mid-query or
 * not, new ones dropped) and restored: what a database restart or failover looks like to
 * Sesame's pool.
 */
class CuttableProxy {
  readonly #server: Server;
  readonly #links = new Set<Link>();
  #up = true;
  #cutAtNextQuery = false;

  constructor(upstreamHost: string, upstreamPort: number) {
    this.#server = createServer((client) => {
      if (!this.#up) {
        client.destroy();
        return;
      }
      const upstream = connect(upstreamPort, upstreamHost);
      const link: Link = { client, upstream };
      this.#links.add(link);
      for (const socket of [client, upstream]) {
        socket.on('error', () => {});
        socket.on('close', () => {
          this.#links.delete(link);
          client.destroy();
          upstream.destroy();
        });
      }
      client.on('data', (chunk: Buffer) => {
        upstream.write(chunk);
        if (this.#cutAtNextQuery) {
          this.#cutAtNextQuery = false;
          this.cut();
        }
      });
      upstream.pipe(client);
    });
  }

  listen(port: number): Promise<void> {
    return new Promise((done, fail) => {
      this.#server.once('error', fail);
      this.#server.listen(port, '127.0.0.1', () => done());
    });
  }

  /**
   * Cuts as soon as Sesame sends PostgreSQL anything: a query is then in flight on a connection
   * checked out of Sesame's pool, the hardest moment for a database to go away.
   */
  cutAtNextQuery(): void {
    this.#cutAtNextQuery = true;
  }

  /** Refuses new connections and destroys every open one. */
  cut(): void {
    this.#up = false;
    this.#destroyAll();
  }

  restore(): void {
    this.#up = true;
  }

  #destroyAll(): void {
    for (const link of this.#links) {
      link.client.destroy();
      link.upstream.destroy();
    }
    this.#links.clear();
  }

  close(): Promise<void> {
    this.#up = false;
    this.#destroyAll();
    return new Promise((done) => this.#server.close(() => done()));
  }
}

const schemas = await openTestSchemas();

if ('skip' in schemas) {
  describe('PostgreSQL outage', { skip: schemas.skip }, () => {});
} else {
  describe('PostgreSQL outage', () => {
    let proxy: CuttableProxy;
    let sesame: RunningSesame;

    before(async () => {
      const { url } = await schemas.create();
      const direct = new URL(url);
      proxy = new CuttableProxy(direct.hostname, Number(direct.port || 5432));
      const proxyPort = await freePort();
      await proxy.listen(proxyPort);
      const throughProxy = new URL(url);
      throughProxy.hostname = '127.0.0.1';
      throughProxy.port = String(proxyPort);
      sesame = await startSesame({
        registration,
        users: [alice],
        extraConfig: `storage: '${throughProxy.href}'\nstorage_pool_size: 3`,
      });
    });

    after(async () => {
      await sesame?.stop();
      await proxy?.close();
      await schemas.dropAll();
    });

    const discover = async (): Promise<oidc.Configuration> =>
      oidc.discovery(new URL(sesame.issuer), 'wiki', undefined, oidc.ClientSecretBasic(SECRET), {
        execute: [oidc.allowInsecureRequests],
      });

    const codeFlow = async (config: oidc.Configuration) => {
      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: WEB_REDIRECT,
        scope: 'openid profile offline_access',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        nonce,
        state,
      });
      const landed = await signInThroughPages(
        new CookieJar(),
        sesame.issuer,
        url.toString(),
        alice.username,
        alice.password,
      );
      assert.equal(landed.status, 302, `sign-in: got ${landed.status} at ${landed.url}`);
      return oidc.authorizationCodeGrant(config, new URL(landed.url), {
        pkceCodeVerifier: verifier,
        expectedNonce: nonce,
        expectedState: state,
        idTokenExpected: true,
      });
    };

    const refreshRaw = async (refreshToken: string): Promise<Response> =>
      fetch(`${sesame.issuer}/konnect/v1/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`wiki:${SECRET}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      });

    /** Polls /health-check until it answers `status`, for at most `ms`; returns the last status. */
    const healthUntil = async (status: number, ms: number): Promise<number> => {
      const deadline = Date.now() + ms;
      let last: number;
      for (;;) {
        try {
          last = (await fetch(`${sesame.issuer}/health-check`)).status;
        } catch {
          last = 0;
        }
        if (last === status || Date.now() > deadline) return last;
        await new Promise((r) => setTimeout(r, 250));
      }
    };

    it('answers 503 while the database is cut off, and recovers with what was committed', async () => {
      const config = await discover();
      const first = await codeFlow(config);
      assert.ok(first.refresh_token, 'a refresh token for offline_access');
      const sub = first.claims()!.sub;
      // A refresh token obtained by a rotation, committed before the cut.
      const beforeCut = await oidc.refreshTokenGrant(config, first.refresh_token);
      assert.ok(beforeCut.refresh_token);
      const kept = beforeCut.refresh_token;

      // Mid-query: the refresh below (or a background poll) loses its connection while it holds
      // it. Sesame must answer 503 and stay up.
      proxy.cutAtNextQuery();

      // The token endpoint: 503, Retry-After, temporarily_unavailable; the refresh token is not spent.
      const token = await refreshRaw(kept);
      const tokenBody = (await token.json()) as Record<string, unknown>;
      assert.equal(token.status, 503, `token endpoint while cut: ${JSON.stringify(tokenBody)}`);
      assert.match(token.headers.get('retry-after') ?? '', /^\d+$/, 'token endpoint while cut: Retry-After');
      assert.equal(tokenBody.error, 'temporarily_unavailable');
      assert.match(token.headers.get('content-type') ?? '', /^application\/json/);

      // Userinfo: 503.
      const info = await fetch(`${sesame.issuer}/konnect/v1/userinfo`, {
        headers: { authorization: `Bearer ${beforeCut.access_token}` },
      });
      assert.equal(info.status, 503, `userinfo while cut: ${await info.text()}`);

      // /health-check: 503 (its answer is cached for a second), and the process still answers.
      assert.equal(await healthUntil(503, 5000), 503, '/health-check while cut');
      const down = await fetch(`${sesame.issuer}/health-check`);
      assert.equal(down.status, 503, '/health-check while cut, again');
      assert.ok(down.headers.get('retry-after'), '/health-check while cut: Retry-After');

      proxy.restore();

      assert.equal(await healthUntil(200, 20_000), 200, '/health-check after restore, within 20 s');

      // The refresh token committed before the cut still refreshes, and the new tokens work.
      const after = await oidc.refreshTokenGrant(config, kept);
      assert.ok(after.refresh_token, 'refresh after restore: a new refresh token');
      assert.equal(after.claims()?.sub, sub);
      const userinfo = await oidc.fetchUserInfo(config, after.access_token, sub);
      assert.equal(userinfo.preferred_username, alice.username, 'userinfo after restore');

      // And a whole new sign-in works.
      const fresh = await codeFlow(config);
      assert.equal(fresh.claims()?.sub, sub, 'sign-in after restore');
    });
  });
}
