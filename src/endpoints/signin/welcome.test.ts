import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../http/test-fixture.js';
import { cookieName } from '../../sessions/session-manager.js';
import { ALICE } from '../token/test-fixture.js';
import { paths } from '../paths.js';
import { showWelcome } from './welcome.js';

describe('GET /signin/v1/welcome (kpop app grid, kopano-meet.md §K)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      routes: () => [{ methods: ['GET'], path: paths.welcome, audience: 'browser', handle: showWelcome }],
    });
  });
  after(() => server.close());

  async function signedInCookie(): Promise<Record<string, string>> {
    const { cookieValue } = await server.deps.sessions.create(ALICE.id, server.fixture.clock.now());
    return { [cookieName(true)]: cookieValue };
  }

  it('sends a browser without a session to the sign-in page', async () => {
    const response = await server.app.inject({ method: 'GET', url: paths.welcome });
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers['location'], paths.signIn);
  });

  it('treats an unknown session cookie as signed out', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: paths.welcome,
      cookies: { [cookieName(true)]: 'not-a-session' },
    });
    assert.equal(response.statusCode, 302);
  });

  it('greets a signed-in user by name and offers to sign out', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: paths.welcome,
      cookies: await signedInCookie(),
    });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/html/);
    assert.match(response.body, /Alice Liddell/);
    assert.match(response.body, new RegExp(`<form method="post" action="${paths.endSession}"`));
    assert.match(response.body, /name="csrf" value="[^"]+"/);
    assert.equal(response.headers['x-frame-options'], 'DENY');
    assert.ok(response.headers['set-cookie'], 'the CSRF cookie for the sign-out form');
  });

  it('speaks German to a German browser', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: paths.welcome,
      cookies: await signedInCookie(),
      headers: { 'accept-language': 'de-DE,de;q=0.9' },
    });
    assert.match(response.body, /<h1>Ihr Konto<\/h1>/);
  });

  it('shows the unavailable page when the directory is down', async () => {
    const cookies = await signedInCookie();
    server.fixture.directory.down = true;
    try {
      const response = await server.app.inject({ method: 'GET', url: paths.welcome, cookies });
      assert.equal(response.statusCode, 503);
      assert.match(String(response.headers['content-type']), /^text\/html/);
    } finally {
      server.fixture.directory.down = false;
    }
  });
});
