// A Kopano Meet installation as Cloudron lays it out, for the tests in test/meet/: one origin
// (a small reverse proxy standing in for nginx) serves Meet's web app at /meet/ and passes every
// other path to `konnectd serve … ldap` (Sesame's Konnect front door) over a throw-away slapd.
// Chromium runs the app with oidc-client 1.9.1 (test/meet/meet-app.js).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { request as httpsRequest, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';
import { startSlapd, type RunningSlapd } from '../helpers/slapd.js';
import { freePort, waitUntilReady } from '../helpers/sesame-process.js';
import { kwmGuestLogon, type GuestLogonResult } from './kwm-guest-logon.js';

const repo = resolve(import.meta.dirname, '../..');
const konnectdEntry = join(repo, 'test/konnectd/run-konnectd.ts');
const tsx = import.meta.resolve('tsx');
/** The npm build of oidc-client that Meet's webpack bundles (its package.json `main`). */
const oidcClientBundle = join(repo, 'node_modules/oidc-client/lib/oidc-client.min.js');
const meetAppScript = join(import.meta.dirname, 'meet-app.js');

/** `skip` for node:test: a reason when this machine cannot run the Meet tests. */
export const skipReason: string | false =
  chromiumMissing ||
  (!existsSync('/usr/sbin/slapd')
    ? 'no slapd at /usr/sbin/slapd (install it with: apt-get install -y slapd ldap-utils)'
    : false);

/**
 * The https installation's host name, resolved to 127.0.0.1 by Chromium's host resolver rules
 * and by `send`: Cloudron serves Meet under a real name, and so does this test. `.test` is reserved
 * (RFC 6761 §6.2).
 */
const TLS_HOSTNAME = 'meet.cloudron.test';

/** kwmserver `--public-guest-access-regexp` as kopano-docker sets it. */
const PUBLIC_GUEST_PATHS = /^group\/public\/.*/;

export interface MeetHarnessOptions {
  /**
   * The proxy speaks https with a throw-away certificate (default), as Cloudron's nginx does;
   * libkcoidc refuses an issuer that is not https (kopano-meet.md req. 2). The issuer is then
   * `https://meet.cloudron.test:<port>`, and Chromium is told to accept the certificate. With
   * false the issuer is plain `http://127.0.0.1:<port>`.
   */
  readonly tls?: boolean;
  /** Meet's client is in identifier-registration.yaml (default); false: implicit trust only. */
  readonly registerMeet?: boolean;
  /** `allow_client_guests=yes` in konnectd.cfg (default false). */
  readonly allowGuests?: boolean;
  /**
   * identifier-scopes.yaml; default: a `kopano/kwm` entry with a description, as the Cloudron
   * guide's layout has it (test/konnectd/cloudron-apps.test.ts).
   */
  readonly identifierScopes?: string;
  /** More konnectd.cfg lines (`id_token_expiration=5`, say). */
  readonly extraCfg?: readonly string[];
}

