// The device cookie a browser gets when a user signs in, as the real app writes it (throttle.ts,
// sessions/device-cookie.ts): persistent for 90 days, HttpOnly, SameSite=Lax, Path=/, host-only,
// Secure and `__Host-` prefixed over https; and, sent back, it lets its browser past the account
// slowdown.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { createApp, type App } from '../../app.js';
import type { Config } from '../../config/types.js';
import { hashPassword } from '../../identity/builtin/passwords.js';
import { TEST_CONFIG } from '../token/test-fixture.js';
import { paths } from '../paths.js';

const PASSWORD = 'correct horse battery staple';

interface SetCookie {
  readonly name: string;
  readonly value: string;
  /** Lower-cased attribute names to their values ('' for a flag). */
  readonly attributes: ReadonlyMap<string, string>;
}

function parseSetCookie(line: string): SetCookie {
  const [pair = '', ...rest] = line.split(';').map((part) => part.trim());
  const at = pair.indexOf('=');
  const attributes = new Map<string, string>();
  for (const part of rest) {
    const eq = part.indexOf('=');
    attributes.set((eq === -1 ? part : part.slice(0, eq)).toLowerCase(), eq === -1 ? '' : part.slice(eq + 1));
  }
  return { name: pair.slice(0, at), value: pair.slice(at + 1), attributes };
}

function setCookies(header: string | string[] | undefined): SetCookie[] {
  return (header === undefined ? [] : Array.isArray(header) ? header : [header]).map(parseSetCookie);
}

/** Posts the real sign-in form as `username` in a browser holding `jar`; returns the status and Set-Cookie lines. */
async function signIn(
  app: App,
  username: string,
  password: string,
  address: string,
  jar: Record<string, string> = {},
): Promise<{ status: number; cookies: SetCookie[] }> {
  const form = await app.server.inject({ method: 'GET', url: paths.signIn, cookies: jar });
  const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)?.[1];
  assert.ok(csrf, 'the sign-in form carries a CSRF token');
  const cookies = {
    ...jar,
    ...Object.fromEntries(setCookies(form.headers['set-cookie']).map((c) => [c.name, c.value])),
  };
  const response = await app.server.inject({
    method: 'POST',
    url: paths.signIn,
    remoteAddress: address,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    cookies,
    payload: new URLSearchParams({ csrf, username, password }).toString(),
  });
  return { status: response.statusCode, cookies: setCookies(response.headers['set-cookie']) };
}

for (const issuer of ['https://sso.example.com', 'http://localhost:8777']) {
  const https = issuer.startsWith('https:');
  const name = https ? '__Host-sesame_device' : 'sesame_device';
  describe(`the device cookie set at sign-in (${issuer})`, () => {
    let dataDir: string;
    let app: App;
    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'sesame-device-cookie-'));
      const config: Config = {
        ...TEST_CONFIG,
        issuer,
        dataDir,
        sessionManagement: false,
        // Long enough that a slow machine cannot outwait the slowdown within the test.
        throttle: { ...TEST_CONFIG.throttle, accountIntervalSeconds: 3600 },
      };
      app = await createApp(config, pino({ enabled: false }));
      const now = Date.now();
      await app.storage.users.create({
        id: 'user-alice',
        username: 'alice',
        email: 'alice@example.com',
        emailVerified: true,
        name: 'Alice Liddell',
        givenName: 'Alice',
        familyName: 'Liddell',
        passwordHash: await hashPassword(PASSWORD, config.passwords),
        createdAt: now,
        updatedAt: now,
      });
    });
    after(async () => {
      await app?.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('lasts 90 days, is out of scripts’ reach, and over https is Secure and __Host- prefixed', async () => {
      const { status, cookies } = await signIn(app, 'alice', PASSWORD, '192.0.2.7');
      assert.equal(status, 302);
      const device = cookies.find((c) => c.name === name);
      assert.ok(device, `a ${name} cookie is set`);
      assert.match(device.value, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(device.attributes.get('max-age'), String(90 * 24 * 60 * 60));
      assert.equal(device.attributes.has('domain'), false, 'host-only');
      assert.equal(device.attributes.get('path'), '/');
      assert.equal(device.attributes.has('httponly'), true);
      assert.equal(device.attributes.get('samesite')?.toLowerCase(), 'lax');
      assert.equal(device.attributes.has('secure'), https);
    });

    it('lets its browser sign in while the account is slowed down, and no other browser', async () => {
      const { cookies } = await signIn(app, 'alice', PASSWORD, '192.0.2.7');
      const device = cookies.find((c) => c.name === name);
      assert.ok(device);
      const { maxFailuresPerAccount } = TEST_CONFIG.throttle;
      for (let i = 0; i < maxFailuresPerAccount; i++) {
        assert.equal((await signIn(app, 'alice', `guess ${i}`, `203.0.113.${i + 1}`)).status, 401);
      }
      assert.equal((await signIn(app, 'alice', 'guess', '203.0.113.99')).status, 429, 'slowed down');
      assert.equal((await signIn(app, 'alice', PASSWORD, '192.0.2.8')).status, 429, 'a new browser waits');
      const known = await signIn(app, 'alice', PASSWORD, '192.0.2.7', { [name]: device.value });
      assert.equal(known.status, 302, 'the browser that signed in before gets in');
    });
  });
}
