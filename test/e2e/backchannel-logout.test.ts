// OpenID Connect Back-Channel Logout 1.0 with a real `sesame serve` and a relying party's
// back-channel endpoint on loopback: signing out sends the RP a logout token it verifies with
// the published JWKS; a failing RP gets it on a later attempt; a restart of Sesame between
// attempts loses nothing, because the deliveries wait in Sesame's database.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { CookieJar, follow, signInThroughPages } from '../helpers/http-login.js';
import { freePort, sesameCli } from '../helpers/sesame-process.js';
import { serveIn, type ServeRun } from '../helpers/serve-process.js';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const REDIRECT = 'http://127.0.0.1:9/cb';
const SECRET = 'rp-secret-0123456789';

/** The relying party's back-channel logout endpoint: records each POST, answers from a script. */
class BackchannelEndpoint {
  readonly tokens: string[] = [];
  /** Statuses to answer with, in order; 200 once they run out. */
  statuses: number[] = [];
  #server: Server | null = null;
  #waiters: (() => void)[] = [];
  uri = '';

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const ok =
          req.method === 'POST' && req.headers['content-type'] === 'application/x-www-form-urlencoded';
        this.tokens.push(ok ? (form.get('logout_token') ?? '') : '');
        const status = this.statuses.shift() ?? 200;
        res.writeHead(status, { 'cache-control': 'no-store' }).end();
        for (const wake of this.#waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((done) => this.#server?.listen(0, '127.0.0.1', done));
    this.uri = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/backchannel`;
  }

  /** Waits until `count` POSTs have arrived in all, for at most `ms`. */
  async received(count: number, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.tokens.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.tokens.length} of ${count} logout tokens arrived in ${ms} ms`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  reset(statuses: number[]): void {
    this.tokens.length = 0;
    this.statuses = statuses;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((done) => this.#server?.close(done));
  }
}

const rp = new BackchannelEndpoint();
let dir: string;
let issuer: string;
let configFile: string;
let sesame: ServeRun | null = null;

async function startSesame(): Promise<ServeRun> {
  const run = await serveIn(dir, { args: ['--config', configFile], issuer });
  assert.ok(run.ready, run.stderr());
  sesame = run;
  return run;
}

before(async () => {
  await rp.start();
  dir = await mkdtemp(join(tmpdir(), 'sesame-backchannel-'));
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  await writeFile(
    join(dir, 'identifier-registration.yaml'),
    [
      'clients:',
      '  - id: rp',
      `    secret: ${SECRET}`,
      '    insecure: yes',
      `    redirect_uris: [${REDIRECT}]`,
      `    backchannel_logout_uri: ${rp.uri}`,
      '    backchannel_logout_session_required: yes',
      '',
    ].join('\n'),
  );
  configFile = join(dir, 'sesame.yaml');
  await writeFile(
    configFile,
    [
      `issuer: ${issuer}`,
      `listen: 127.0.0.1:${port}`,
      'data_dir: ./data',
      'registration: ./identifier-registration.yaml',
      'log:',
      '  level: debug',
      '',
    ].join('\n'),
  );
  const added = await sesameCli(
    [
      'user',
      'add',
      'alice',
      '--email',
      'alice@example.com',
      '--name',
      'Alice',
      '--password-stdin',
      '--config',
      configFile,
    ],
    'alice password\n',
  );
  assert.equal(added.code, 0, added.stderr);
  await startSesame();
});

after(async () => {
  await sesame?.stop();
  await rp.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Signs Alice in for the RP through the pages and redeems the code: her ID token and browser. */
async function signIn(): Promise<{ jar: CookieJar; idToken: string }> {
  const jar = new CookieJar();
  const url = new URL('/signin/v1/identifier/_/authorize', issuer);
  url.search = new URLSearchParams({
    client_id: 'rp',
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid profile',
    state: 's',
    nonce: 'n',
  }).toString();
  const landed = await signInThroughPages(jar, issuer, url.toString(), 'alice', 'alice password');
  const code = new URL(landed.url).searchParams.get('code');
  assert.ok(code, `a code: ${landed.url} ${landed.body.slice(0, 300)}`);
  const response = await fetch(new URL('/konnect/v1/token', issuer), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`rp:${SECRET}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }).toString(),
  });
  const body = (await response.json()) as { id_token?: string };
  assert.equal(response.status, 200, JSON.stringify(body));
  assert.ok(body.id_token);
  return { jar, idToken: body.id_token };
}

/** RP-initiated logout with the ID token as hint: the session ends without a confirmation page. */
async function signOut(jar: CookieJar, idToken: string): Promise<void> {
  const url = new URL('/signin/v1/identifier/_/endsession', issuer);
  url.search = new URLSearchParams({ id_token_hint: idToken }).toString();
  const page = await follow(jar, issuer, url.toString());
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.body, /name="csrf"/, 'signed out at once, no confirmation asked');
}

/** What the relying party checks (Back-Channel Logout 1.0 §2.6), with the keys discovery names. */
async function verifyAsRelyingParty(token: string): Promise<JWTPayload> {
  const discovery = (await (await fetch(new URL('/.well-known/openid-configuration', issuer))).json()) as {
    jwks_uri: string;
  };
  const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
    issuer,
    audience: 'rp',
    typ: 'logout+jwt',
    requiredClaims: ['iat', 'exp', 'jti', 'sid'],
  });
  assert.deepEqual((payload['events'] as Record<string, unknown>)[EVENT], {});
  assert.equal('nonce' in payload, false);
  return payload;
}

describe('back-channel logout with a real sesame serve', () => {
  it('POSTs the relying party a logout token for the session it signed in to', async () => {
    rp.reset([]);
    const { jar, idToken } = await signIn();
    await signOut(jar, idToken);
    await rp.received(1, 10_000);

    const payload = await verifyAsRelyingParty(rp.tokens[0] ?? '');
    const claims = decodeJwt(idToken);
    assert.equal(payload['sid'], claims['sid'], 'the sid of the ID token');
    assert.equal(payload.sub, claims.sub, 'the sub of the ID token');
  });

  it('retries a relying party that failed twice and delivers on the third attempt', async () => {
    rp.reset([500, 503]);
    const { jar, idToken } = await signIn();
    await signOut(jar, idToken);
    await rp.received(3, 20_000);

    assert.equal(new Set(rp.tokens.map((t) => decodeJwt(t).jti)).size, 1, 'one logout event, three tries');
    const payload = await verifyAsRelyingParty(rp.tokens[2] ?? '');
    assert.equal(payload['sid'], decodeJwt(idToken)['sid']);
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal(rp.tokens.length, 3, 'nothing more once the relying party accepted it');
  });

  it('still delivers after Sesame restarts between two attempts', async () => {
    rp.reset([503]);
    const { jar, idToken } = await signIn();
    await signOut(jar, idToken);
    await rp.received(1, 10_000);
    await sesame?.stop();
    sesame = null;
    assert.equal(rp.tokens.length, 1, 'the retry is left to the next start');

    await startSesame();
    await rp.received(2, 20_000);
    const payload = await verifyAsRelyingParty(rp.tokens[1] ?? '');
    assert.equal(payload['sid'], decodeJwt(idToken)['sid']);
    assert.equal(decodeJwt(rp.tokens[1] ?? '').jti, decodeJwt(rp.tokens[0] ?? '').jti);
  });
});
