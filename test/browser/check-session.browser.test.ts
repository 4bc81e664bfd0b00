import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { blake2b } from '@noble/hashes/blake2.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { paths } from '../../src/endpoints/paths.js';
import { startSesame, type RunningSesame } from '../helpers/sesame-process.js';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';

const skip = chromiumMissing;
const options = { skip, timeout: 20_000 };

const clientId = 'session-watcher';
const cookieName = 'KKBS';

/**
 * A relying party's web server: `/app.html` embeds the OP iframe and nothing else. The tests
 * drive it with `page.evaluate`, as oidc-client's CheckSessionIFrame would (OpenID Connect
 * Session Management 1.0 §4.1). It starts before Sesame, whose registration must name its
 * origin, so the iframe URL is given later.
 */
interface Parent {
  readonly origin: string;
  iframeUrl: string;
  stop(): Promise<void>;
}

async function startParent(): Promise<Parent> {
  const parent = { origin: '', iframeUrl: 'about:blank', stop: async () => {} };
  const server: Server = createServer((req, res) => {
    if (req.url !== '/app.html') {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><title>RP</title><iframe id="op" src="${parent.iframeUrl}"></iframe>`);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  parent.origin = `http://127.0.0.1:${address.port}`;
  parent.stop = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return parent;
}

/** Konnect's browser state for a user, computed here with a direct BLAKE2b-256 call. */
function browserStateOf(subject: string, issuer: string): string {
  const digest = blake2b(Buffer.from(`${subject} ${issuer} kopano-konnect-1`), { dkLen: 32 });
  return Buffer.from(digest).toString('base64url');
}

/** session_state as the OP returns it with an authorization response, computed with node:crypto. */
function sessionStateOf(origin: string, browserState: string, salt: string): string {
  const hash = createHash('sha256').update(`${clientId} ${origin} ${browserState} ${salt}`).digest('hex');
  return `${hash}.${salt}`;
}

/**
 * Posts `message` to the iframe from the parent page; the answer, or null after `waitMs`.
 * The script is passed as text: tsx would wrap a function's inner names in a helper the page
 * does not have.
 */
function ask(page: Page, message: string, targetOrigin: string, waitMs = 3000): Promise<string | null> {
  const args = JSON.stringify({ message, targetOrigin, waitMs });
  return page.evaluate(`new Promise((resolve) => {
    const { message, targetOrigin, waitMs } = ${args};
    const frame = document.getElementById('op').contentWindow;
    const timer = setTimeout(() => resolve(null), waitMs);
    const onMessage = (event) => {
      if (event.source !== frame) return;
      window.removeEventListener('message', onMessage);
      clearTimeout(timer);
      resolve(String(event.data));
    };
    window.addEventListener('message', onMessage);
    frame.postMessage(message, targetOrigin);
  })`);
}

describe('the check-session iframe in a real browser (kopano-meet.md req. 33)', () => {
  let sesame: RunningSesame;
  let parent: Parent;
  let stranger: Parent;
  let browser: Browser;
  let context: BrowserContext;
  let issuerHost: string;

  // Issuer and relying parties are all on 127.0.0.1, on different ports: different origins of
  // one site, so the http issuer's SameSite=Lax browser-state cookie is readable in the frame
  // (the layout of a Cloudron install; across sites it takes https and SameSite=None).
  before(async () => {
    if (skip) return;
    parent = await startParent();
    stranger = await startParent();
    sesame = await startSesame({
      registration: [
        'clients:',
        `  - id: ${clientId}`,
        '    name: Session Watcher',
        '    application_type: web',
        '    insecure: yes',
        '    redirect_uris:',
        `      - ${parent.origin}/cb`,
        '    origins:',
        `      - ${parent.origin}`,
        '',
      ].join('\n'),
      extraConfig: 'session_management: true',
    });
    parent.iframeUrl = stranger.iframeUrl = new URL(paths.checkSession, sesame.issuer).toString();
    issuerHost = new URL(sesame.issuer).hostname;
    browser = await launchChromium();
    context = await browser.newContext();
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await sesame?.stop();
    await parent?.stop();
    await stranger?.stop();
  });

  async function setBrowserState(value: string): Promise<void> {
    await context.addCookies([
      {
        name: cookieName,
        value,
        domain: issuerHost,
        path: '/konnect/v1/session/',
        httpOnly: false,
        secure: false,
        sameSite: 'Lax',
      },
    ]);
  }

  async function openParent(at: Parent): Promise<{ page: Page; problems: string[] }> {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
    });
    // The load event waits for the iframe too.
    await page.goto(`${at.origin}/app.html`, { waitUntil: 'load' });
    return { page, problems };
  }

  it('answers unchanged, then changed when the cookie changes, and error for garbage', options, async () => {
    const alice = browserStateOf('alice-subject@konnect', sesame.issuer);
    await setBrowserState(alice);
    const { page, problems } = await openParent(parent);
    const issuerOrigin = new URL(sesame.issuer).origin;
    const state = sessionStateOf(parent.origin, alice, 'Salt0123456789abcdefghijklmnopqr');

    assert.equal(await ask(page, `${clientId} ${state}`, issuerOrigin), 'unchanged');
    assert.equal(await ask(page, `${clientId} ${state}`, issuerOrigin), 'unchanged');

    // Someone else signs in in this browser: the OP rewrites the cookie.
    await setBrowserState(browserStateOf('bob-subject@konnect', sesame.issuer));
    assert.equal(await ask(page, `${clientId} ${state}`, issuerOrigin), 'changed');
    // The relying party failed to get a new session_state: Konnect's loop guard.
    assert.equal(await ask(page, `${clientId} ${state}`, issuerOrigin), 'error');

    assert.equal(await ask(page, 'garbage', issuerOrigin), 'error');
    assert.equal(await ask(page, `${clientId} ${state.split('.')[0]}`, issuerOrigin), 'error');
    assert.deepEqual(problems, [], 'the inline script ran under the page CSP');
    await page.close();
  });

  it('cannot be framed by an origin that no client registered', options, async () => {
    const { page, problems } = await openParent(stranger);
    const state = sessionStateOf(stranger.origin, 'x', 'salt');
    assert.equal(await ask(page, `${clientId} ${state}`, new URL(sesame.issuer).origin, 500), null);
    assert.ok(
      problems.some((p) => /frame-ancestors/.test(p)),
      `the browser refused to frame it: ${JSON.stringify(problems)}`,
    );
    await page.close();
  });
});
