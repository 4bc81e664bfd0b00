import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { testClient } from '../../clients/test-client.js';
import { startTestServer, type TestServer } from '../../http/test-fixture.js';
import { hashPassword, verifyPassword } from '../../identity/builtin/passwords.js';
import { csrfCookieName, csrfToken } from '../../sessions/csrf.js';
import { cookieName } from '../../sessions/session-manager.js';
import { routes } from '../../routes.js';
import { ALICE, OTHER, REDIRECT_URI, WEB } from '../token/test-fixture.js';
import { paths } from '../paths.js';
import { purposes } from './account-response.js';

const CSRF_COOKIE = 'csrf-cookie-value-0123456789';
const OLD_PASSWORD = 'old-password-1';
/** A client told of logouts (OpenID Connect Back-Channel Logout 1.0). */
const LISTENER = testClient({
  id: 'listener',
  name: 'Listener',
  redirectUris: [REDIRECT_URI],
  backchannelLogoutUri: 'https://rp.example.com/logout',
});

describe('the account page (/signin/v1/welcome)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      clients: [WEB, OTHER, LISTENER],
      routes: (deps) => routes(deps, null),
    });
  });
  after(() => server.close());
  beforeEach(async () => {
    const now = server.fixture.clock.now();
    // Alice is a built-in user: she is in storage (and the test directory names her).
    await server.deps.storage.users.remove(ALICE.id);
    await server.deps.storage.users.create({
      id: ALICE.id,
      username: ALICE.username,
      email: ALICE.email,
      emailVerified: true,
      name: ALICE.name,
      givenName: null,
      familyName: null,
      passwordHash: await hashPassword(OLD_PASSWORD, server.deps.config.passwords),
      createdAt: now,
      updatedAt: now,
    });
    await server.deps.storage.throttle.clearPrefix('');
  });

  async function signedIn(userId = ALICE.id): Promise<{ sid: string; cookies: Record<string, string> }> {
    const { session, cookieValue } = await server.deps.sessions.create(userId, server.fixture.clock.now());
    return {
      sid: session.id,
      cookies: { [cookieName(true)]: cookieValue, [csrfCookieName(true)]: CSRF_COOKIE },
    };
  }

  function post(path: string, cookies: Record<string, string>, purpose: string, fields = {}) {
    const csrf = csrfToken(server.deps.csrfKey, CSRF_COOKIE, purpose);
    return server.app.inject({
      method: 'POST',
      url: path,
      cookies,
      payload: new URLSearchParams({ csrf, ...fields }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  async function consentTo(clientId: string, scopes = ['openid', 'email']): Promise<string> {
    const now = server.fixture.clock.now();
    await server.deps.storage.consents.put({ userId: ALICE.id, clientId, scopes, createdAt: now });
    const grantId = `grant-${clientId}-${Math.random()}`;
    await server.deps.storage.grants.create({
      id: grantId,
      userId: ALICE.id,
      clientId,
      scopes,
      sessionId: null,
      authTime: now,
      createdAt: now,
      expiresAt: now + 3_600_000,
      revokedAt: null,
    });
    return grantId;
  }

  it('sends browsers that open / to the account page', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/' });
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers['location'], paths.welcome);
  });

  it('names the user and lists the apps they allowed, with the scopes in words', async () => {
    await consentTo(WEB.id);
    const { cookies } = await signedIn();
    const response = await server.app.inject({ method: 'GET', url: paths.welcome, cookies });
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /Signed in as Alice Liddell\./);
    assert.match(response.body, /<span class="account-id">alice<\/span>/);
    assert.match(response.body, new RegExp(`value="${WEB.id}"`));
    assert.match(response.body, /See your email address/);
    assert.doesNotMatch(response.body, new RegExp(`value="${OTHER.id}"`), 'only apps she allowed');
    assert.match(response.body, /id="current-password"/, 'a built-in user gets the password form');
  });

  it('tells a directory user their password is managed elsewhere', async () => {
    await server.deps.storage.users.remove(ALICE.id);
    const { cookies } = await signedIn();
    const response = await server.app.inject({ method: 'GET', url: paths.welcome, cookies });
    assert.match(response.body, /managed by your organisation/);
    assert.doesNotMatch(response.body, /type="password"/);
    const change = await post(paths.changePassword, cookies, purposes.changePassword, {
      current_password: 'x',
      new_password: 'new-password-2',
      confirm_password: 'new-password-2',
    });
    assert.equal(change.statusCode, 403);
  });

  it('remove access forgets the consent and revokes the app’s grants, and no other app’s', async () => {
    const webGrant = await consentTo(WEB.id);
    const otherGrant = await consentTo(OTHER.id);
    const { cookies } = await signedIn();
    const response = await post(paths.removeAccess, cookies, purposes.removeAccess, { client_id: WEB.id });
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers['location'], `${paths.welcome}?done=access_removed`);
    assert.equal(await server.deps.storage.consents.get(ALICE.id, WEB.id), null);
    assert.notEqual((await server.deps.storage.grants.get(webGrant))?.revokedAt, null);
    assert.notEqual(await server.deps.storage.consents.get(ALICE.id, OTHER.id), null);
    assert.equal((await server.deps.storage.grants.get(otherGrant))?.revokedAt, null);
    const page = await server.app.inject({ method: 'GET', url: response.headers['location'], cookies });
    assert.match(page.body, /role="status"/);
    assert.match(page.body, /Access removed\./);
  });

  it('refuses a form without a valid CSRF token', async () => {
    await consentTo(WEB.id);
    const { cookies } = await signedIn();
    const forged = await post(paths.removeAccess, cookies, purposes.signOutEverywhere, { client_id: WEB.id });
    assert.equal(forged.statusCode, 403);
    assert.notEqual(await server.deps.storage.consents.get(ALICE.id, WEB.id), null);
  });

  it('sends a browser without a session to the sign-in page', async () => {
    const cookies = { [csrfCookieName(true)]: CSRF_COOKIE };
    const response = await post(paths.signOutEverywhere, cookies, purposes.signOutEverywhere);
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers['location'], paths.signIn);
  });

  it('sign out everywhere ends every session of the user, tells their apps, and leaves others signed in', async () => {
    const here = await signedIn();
    const elsewhere = await signedIn();
    const bob = await signedIn('uid=bob');
    const now = server.fixture.clock.now();
    for (const [i, sid] of [here.sid, elsewhere.sid].entries()) {
      await server.deps.storage.grants.create({
        id: `listener-grant-${i}-${now}`,
        userId: ALICE.id,
        clientId: LISTENER.id,
        scopes: ['openid'],
        sessionId: sid,
        authTime: now,
        createdAt: now,
        expiresAt: now + 3_600_000,
        revokedAt: null,
      });
    }
    const response = await post(paths.signOutEverywhere, here.cookies, purposes.signOutEverywhere);
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /You have been signed out\./);
    assert.ok(
      response.cookies.some((c) => c.name === cookieName(true) && c.value === ''),
      'the session cookie is cleared',
    );
    assert.deepEqual(await server.deps.storage.sessions.listByUser(ALICE.id, now), []);
    assert.equal((await server.deps.storage.sessions.listByUser('uid=bob', now)).length, 1);
    assert.notEqual(await server.deps.sessions.get(bob.sid), null);
    const deliveries = await server.deps.storage.backchannelDeliveries.claimDue(now, 10, 1000);
    assert.equal(deliveries.filter((d) => d.clientId === LISTENER.id).length, 2, 'one per session');
  });

  describe('changing the password', () => {
    const change = (cookies: Record<string, string>, current: string, next: string, again = next) =>
      post(paths.changePassword, cookies, purposes.changePassword, {
        current_password: current,
        new_password: next,
        confirm_password: again,
      });
    const storedHash = async () => (await server.deps.storage.users.getById(ALICE.id))?.passwordHash ?? '';

    it('sets the new password and ends the other sessions, not this one', async () => {
      const here = await signedIn();
      const elsewhere = await signedIn();
      const response = await change(here.cookies, OLD_PASSWORD, 'new-password-2');
      assert.equal(response.statusCode, 302);
      assert.equal(response.headers['location'], `${paths.welcome}?done=password_changed`);
      assert.equal(await verifyPassword(await storedHash(), 'new-password-2'), true);
      assert.match(await storedHash(), /^\$argon2id\$/);
      assert.equal(await verifyPassword(await storedHash(), OLD_PASSWORD), false);
      assert.notEqual(await server.deps.sessions.get(here.sid), null);
      assert.equal(await server.deps.sessions.get(elsewhere.sid), null);
      const renewed = response.cookies.find((c) => c.name === cookieName(true));
      assert.ok(renewed && renewed.value !== here.cookies[cookieName(true)], 'a new cookie secret');
    });

    it('refuses a wrong current password and changes nothing', async () => {
      const { cookies } = await signedIn();
      const response = await change(cookies, 'not-the-password', 'new-password-2');
      assert.equal(response.statusCode, 401);
      assert.match(response.body, /The current password is incorrect\./);
      assert.equal(await verifyPassword(await storedHash(), OLD_PASSWORD), true);
    });

    it('refuses new passwords that differ or are shorter than sesame user add allows', async () => {
      const { cookies } = await signedIn();
      const mismatch = await change(cookies, OLD_PASSWORD, 'new-password-2', 'new-password-3');
      assert.equal(mismatch.statusCode, 400);
      assert.match(mismatch.body, /The new passwords do not match\./);
      const short = await change(cookies, OLD_PASSWORD, 'short');
      assert.equal(short.statusCode, 400);
      assert.match(short.body, /at least 8 characters long/);
      assert.equal(await verifyPassword(await storedHash(), OLD_PASSWORD), true);
    });

    it('throttles guesses of the current password, and says how long to wait', async () => {
      const { cookies } = await signedIn();
      const limit = server.deps.config.throttle.maxFailuresPerAccountAddress;
      for (let i = 0; i < limit; i++) {
        assert.equal((await change(cookies, `guess-${i}-password`, 'new-password-2')).statusCode, 401);
      }
      const refused = await change(cookies, OLD_PASSWORD, 'new-password-2');
      assert.equal(refused.statusCode, 429);
      assert.match(String(refused.headers['retry-after']), /^\d+$/);
      assert.match(refused.body, /Too many failed attempts/);
      assert.equal(await verifyPassword(await storedHash(), OLD_PASSWORD), true, 'even the right one waits');
    });
  });
});
