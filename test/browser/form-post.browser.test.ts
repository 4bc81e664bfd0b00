// response_mode=form_post in Chromium (OAuth 2.0 Form Post Response Mode §2): the page submits
// itself to the relying party, at the top level and inside a hidden iframe (silent sign-in with
// prompt=none), and keeps its button for a browser without script. Only the redirect URI's
// origin may frame it.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { paths } from '../../src/endpoints/paths.js';
import { en } from '../../src/views/i18n/en.js';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';
import { startSesame, type RunningSesame, type TestUser } from '../helpers/sesame-process.js';

const skip = chromiumMissing;
const options = { skip, timeout: 30_000 };

const clientId = 'form-post-app';
const alice: TestUser = {
  username: 'alice',
  password: 'alice-pass-1',
  email: 'alice@example.com',
  name: 'Alice Liddell',
};

/** What the relying party's callback received in one POST. */
type Posted = Readonly<Record<string, string>>;

/**
 * A relying party's web server on its own loopback port: `POST /cb` records the form it
 * receives; `GET /silent?src=…` is a page holding a hidden iframe on `src`, as a silent sign-in
 * does. Two of them run: the client's own origin, and another one that must not frame Sesame.
 */
interface Site {
  readonly origin: string;
  readonly posts: Posted[];
  /** Resolves with the first recorded post whose `state` is `state`. */
  posted(state: string): Promise<Posted>;
  stop(): Promise<void>;
}

