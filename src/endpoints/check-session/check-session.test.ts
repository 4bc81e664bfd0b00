import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { testClient } from '../../clients/test-client.js';
import { startTestServer, type TestServer } from '../../http/test-fixture.js';
import { paths } from '../paths.js';
import { handleCheckSession } from './handler.js';

const RP_ORIGIN = 'https://rp.example.com';
const CLIENTS = [
  testClient({ id: 'rp', redirectUris: [`${RP_ORIGIN}/cb`], origins: [RP_ORIGIN] }),
  testClient({
    id: 'meet',
    redirectUris: ['https://sso.example.com/meet/'],
    origins: [
      'https://sso.example.com',
      'https://Meet.example.org:443/meet/',
      'not a url',
      'x; script-src *',
    ],
  }),
];

function serve(https: boolean): Promise<TestServer> {
  return startTestServer({
    config: { issuer: https ? 'https://sso.example.com' : 'http://127.0.0.1:8777' },
    clients: CLIENTS,
    routes: () => [
      { methods: ['GET'], path: paths.checkSession, audience: 'browser', handle: handleCheckSession },
    ],
  });
}

/** The inline script of the served page, exactly as the browser gets it. */
function scriptOf(page: string): string {
  const match = /<script>([\s\S]*?)<\/script>/.exec(page);
  assert.ok(match?.[1], 'the page has an inline script');
  return match[1];
}

function directives(csp: string): Map<string, string> {
  return new Map(
    csp.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
}

describe('the check-session iframe page (OpenID Connect Session Management 1.0 §3.3)', () => {
  let https: TestServer;
  let http: TestServer;
  before(async () => {
    https = await serve(true);
    http = await serve(false);
  });
  after(async () => {
    await https.close();
    await http.close();
  });

  it('is an HTML page without X-Frame-Options, so relying parties can embed it', async () => {
    const response = await https.app.inject({ method: 'GET', url: paths.checkSession });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/html/);
    assert.equal(response.headers['x-frame-options'], undefined);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
  });

  it('allows exactly its own inline script: the CSP hash is that of the script served', async () => {
    const response = await https.app.inject({ method: 'GET', url: paths.checkSession });
    const csp = directives(String(response.headers['content-security-policy']));
    const hash = createHash('sha256').update(scriptOf(response.body)).digest('base64');
    assert.equal(csp.get('default-src'), "'none'");
    assert.equal(csp.get('script-src'), `'sha256-${hash}'`);
    assert.equal((response.body.match(/<script/g) ?? []).length, 1, 'no other script');
  });

  it('may be framed by the issuer and the registered origins only', async () => {
    const response = await https.app.inject({ method: 'GET', url: paths.checkSession });
    const csp = directives(String(response.headers['content-security-policy']));
    assert.equal(csp.get('frame-ancestors'), `'self' ${RP_ORIGIN} https://meet.example.org`);
    assert.ok(!String(response.headers['content-security-policy']).includes('script-src *'));
  });

  it('lets a newly registered client frame it without a restart', async () => {
    const origin = 'https://new.example.net';
    https.clients.push(testClient({ id: 'new', redirectUris: [`${origin}/cb`], origins: [origin] }));
    try {
      const response = await https.app.inject({ method: 'GET', url: paths.checkSession });
      assert.ok(
        directives(String(response.headers['content-security-policy']))
          .get('frame-ancestors')
          ?.endsWith(origin),
      );
    } finally {
      https.clients.pop();
    }
  });

  it("names Konnect's browser-state cookie: __Secure-KKBS with https, KKBS with http", async () => {
    const secure = await https.app.inject({ method: 'GET', url: paths.checkSession });
    assert.match(secure.body, /data-browser-state-cookie="__Secure-KKBS"/);
    const plain = await http.app.inject({ method: 'GET', url: paths.checkSession });
    assert.match(plain.body, /data-browser-state-cookie="KKBS"/);
    assert.equal(scriptOf(plain.body), scriptOf(secure.body), 'one script, one hash');
  });
});

// The served script, run against a stand-in window: a parent that records what it is sent.
interface Frame {
  /** Delivers a message as the browser would and resolves with the answer, or null for none. */
  post(data: unknown, from?: { source?: object; origin?: string }): Promise<string | null>;
  /** Delivers a message and returns at once. */
  deliver(data: unknown): void;
  /** Every answer so far, once there are `count` of them (or after a short wait). */
  answers(count: number): Promise<readonly string[]>;
  setCookie(value: string | null): void;
}

const ORIGIN = 'https://meet.example.com';
const CLIENT = 'kpop-https://meet.example.com/meet/';

