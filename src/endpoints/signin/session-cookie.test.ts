// The session cookie a browser gets when a user signs in, as the real app writes it: a
// browser-session cookie (no Max-Age, no Expires; DESIGN.md "Browser sessions"), HttpOnly,
// SameSite=Lax, Path=/, host-only, Secure and `__Host-` prefixed over https.
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

/** Signs alice in through the real sign-in form; returns the Set-Cookie lines of the answer. */
async function signIn(app: App): Promise<SetCookie[]> {
  const form = await app.server.inject({ method: 'GET', url: paths.signIn });
  assert.equal(form.statusCode, 200);
  const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)?.[1];
  assert.ok(csrf, 'the sign-in form carries a CSRF token');
  const cookies = Object.fromEntries(setCookies(form.headers['set-cookie']).map((c) => [c.name, c.value]));
  const response = await app.server.inject({
    method: 'POST',
    url: paths.signIn,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    cookies,
    payload: new URLSearchParams({ csrf, username: 'alice', password: PASSWORD }).toString(),
  });
  assert.equal(response.statusCode, 302, response.body);
  return setCookies(response.headers['set-cookie']);
}

for (const issuer of ['https://sso.example.com', 'http://localhost:8777']) {
  const https = issuer.startsWith('https:');
  describe(`the session cookie set at sign-in (${issuer})`, () => {
    let dataDir: string;
    let app: App;
    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'sesame-session-cookie-'));
      const config: Config = { ...TEST_CONFIG, issuer, dataDir, sessionManagement: false };
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

    it('is a browser-session cookie: closing the browser signs the user out', async () => {
      const name = https ? '__Host-sesame_session' : 'sesame_session';
      const session = (await signIn(app)).find((c) => c.name === name);
      assert.ok(session, `a ${name} cookie is set`);
      assert.ok(session.value.length >= 43, 'it carries the session secret');
      assert.equal(session.attributes.has('max-age'), false, 'no Max-Age');
      assert.equal(session.attributes.has('expires'), false, 'no Expires');
      assert.equal(session.attributes.has('domain'), false, 'host-only');
      assert.equal(session.attributes.get('path'), '/');
      assert.equal(session.attributes.has('httponly'), true);
      assert.equal(session.attributes.get('samesite')?.toLowerCase(), 'lax');
      assert.equal(session.attributes.has('secure'), https);
      assert.deepEqual(
        [...session.attributes.keys()].sort(),
        ['httponly', 'path', 'samesite', ...(https ? ['secure'] : [])].sort(),
        'no other attributes',
      );
    });
  });
}