/** A browser profile with one page of the Meet app, and what it logged. */
export interface MeetPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console messages and page errors of every frame. */
  readonly console: string[];
  /** Responses of every frame: `status method url [→ location]`. */
  readonly responses: string[];
  /** Top-level navigations, in order. */
  readonly navigations: string[];
  /** Everything above, for an assertion message. */
  diagnostics(): string;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface MeetHarness {
  /** The issuer: the proxy's origin, where Meet lives too. */
  readonly issuer: string;
  /** `<issuer>/meet/`, meet src/base.js appBaseURL. */
  readonly appBaseURL: string;
  /** kpop's default client_id: `'kpop-' + encodeURI(appBaseURL)`. */
  readonly clientId: string;
  /** The Meet client's private request-object key from the registration file, or null. */
  readonly meetKey: (JWK & { kid: string }) | null;
  readonly registrationFile: string;
  readonly https: boolean;
  readonly browser: Browser;
  /** What the kwmserver stand-in answered at each guest logon. */
  readonly guestLogons: GuestLogonResult[];
  /** When set, changes what the kwmserver stand-in answers (a tampered request object, say). */
  rewriteGuestLogon: ((result: GuestLogonResult) => Promise<GuestLogonResult>) | null;
  /** A fresh browser profile (no cookies) on `path` (default `/meet/`), app ready. */
  newMeetPage(path?: string, config?: Record<string, unknown>): Promise<MeetPage>;
  /** An HTTP request to the issuer origin (trusting the throw-away certificate). */
  fetch(
    pathOrUrl: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<HttpResult>;
  /** konnectd's output so far. */
  logs(): string;
  /** Every request the proxy saw: `status method url`. */
  readonly proxyLog: string[];
  stop(): Promise<void>;
}

/**
 * Starts slapd, the proxy, konnectd and Chromium. The Meet client is registered as
 * kopano-docker's konnect/wrapper.sh writes it (kopano-meet.md §I and "Konnect guest flow"
 * prerequisite 7), with one EC P-256 request-object key whose private part kwmserver reads
 * from the same file.
 */
export async function startMeetHarness(options: MeetHarnessOptions = {}): Promise<MeetHarness> {
  const tls = options.tls ?? true;
  const registerMeet = options.registerMeet ?? true;
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
  };
  try {
    const dir = await mkdtemp(join(tmpdir(), 'sesame-meet-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const slapd: RunningSlapd = await startSlapd();
    cleanups.push(() => slapd.destroy());

    const certificate = tls ? await makeCertificate(dir, TLS_HOSTNAME) : null;
    const konnectdPort = await freePort();
    const proxyLog: string[] = [];
    const guestLogons: GuestLogonResult[] = [];
    const hooks: Pick<MeetHarness, 'rewriteGuestLogon'> = { rewriteGuestLogon: null };
    const registrationFile = join(dir, 'konnectd-identifier-registration.yaml');
    const proxy = await startProxy({
      certificate,
      upstreamPort: konnectdPort,
      log: proxyLog,
      guestLogon: async (method, form) => {
        const result = await kwmGuestLogon(
          method,
          form,
          await readFile(registrationFile, 'utf8'),
          PUBLIC_GUEST_PATHS,
        );
        const answer = hooks.rewriteGuestLogon === null ? result : await hooks.rewriteGuestLogon(result);
        guestLogons.push(answer);
        return answer;
      },
    });
    cleanups.push(() => proxy.stop());
    const issuer = tls ? `https://${TLS_HOSTNAME}:${proxy.port}` : `http://127.0.0.1:${proxy.port}`;
    const appBaseURL = `${issuer}/meet/`;
    const clientId = `kpop-${encodeURI(appBaseURL)}`;

    const meetKey = registerMeet ? await newRequestObjectKey() : null;
    await writeFile(registrationFile, registrationYaml(clientId, appBaseURL, meetKey, !tls));
    await writeFile(
      join(dir, 'konnectd-identifier-scopes.yaml'),
      options.identifierScopes ??
        'scopes:\n  kopano/kwm:\n    description: "Use the video meeting server"\n    priority: 5\n',
    );
    // Konnect's default signing method is PS256 over an RSA key (kopano-meet.md req. 5).
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signingKeyFile = join(dir, 'konnectd-signing-private-key.pem');
    await writeFile(signingKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });

    const cfg = join(dir, 'konnectd.cfg');
    await writeFile(
      cfg,
      [
        `oidc_issuer_identifier=${issuer}`,
        `listen=127.0.0.1:${konnectdPort}`,
        `identifier_registration_conf=${registrationFile}`,
        `identifier_scopes_conf=${join(dir, 'konnectd-identifier-scopes.yaml')}`,
        `signing_private_key=${signingKeyFile}`,
        `encryption_secret_key=${join(dir, 'konnectd-encryption.key')}`,
        `data_dir=${join(dir, 'data')}`,
        `allow_client_guests=${options.allowGuests === true ? 'yes' : 'no'}`,
        `ldap_uri=${slapd.url}`,
        'ldap_binddn=cn=sesame,ou=services,dc=cloudron',
        'ldap_bindpw="service secret"',
        'ldap_basedn=ou=users,dc=cloudron',
        'log_level=debug',
        ...(options.extraCfg ?? []),
        '',
      ].join('\n'),
    );
    await writeFile(join(dir, 'konnectd-encryption.key'), randomBytes(32), { mode: 0o600 });

    let log = '';
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', tsx, konnectdEntry, 'serve', '--config', cfg, 'ldap'],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LDAP_TIMEOUT: '2', LDAP_GROUPS: 'memberOf' },
      },
    );
    child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number>((done) => child.on('exit', (c) => done(c ?? 1)));
    cleanups.push(async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    });
    await waitUntilReady(`http://127.0.0.1:${konnectdPort}`, exited, () => log);
    const skipped = /^.*skipped registration.*$/m.exec(log);
    if (skipped !== null)
      throw new Error(`konnectd skipped a client of the registration file:\n${skipped[0]}`);

    const browser = await launchChromium([`--host-resolver-rules=MAP ${TLS_HOSTNAME} 127.0.0.1`]);
    cleanups.push(() => browser.close());

    const fetchIssuer: MeetHarness['fetch'] = (pathOrUrl, init = {}) =>
      send(new URL(pathOrUrl, issuer), init, certificate?.cert ?? null);

    const harness: MeetHarness = {
      get rewriteGuestLogon() {
        return hooks.rewriteGuestLogon;
      },
      set rewriteGuestLogon(rewrite) {
        hooks.rewriteGuestLogon = rewrite;
      },
      issuer,
      appBaseURL,
      clientId,
      meetKey,
      registrationFile,
      https: tls,
      browser,
      guestLogons,
      proxyLog,
      logs: () => log,
      fetch: fetchIssuer,
      newMeetPage: (path = '/meet/', config) => openMeetPage(browser, issuer, path, config, tls),
      stop: cleanup,
    };
    return harness;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * The registration file, as kopano-docker's konnect/wrapper.sh writes Meet's entry; `insecure`
 * only for an http issuer (Konnect requires https redirect URIs of web clients otherwise).
 */