async function startSite(): Promise<Site> {
  const posts: Posted[] = [];
  const waiting: { state: string; done: (post: Posted) => void }[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/cb') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const post = Object.fromEntries(new URLSearchParams(body));
        posts.push(post);
        for (const w of waiting.filter((w) => w.state === post['state'])) w.done(post);
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok');
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/silent') {
      const src = url.searchParams.get('src') ?? '';
      const attribute = src.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>app</title><iframe src="${attribute}" hidden></iframe>`);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    posts,
    posted(state) {
      const found = posts.find((post) => post['state'] === state);
      if (found) return Promise.resolve(found);
      return new Promise((done) => waiting.push({ state, done }));
    },
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

let sesame: RunningSesame;
let app: Site;
let elsewhere: Site;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function newPage(contextOptions: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', ...contextOptions });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

/** Console messages about the Content-Security-Policy, as Chromium reports refusals. */
function cspReports(page: Page): string[] {
  const reports: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) reports.push(message.text());
  });
  return reports;
}

function authorizeUrl(state: string, extra: Record<string, string> = {}): string {
  const url = new URL(paths.authorize, sesame.issuer);
  const params = {
    response_type: 'code',
    response_mode: 'form_post',
    client_id: clientId,
    redirect_uri: `${app.origin}/cb`,
    scope: 'openid profile',
    state,
    nonce: `nonce-${state}`,
    ...extra,
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

/** Signs Alice in on the page the authorization request led to, and allows the app. */
async function signInAndAllow(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1, name: en['signin.title'] }).waitFor();
  await page.getByLabel(en['signin.username']).fill(alice.username);
  await page.getByLabel(en['signin.password']).fill(alice.password);
  await page.getByRole('button', { name: en['signin.submit'] }).click();
  await page.getByRole('button', { name: en['consent.allow'], exact: true }).click();
}

function assertCodeResponse(post: Posted, state: string): void {
  assert.match(post['code'] ?? '', /\S{16,}/, 'an authorization code');
  assert.equal(post['state'], state);
  assert.equal(post['iss'], sesame.issuer);
  assert.equal(post['error'], undefined);
}

describe('response_mode=form_post in a real browser', () => {
  before(async () => {
    if (skip) return;
    app = await startSite();
    elsewhere = await startSite();
    sesame = await startSesame({
      registration: [
        'clients:',
        `  - id: ${clientId}`,
        '    name: Form Post App',
        '    secret: form-post-app-secret',
        '    application_type: web',
        '    insecure: yes',
        '    redirect_uris:',
        `      - ${app.origin}/cb`,
        '',
      ].join('\n'),
      users: [alice],
    });
    browser = await launchChromium();
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await sesame?.stop();
    await app?.stop();
    await elsewhere?.stop();
  });

  let signedIn: Page;

  it('arrives at the app without a click after signing in', options, async () => {
    signedIn = await newPage();
    const reports = cspReports(signedIn);
    const formPostPages: string[] = [];
    signedIn.on('response', (response) => {
      const csp = response.headers()['content-security-policy'] ?? '';
      if (response.request().isNavigationRequest() && /script-src 'sha256-/.test(csp))
        formPostPages.push(response.url());
    });
    const state = 'top-level';
    await signedIn.goto(authorizeUrl(state));
    await signInAndAllow(signedIn);

    assertCodeResponse(await app.posted(state), state);
    await signedIn.waitForURL(`${app.origin}/cb`);
    assert.equal(await signedIn.textContent('body'), 'ok');
    assert.equal(formPostPages.length, 1, 'the answer came as a form_post page, which submitted itself');
    assert.deepEqual(reports, [], 'the CSP refused nothing: the script ran, the form went out');
  });

  it('answers a silent sign-in inside a hidden iframe of the app', options, async () => {
    assert.ok(signedIn, 'needs the signed-in browser of the test above');
    const reports = cspReports(signedIn);
    const state = 'silent-in-iframe';
    const src = authorizeUrl(state, { prompt: 'none' });
    await signedIn.goto(`${app.origin}/silent?src=${encodeURIComponent(src)}`);

    assertCodeResponse(await app.posted(state), state);
    const frame = signedIn.frames().find((f) => f !== signedIn.mainFrame());
    await frame?.waitForURL(`${app.origin}/cb`);
    assert.equal(new URL(signedIn.url()).pathname, '/silent', 'the app page itself stayed');
    assert.deepEqual(reports, [], 'framed by the redirect origin, the CSP refused nothing');
  });

  it('tells the app login_required in the iframe when nobody is signed in', options, async () => {
    const page = await newPage();
    const state = 'silent-signed-out';
    await page.goto(
      `${app.origin}/silent?src=${encodeURIComponent(authorizeUrl(state, { prompt: 'none' }))}`,
    );
    const post = await app.posted(state);
    assert.equal(post['error'], 'login_required');
    assert.equal(post['code'], undefined);
  });

  it('cannot be framed by another origin', options, async () => {
    assert.ok(signedIn, 'needs the signed-in browser of the first test');
    const refused = new Promise<string>((done) =>
      signedIn.on('console', (message) => {
        if (/frame-ancestors/.test(message.text())) done(message.text());
      }),
    );
    const state = 'framed-elsewhere';
    const src = authorizeUrl(state, { prompt: 'none' });
    await signedIn.goto(`${elsewhere.origin}/silent?src=${encodeURIComponent(src)}`);

    assert.match(await refused, new RegExp(app.origin.replace(/[.:/]/g, '\\$&')));
    // The refused page never ran its script: nothing reached the app, nothing went elsewhere.
    await signedIn.waitForTimeout(500);
    assert.equal(app.posts.filter((post) => post['state'] === state).length, 0);
    assert.equal(elsewhere.posts.length, 0);
  });

  it('keeps a Continue button for a browser without script', options, async () => {
    const page = await newPage({ javaScriptEnabled: false });
    const state = 'without-script';
    await page.goto(authorizeUrl(state, { prompt: 'consent' }));
    await signInAndAllow(page);

    await page.getByRole('heading', { level: 1, name: en['formpost.heading'] }).waitFor();
    assert.equal(app.posts.filter((post) => post['state'] === state).length, 0, 'nothing sent by itself');
    await page.getByRole('button', { name: en['formpost.submit'] }).click();
    assertCodeResponse(await app.posted(state), state);
  });
});
