// Two Sesame processes sharing one PostgreSQL schema behind one address (docs/deployment.md,
// "Several instances, PostgreSQL"): the same issuer, signing key, secret.key and registration
// file. A tiny reverse proxy in this test is "the one address"; the test chooses, step by step,
// which instance answers, and every step that depends on state another instance wrote is
// asserted with the instance named.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { openTestSchemas } from '../../src/storage/postgres/test-database.js';
import { freePort, sesameCli, startSesame, type RunningSesame } from '../helpers/sesame-process.js';
import { CookieJar, follow, signInThroughPages } from '../helpers/http-login.js';

const WEB_REDIRECT = 'http://127.0.0.1:9/cb';
const SECRET = 'wiki-secret-0123456789';
const alice = {
  username: 'alice',
  password: 'correct horse battery',
  email: 'alice@example.com',
  name: 'Alice Liddell',
};
const bob = { username: 'bob', password: 'another horse battery', email: 'bob@example.com', name: 'Bob' };

// Not trusted: the consent page is shown until the user allows, so consent is stored state too.
const registration = `
clients:
  - id: wiki
    name: Team Wiki
    secret: ${SECRET}
    insecure: yes
    redirect_uris: [${WEB_REDIRECT}]
    post_logout_redirect_uris: [http://127.0.0.1:9/bye]
`;

type Name = 'A' | 'B';

/** A reverse proxy on one port that forwards every request to the instance `target` names. */
class SwitchingProxy {
  target: Name = 'A';
  readonly #server: Server;
  readonly #ports: Record<Name, number>;

  constructor(ports: Record<Name, number>) {
    this.#ports = ports;
    this.#server = createServer((req, res) => {
      const upstream = httpRequest(
        {
          host: '127.0.0.1',
          port: this.#ports[this.target],
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
    });
  }

  listen(port: number): Promise<void> {
    return new Promise((done, fail) => {
      this.#server.once('error', fail);
      this.#server.listen(port, '127.0.0.1', () => done());
    });
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((done) => this.#server.close(() => done()));
  }
}

const schemas = await openTestSchemas();

if ('skip' in schemas) {
  describe('two Sesame instances on one PostgreSQL', { skip: schemas.skip }, () => {});
} else {
  describe('two Sesame instances on one PostgreSQL', () => {
    let proxy: SwitchingProxy;
    let issuer: string;
    let keyDir: string;
    const instances: Partial<Record<Name, RunningSesame>> = {};
    const instance = (name: Name): RunningSesame => instances[name]!;

    before(async () => {
      const { url } = await schemas.create();
      keyDir = await mkdtemp(join(tmpdir(), 'sesame-pg-keys-'));
      const keyFile = join(keyDir, 'signing.pem');
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      const proxyPort = await freePort();
      issuer = `http://127.0.0.1:${proxyPort}`;
      const shared = {
        issuer,
        registration,
        secretKey: randomBytes(32),
        extraConfig: [
          `storage: '${url}'`,
          'storage_pool_size: 3',
          'allow_dynamic_client_registration: true',
          'signing:',
          `  keys: [${keyFile}]`,
        ].join('\n'),
      };
      instances.A = await startSesame({ ...shared, users: [alice] });
      instances.B = await startSesame(shared);
      proxy = new SwitchingProxy({ A: instances.A.port, B: instances.B.port });
      await proxy.listen(proxyPort);
    });

    after(async () => {
      await proxy?.close();
      await instances.A?.stop();
      await instances.B?.stop();
      if (keyDir) await rm(keyDir, { recursive: true, force: true });
      await schemas.dropAll();
    });

    /** Points the one address at `name` for the requests that follow. */
    const at = (name: Name): void => {
      proxy.target = name;
    };

    const discover = async (): Promise<oidc.Configuration> =>
      oidc.discovery(new URL(issuer), 'wiki', undefined, oidc.ClientSecretBasic(SECRET), {
        execute: [oidc.allowInsecureRequests],
      });

    /** An authorization URL for the wiki with PKCE, nonce and state, and what checks its answer. */
    const authorization = async (
      config: oidc.Configuration,
      scope: string,
      extra: Record<string, string> = {},
    ) => {
      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: WEB_REDIRECT,
        scope,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        nonce,
        state,
        ...extra,
      });
      return {
        url: url.toString(),
        checks: { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state },
      };
    };

    /** Signs in through the pages at `signInAt` and redeems the code at `redeemAt`. */
    const signIn = async (
      config: oidc.Configuration,
      user: { username: string; password: string },
      signInAt: Name,
      redeemAt: Name,
      jar = new CookieJar(),
    ) => {
      const { url, checks } = await authorization(config, 'openid profile email offline_access');
      at(signInAt);
      const landed = await signInThroughPages(jar, issuer, url, user.username, user.password);
      assert.equal(
        landed.status,
        302,
        `sign-in at ${signInAt}: expected a redirect to the client, got ${landed.status} at ${landed.url}`,
      );
      assert.ok(landed.url.startsWith(WEB_REDIRECT), `sign-in at ${signInAt}: sent to ${landed.url}`);
      at(redeemAt);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(landed.url), {
        ...checks,
        idTokenExpected: true,
      });
      return { tokens, jar };
    };

