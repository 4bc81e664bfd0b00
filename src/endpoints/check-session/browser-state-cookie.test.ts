import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../http/test-fixture.js';
import { paths } from '../paths.js';
import type { CookieInstruction } from '../types.js';
import {
  BROWSER_STATE_COOKIE_PATH,
  browserStateCookie,
  browserStateCookieName,
  clearBrowserStateCookie,
} from './browser-state-cookie.js';

/** A server whose one route sets the given cookies, as an endpoint would. */
function serving(https: boolean, cookies: (https: boolean) => CookieInstruction[]): Promise<TestServer> {
  return startTestServer({
    config: { issuer: https ? 'https://sso.example.com' : 'http://127.0.0.1:8777' },
    routes: () => [
      {
        methods: ['GET'],
        path: '/cookies',
        audience: 'api',
        handle: async () => ({ kind: 'empty', status: 204, cookies: cookies(https) }),
      },
    ],
  });
}

async function setCookieHeaders(server: TestServer): Promise<string[]> {
  const response = await server.app.inject({ method: 'GET', url: '/cookies' });
  const header = response.headers['set-cookie'];
  return header === undefined ? [] : Array.isArray(header) ? header : [header];
}

/** The attributes of a Set-Cookie header, lower-cased names, in a map. */
function attributes(header: string): Map<string, string> {
  return new Map(
    header
      .split(';')
      .slice(1)
      .map((part) => {
        const [name = '', value = ''] = part.trim().split('=');
        return [name.toLowerCase(), value];
      }),
  );
}

describe('the browser-state cookie (konnect-spec §4.10, Konnect cookie.go)', () => {
  const servers: TestServer[] = [];
  let https: TestServer;
  let http: TestServer;
  let clearing: TestServer;
  let plain: TestServer;
  before(async () => {
    https = await serving(true, (s) => [browserStateCookie('state-value', s)]);
    http = await serving(false, (s) => [browserStateCookie('state-value', s)]);
    clearing = await serving(true, (s) => [clearBrowserStateCookie(s)]);
    plain = await serving(true, () => [{ name: 'other', value: 'v' }]);
    servers.push(https, http, clearing, plain);
  });
  after(async () => {
    for (const server of servers) await server.close();
  });

  it('lives where only the check-session iframe sees it', () => {
    assert.ok(paths.checkSession.startsWith(BROWSER_STATE_COOKIE_PATH));
  });

  it('is __Secure-KKBS, readable by script, SameSite=None and Secure with an https issuer', async () => {
    const [header = ''] = await setCookieHeaders(https);
    assert.ok(header.startsWith('__Secure-KKBS=state-value;'), header);
    const attrs = attributes(header);
    assert.equal(attrs.get('path'), '/konnect/v1/session/');
    assert.ok(attrs.has('secure'));
    assert.equal(attrs.get('samesite'), 'None');
    assert.ok(!attrs.has('httponly'), 'the iframe script must read it');
    assert.ok(!attrs.has('max-age') && !attrs.has('expires'), 'ends with the browser session');
  });

  it('is KKBS with SameSite=Lax and without Secure over http, which browsers accept', async () => {
    const [header = ''] = await setCookieHeaders(http);
    assert.ok(header.startsWith('KKBS=state-value;'), header);
    const attrs = attributes(header);
    assert.equal(attrs.get('path'), '/konnect/v1/session/');
    assert.equal(attrs.get('samesite'), 'Lax');
    assert.ok(!attrs.has('secure') && !attrs.has('httponly'));
    assert.equal(browserStateCookieName(false), 'KKBS');
  });

  it('is cleared at the same path with the same flags, so it is the same cookie that goes', async () => {
    const [header = ''] = await setCookieHeaders(clearing);
    assert.ok(header.startsWith('__Secure-KKBS=;'), header);
    const attrs = attributes(header);
    assert.equal(attrs.get('path'), '/konnect/v1/session/');
    assert.equal(new Date(attrs.get('expires') ?? '').getTime() < Date.now(), true);
    assert.equal(attrs.get('samesite'), 'None');
    assert.ok(attrs.has('secure') && !attrs.has('httponly'));
  });

  it('leaves every other cookie HttpOnly and SameSite=Lax at /', async () => {
    const [header = ''] = await setCookieHeaders(plain);
    const attrs = attributes(header);
    assert.ok(attrs.has('httponly') && attrs.has('secure'));
    assert.equal(attrs.get('samesite'), 'Lax');
    assert.equal(attrs.get('path'), '/');
  });

  it('never writes SameSite=None without Secure', async () => {
    const server = await serving(false, () => [{ name: 'x', value: 'v', sameSite: 'none' }]);
    servers.push(server);
    const [header = ''] = await setCookieHeaders(server);
    assert.equal(attributes(header).get('samesite'), 'Lax');
  });
});