function registrationYaml(clientId: string, appBaseURL: string, key: JWK | null, insecure: boolean): string {
  if (key === null) return 'clients: []\n';
  return [
    'clients:',
    `  - id: ${JSON.stringify(clientId)}`,
    '    name: Kopano Meet',
    '    application_type: web',
    '    trusted: yes',
    ...(insecure ? ['    insecure: yes'] : []),
    '    redirect_uris:',
    `      - ${JSON.stringify(appBaseURL)}`,
    '    trusted_scopes:',
    '      - konnect/guestok',
    '      - kopano/kwm',
    '    jwks:',
    '      keys:',
    `        - ${JSON.stringify(key)}`,
    '    request_object_signing_alg: ES256',
    '',
  ].join('\n');
}

/** One EC P-256 signing key with its private part, a kid and `use: sig` (kwmserver requires it). */
async function newRequestObjectKey(): Promise<JWK & { kid: string }> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kty: 'EC', kid: 'meet-guest-key', use: 'sig' } as JWK & { kid: string };
}

interface Certificate {
  readonly cert: string;
  readonly key: string;
}

/** A self-signed P-256 certificate for `hostname`, made with the openssl command line. */
async function makeCertificate(dir: string, hostname: string): Promise<Certificate> {
  const certFile = join(dir, 'proxy.pem');
  const keyFile = join(dir, 'proxy.key');
  await new Promise<void>((done, fail) =>
    execFile(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-noenc',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        `/CN=${hostname}`,
        '-addext',
        `subjectAltName=DNS:${hostname}`,
      ],
      (error, _stdout, stderr) => (error ? fail(new Error(`openssl failed: ${stderr}`)) : done()),
    ),
  );
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

interface ProxyOptions {
  readonly certificate: Certificate | null;
  readonly upstreamPort: number;
  readonly log: string[];
  readonly guestLogon: (method: string, form: URLSearchParams) => Promise<GuestLogonResult>;
}

/** Headers that belong to one connection (RFC 9110 §7.6.1), which a proxy does not forward. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);

/**
 * The stand-in for Cloudron's nginx: `/meet/…` is the Meet app (any path under it, as Meet's
 * router has `/meet/r/…` rooms), `/meet/static/…` its two scripts, `/api/kwm/v2/guest/logon`
 * kwmserver's guest logon; every other request goes to konnectd as it came (method, path,
 * headers including Host, body) and its answer comes back as it went (status, headers
 * including every Set-Cookie, body). Only hop-by-hop headers are dropped.
 */