    it('serves one browser and one client from either instance, step by step', async () => {
      at('A');
      const config = await discover();
      assert.equal(config.serverMetadata().issuer, issuer);

      // Sign in at A, code redeemed at B: the code, the grant and the signing key are shared.
      const { tokens, jar } = await signIn(config, alice, 'A', 'B');
      const sub = tokens.claims()!.sub;
      assert.ok(tokens.refresh_token, 'code redeemed at B: a refresh token for offline_access');

      // The JWKS is the same whichever instance answers.
      at('A');
      const jwksA = await (await fetch(`${issuer}/konnect/v1/jwks.json`)).json();
      at('B');
      const jwksB = await (await fetch(`${issuer}/konnect/v1/jwks.json`)).json();
      assert.deepEqual(jwksB, jwksA, 'A and B publish the same JWKS');

      // Userinfo at A with the access token B issued.
      at('A');
      const info = await oidc.fetchUserInfo(config, tokens.access_token, sub);
      assert.equal(info.preferred_username, alice.username, 'userinfo at A for a token issued by B');
      assert.equal(info.email, alice.email, 'userinfo at A for a token issued by B');

      // Refresh at B; the new access token works at A.
      at('B');
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
      assert.ok(refreshed.refresh_token, 'refresh at B: a new refresh token');
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'refresh at B rotates the token');
      assert.equal(refreshed.claims()?.sub, sub, 'refresh at B: the same sub');
      at('A');
      const again = await oidc.fetchUserInfo(config, refreshed.access_token, sub);
      assert.equal(again.sub, sub, 'userinfo at A for a token refreshed at B');

      // The session made at A is known at B: prompt=none gives a code there.
      const silent = await authorization(config, 'openid', { prompt: 'none' });
      at('B');
      const silentLanded = await follow(jar, issuer, silent.url);
      assert.ok(
        new URL(silentLanded.url).searchParams.get('code'),
        `prompt=none at B with the session from A: expected a code, got ${silentLanded.url}`,
      );

      // Log out at A; then prompt=none at B reports login_required.
      at('A');
      const endSession = oidc.buildEndSessionUrl(config, {
        id_token_hint: tokens.id_token!,
        post_logout_redirect_uri: 'http://127.0.0.1:9/bye',
        state: 'bye',
      });
      const loggedOut = await follow(jar, issuer, endSession.toString());
      assert.equal(
        loggedOut.url,
        'http://127.0.0.1:9/bye?state=bye',
        'end_session at A returns to the client',
      );
      const afterLogout = await authorization(config, 'openid', { prompt: 'none' });
      at('B');
      const refused = await follow(jar, issuer, afterLogout.url);
      assert.equal(
        new URL(refused.url).searchParams.get('error'),
        'login_required',
        `prompt=none at B after logout at A: got ${refused.url}`,
      );
    });

    it('sees built-in users added and removed by the CLI on the other instance at once', async () => {
      at('A');
      const config = await discover();
      const added = await sesameCli(
        [
          'user',
          'add',
          bob.username,
          '--email',
          bob.email,
          '--name',
          bob.name,
          '--password-stdin',
          '--config',
          instance('B').configFile,
        ],
        `${bob.password}\n`,
      );
      assert.equal(added.code, 0, `sesame user add against B's config: ${added.stderr}`);

      const { tokens } = await signIn(config, bob, 'A', 'A');
      const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
      assert.equal(info.email, bob.email, 'the user added against B signs in at A');

      const removed = await sesameCli(['user', 'remove', bob.username, '--config', instance('A').configFile]);
      assert.equal(removed.code, 0, `sesame user remove against A's config: ${removed.stderr}`);

      const { url } = await authorization(config, 'openid');
      at('B');
      const page = await signInThroughPages(new CookieJar(), issuer, url, bob.username, bob.password);
      assert.equal(page.status, 401, `sign-in at B of the removed user: got ${page.status} at ${page.url}`);
      assert.ok(page.url.startsWith(issuer), `sign-in at B of the removed user stays on Sesame: ${page.url}`);

      // Removing the user also ended its tokens: the refresh token fails at B.
      await assert.rejects(
        oidc.refreshTokenGrant(config, tokens.refresh_token!),
        (err: { error?: string }) => err.error === 'invalid_grant',
        'refresh at B of a removed user: invalid_grant',
      );
    });

    it('serves at B at once a client registered at A, and stops once it is deleted at A', async () => {
      at('A');
      const registered = await oidc.dynamicClientRegistration(
        new URL(issuer),
        { redirect_uris: [WEB_REDIRECT], application_type: 'native', client_name: 'Registered at A' },
        undefined,
        { execute: [oidc.allowInsecureRequests] },
      );
      const metadata = registered.clientMetadata();

      // Signed in and redeemed at B without waiting: B reads the new client when it is named.
      const { tokens } = await signIn(registered, alice, 'B', 'B');
      assert.ok(tokens.access_token, 'the client registered at A gets tokens at B');

      at('A');
      const deleted = await fetch(String(metadata.registration_client_uri), {
        method: 'DELETE',
        headers: { authorization: `Bearer ${String(metadata.registration_access_token)}` },
      });
      assert.equal(deleted.status, 204, 'the client deletes itself at A');

      // B follows within its sync interval (2 s): the client is then unknown there.
      const { url } = await authorization(registered, 'openid');
      at('B');
      let page = await follow(new CookieJar(), issuer, url);
      for (let tries = 0; tries < 50 && page.status !== 400; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        page = await follow(new CookieJar(), issuer, url);
      }
      assert.equal(page.status, 400, `authorization at B for the client deleted at A: got ${page.status}`);
      // "not registered" when B had dropped the client before the request, "no longer
      // registered" when it dropped it while the request was under way: both are right.
      assert.match(
        page.body,
        /(not|no longer) registered/,
        'B explains that the application is not registered',
      );
    });

    it('asks for consent again at B once it was withdrawn against A', async () => {
      at('A');
      const config = await discover();
      const { tokens, jar } = await signIn(config, alice, 'A', 'A');

      // Consent given and the session alive: B gives a code without asking.
      const before = await authorization(config, 'openid profile');
      at('B');
      const silent = await follow(jar, issuer, before.url);
      assert.ok(
        new URL(silent.url).searchParams.get('code'),
        `authorization at B with consent given at A: expected a code, got ${silent.url}`,
      );

      const revoked = await sesameCli([
        'user',
        'revoke',
        alice.username,
        'wiki',
        '--config',
        instance('A').configFile,
      ]);
      assert.equal(revoked.code, 0, `sesame user revoke against A's config: ${revoked.stderr}`);

      const next = await authorization(config, 'openid profile');
      at('B');
      const page = await follow(jar, issuer, next.url);
      assert.ok(
        page.url.startsWith(issuer) && page.url.includes('/signin/v1/consent'),
        `authorization at B after consent withdrawn against A: expected the consent page, got ${page.status} at ${page.url}`,
      );
      await assert.rejects(
        oidc.refreshTokenGrant(config, tokens.refresh_token!),
        (err: { error?: string }) => err.error === 'invalid_grant',
        'refresh at B after consent withdrawn against A: invalid_grant',
      );
    });
  });
}