async function loadFrame(options: { embedded?: boolean; webCrypto?: boolean } = {}): Promise<Frame> {
  const server = await serve(false);
  const page = (await server.app.inject({ method: 'GET', url: paths.checkSession })).body;
  await server.close();
  const answers: string[] = [];
  const parent = {
    postMessage(message: string, targetOrigin: string) {
      assert.equal(targetOrigin, ORIGIN, 'answers go to the sender origin only');
      answers.push(message);
    },
  };
  let cookie = '';
  let listener: ((event: object) => void) | null = null;
  const window = {
    crypto: options.webCrypto === false ? {} : globalThis.crypto,
    addEventListener: (type: string, handler: (event: object) => void) => {
      if (type === 'message') listener = handler;
    },
  };
  Object.assign(window, { parent: options.embedded === false ? window : parent });
  const document = {
    get cookie() {
      return cookie;
    },
    documentElement: {
      getAttribute: (name: string) =>
        name === 'data-browser-state-cookie' ? /data-browser-state-cookie="([^"]+)"/.exec(page)?.[1] : null,
    },
  };
  runInNewContext(scriptOf(page), { window, document, TextEncoder });
  const settle = async (count: number): Promise<readonly string[]> => {
    for (let i = 0; i < 20 && answers.length < count; i++) await new Promise((r) => setTimeout(r, 1));
    return [...answers];
  };
  return {
    async post(data, from = {}) {
      const before = answers.length;
      listener?.({ data, source: from.source ?? parent, origin: from.origin ?? ORIGIN });
      return (await settle(before + 1))[before] ?? null;
    },
    deliver(data) {
      listener?.({ data, source: parent, origin: ORIGIN });
    },
    answers: settle,
    setCookie(value) {
      cookie = value === null ? 'other=1' : `other=1; KKBS=${value}; more=2`;
    },
  };
}

/** session_state as the OP computes it, here with node:crypto. */
function sessionStateFor(browserState: string, salt = 'SALTsalt0123456789abcdefghijklmn'): string {
  const hash = createHash('sha256').update(`${CLIENT} ${ORIGIN} ${browserState} ${salt}`).digest('hex');
  return `${hash}.${salt}`;
}

describe('the check-session iframe script', () => {
  it('answers unchanged while the browser state is the one the session_state was made from', async () => {
    const frame = await loadFrame();
    frame.setCookie('state-A');
    assert.equal(await frame.post(`${CLIENT} ${sessionStateFor('state-A')}`), 'unchanged');
    assert.equal(await frame.post(`${CLIENT} ${sessionStateFor('state-A', 'otherSalt')}`), 'unchanged');
  });

  it('answers changed once the cookie changes, or is gone', async () => {
    const frame = await loadFrame();
    frame.setCookie('state-B');
    assert.equal(await frame.post(`${CLIENT} ${sessionStateFor('state-A')}`), 'changed');
    const other = await loadFrame();
    other.setCookie(null);
    assert.equal(await other.post(`${CLIENT} ${sessionStateFor('state-A')}`), 'changed');
  });

  it('answers changed for another client id or another origin than the state was made for', async () => {
    const frame = await loadFrame();
    frame.setCookie('state-A');
    assert.equal(await frame.post(`other-client ${sessionStateFor('state-A')}`), 'changed');
    frame.setCookie('state-A2');
    // The listener only answers the parent; a different origin means a different hash.
    const salt = 'abc';
    const forOtherOrigin = createHash('sha256')
      .update(`${CLIENT} https://x.example state-A2 ${salt}`)
      .digest('hex');
    assert.equal(await frame.post(`${CLIENT} ${forOtherOrigin}.${salt}`), 'changed');
  });

  it("answers error to a second changed while the cookie stayed the same (Konnect's loop guard)", async () => {
    const frame = await loadFrame();
    frame.setCookie('state-B');
    const stale = `${CLIENT} ${sessionStateFor('state-A')}`;
    assert.equal(await frame.post(stale), 'changed');
    assert.equal(await frame.post(stale), 'error');
    assert.equal(await frame.post(stale), 'error');
    // A fresh session_state for the current cookie is fine again, and so is a later change.
    assert.equal(await frame.post(`${CLIENT} ${sessionStateFor('state-B')}`), 'unchanged');
    frame.setCookie('state-C');
    assert.equal(await frame.post(`${CLIENT} ${sessionStateFor('state-B')}`), 'changed');
  });

  it('keeps the order of answers when messages arrive back to back', async () => {
    const frame = await loadFrame();
    frame.setCookie('state-B');
    const stale = `${CLIENT} ${sessionStateFor('state-A')}`;
    frame.deliver(stale);
    frame.deliver(stale);
    frame.deliver('garbage');
    assert.deepEqual(await frame.answers(3), ['changed', 'error', 'error']);
  });

  it('answers error to malformed messages', async () => {
    const frame = await loadFrame();
    frame.setCookie('state-A');
    const good = sessionStateFor('state-A');
    for (const data of [
      '',
      'garbage',
      `${CLIENT}`,
      ` ${good}`,
      `${CLIENT} `,
      `${CLIENT} ${good.split('.')[0]}`,
      `${CLIENT} ${good}.extra`,
      `${CLIENT} .salt`,
      `${CLIENT} hash.`,
      { clientId: CLIENT },
      42,
      null,
    ]) {
      assert.equal(await frame.post(data), 'error', JSON.stringify(data));
    }
  });

  it('ignores messages from any window but its parent', async () => {
    const frame = await loadFrame();
    frame.setCookie('state-A');
    assert.equal(await frame.post(`${CLIENT} ${sessionStateFor('state-A')}`, { source: {} }), null);
  });

  it('does nothing when not embedded in a frame', async () => {
    const frame = await loadFrame({ embedded: false });
    frame.setCookie('state-A');
    assert.equal(await frame.post(`${CLIENT} ${sessionStateFor('state-A')}`), null);
  });

  it('answers error where the browser offers no Web Crypto (an insecure context)', async () => {
    const frame = await loadFrame({ webCrypto: false });
    frame.setCookie('state-A');
    assert.equal(await frame.post(`${CLIENT} ${sessionStateFor('state-A')}`), 'error');
  });
});