async function startProxy(options: ProxyOptions): Promise<{ port: number; stop(): Promise<void> }> {
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const done = (status: number): void => void options.log.push(`${status} ${req.method} ${url}`);
    if (path === '/meet/static/oidc-client.min.js' || path === '/meet/static/meet-app.js') {
      const file = path.endsWith('oidc-client.min.js') ? oidcClientBundle : meetAppScript;
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(readFileSync(file));
      done(200);
      return;
    }
    if (path === '/meet' || path.startsWith('/meet/')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(
        '<!doctype html><html><head><meta charset="utf-8"><title>Meet</title></head><body>' +
          '<script src="/meet/static/oidc-client.min.js"></script>' +
          '<script src="/meet/static/meet-app.js"></script></body></html>',
      );
      done(200);
      return;
    }
    if (path === '/api/kwm/v2/guest/logon') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        options
          .guestLogon(req.method ?? 'GET', new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
          .then((result) => {
            res.writeHead(result.status, { 'content-type': result.contentType }).end(result.body);
            done(result.status);
          })
          .catch((error: unknown) => {
            res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
            done(500);
          });
      });
      return;
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port: options.upstreamPort, method: req.method, path: url, headers },
      (answer) => {
        const raw: string[] = [];
        for (let i = 0; i < answer.rawHeaders.length; i += 2) {
          const name = answer.rawHeaders[i] as string;
          if (!HOP_BY_HOP.has(name.toLowerCase())) raw.push(name, answer.rawHeaders[i + 1] as string);
        }
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, raw);
        answer.pipe(res);
        const location = answer.headers.location;
        done(answer.statusCode ?? 502);
        if (location !== undefined) options.log.push(`  → ${location}`);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${error.message}`);
      done(502);
    });
    req.pipe(upstream);
  };
  const server =
    options.certificate === null
      ? createHttpServer(handler)
      : createHttpsServer({ cert: options.certificate.cert, key: options.certificate.key }, handler);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Resolves every host name to 127.0.0.1 (for TLS_HOSTNAME), in both forms of the lookup API. */
function loopbackLookup(
  _hostname: string,
  options: { all?: boolean },
  callback: (...args: unknown[]) => void,
): void {
  if (options.all === true) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}

/** One HTTP(S) request with a 10 s limit; the body as text. */
function send(
  url: URL,
  init: { method?: string; headers?: Record<string, string>; body?: string },
  ca: string | null,
): Promise<HttpResult> {
  return new Promise((done, fail) => {
    const requester = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = requester(
      url,
      {
        method: init.method ?? 'GET',
        headers: init.headers ?? {},
        timeout: 10_000,
        lookup: loopbackLookup as never,
        ...(url.protocol === 'https:' && ca !== null ? { ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', fail);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out: ${url}`)));
    req.on('error', fail);
    req.end(init.body);
  });
}

async function openMeetPage(
  browser: Browser,
  issuer: string,
  path: string,
  config: Record<string, unknown> | undefined,
  tls: boolean,
): Promise<MeetPage> {
  const context = await browser.newContext({ ignoreHTTPSErrors: tls, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(15_000);
  const consoleLines: string[] = [];
  const responses: string[] = [];
  const navigations: string[] = [];
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  page.on('response', (r) => {
    const location = r.headers().location;
    responses.push(
      `${r.status()} ${r.request().method()} ${r.url()}${location === undefined ? '' : ` → ${location}`}`,
    );
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations.push(frame.url());
  });
  if (config !== undefined) {
    // The app reads its config.json stand-in from localStorage before anything else runs.
    await context.addInitScript(
      `try { if (localStorage.getItem('meet-test-config') === null) localStorage.setItem('meet-test-config', ${JSON.stringify(JSON.stringify(config))}); } catch {}`,
    );
  }
  await page.goto(new URL(path, issuer).toString());
  await page.waitForFunction('window.meet !== undefined && window.meet.isReady === true');
  return {
    context,
    page,
    console: consoleLines,
    responses,
    navigations,
    diagnostics: () =>
      [
        'navigations:',
        ...navigations.map((n) => `  ${n}`),
        'responses:',
        ...responses.map((r) => `  ${r}`),
        'console:',
        ...consoleLines.map((c) => `  ${c}`),
      ].join('\n'),
  };
}
