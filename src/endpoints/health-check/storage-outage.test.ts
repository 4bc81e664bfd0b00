import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { routes } from '../../routes.js';
import { startTestServer, type TestServer } from '../../http/test-fixture.js';
import { paths } from '../paths.js';
import { CHALLENGE, REDIRECT_URI, VERIFIER, basic, seedCode } from '../token/test-fixture.js';
import { TestOutageStorage } from './test-outage-storage.js';

// Issue 9: while the database cannot be reached, what needs it answers 503 with Retry-After,
// the process stays up, /health-check says so, and service resumes by itself.

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('while the database is unreachable', () => {
  let database: TestOutageStorage;
  let server: TestServer;

  before(async () => {
    database = await TestOutageStorage.create();
    server = await startTestServer({
      routes: (deps) => routes(deps, null),
      storage: database.storage,
    });
  });
  after(async () => {
    await server.close();
    await database.remove();
  });

  /** The outage under test: down for `during`, back afterwards whatever `during` did. */
  async function outage(during: () => Promise<void>): Promise<void> {
    await database.goDown();
    try {
      await during();
    } finally {
      await database.comeBack();
      server.fixture.clock.advance(1000);
    }
  }

  function redeem(code: string) {
    return server.app.inject({
      method: 'POST',
      url: paths.token,
      headers: { ...FORM, authorization: basic('web-app', 'web-secret') },
      payload: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: VERIFIER,
      }).toString(),
    });
  }

  it('the token endpoint answers 503 temporarily_unavailable with Retry-After, and redeems the code once the database is back', async () => {
    const { code } = await seedCode(server.fixture, { challenge: CHALLENGE });
    await outage(async () => {
      const refused = await redeem(code);
      assert.equal(refused.statusCode, 503);
      assert.equal(refused.headers['retry-after'], '5');
      assert.match(String(refused.headers['content-type']), /^application\/json/);
      const body = refused.json<Record<string, string>>();
      assert.equal(body['error'], 'temporarily_unavailable');
      assert.ok(body['error_description'] && !body['error_description'].includes('destroyed'));
    });
    const served = await redeem(code);
    assert.equal(served.statusCode, 200, served.body);
    assert.ok(served.json<{ access_token?: string }>().access_token);
  });

  it('userinfo answers 503 with Retry-After, and the same access token works once the database is back', async () => {
    const { code } = await seedCode(server.fixture, { challenge: CHALLENGE });
    const tokens = await redeem(code);
    const accessToken = tokens.json<{ access_token: string }>().access_token;
    const userinfo = () =>
      server.app.inject({
        method: 'GET',
        url: paths.userinfo,
        headers: { authorization: `Bearer ${accessToken}` },
      });
    await outage(async () => {
      const refused = await userinfo();
      assert.equal(refused.statusCode, 503);
      assert.equal(refused.headers['retry-after'], '5');
      assert.equal(refused.json<{ error: string }>().error, 'temporarily_unavailable');
    });
    assert.equal((await userinfo()).statusCode, 200);
  });

  for (const [name, path, form] of [
    ['revocation', paths.revocation, { token: 'some-refresh-token' }],
    ['introspection', paths.introspection, { token: 'some-refresh-token' }],
    [
      'pushed authorization',
      paths.pushedAuthorization,
      { response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: CHALLENGE },
    ],
  ] as const) {
    it(`the ${name} endpoint answers 503 temporarily_unavailable with Retry-After`, async () => {
      await outage(async () => {
        const refused = await server.app.inject({
          method: 'POST',
          url: path,
          headers: { ...FORM, authorization: basic('web-app', 'web-secret') },
          payload: new URLSearchParams({ ...form, code_challenge_method: 'S256' }).toString(),
        });
        assert.equal(refused.statusCode, 503, refused.body);
        assert.equal(refused.headers['retry-after'], '5');
        assert.equal(refused.json<{ error: string }>().error, 'temporarily_unavailable');
      });
    });
  }

  it('the sign-in page is a readable 503 page, in German for a German browser', async () => {
    await outage(async () => {
      const page = await server.app.inject({
        method: 'GET',
        url: `${paths.signIn}?interaction=abc`,
        headers: { 'accept-language': 'de-DE,de;q=0.9' },
      });
      assert.equal(page.statusCode, 503);
      assert.equal(page.headers['retry-after'], '5');
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.match(page.body, /<h1>Vorübergehend nicht verfügbar<\/h1>/);
      assert.match(page.body, /Bitte versuchen Sie es in einigen Sekunden erneut/);
      assert.doesNotMatch(page.body, /destroyed|storage failed/);
    });
  });

  it('the authorization endpoint sends temporarily_unavailable back to a verified redirect_uri', async () => {
    await outage(async () => {
      const response = await server.app.inject({
        method: 'GET',
        url: `${paths.authorize}?${new URLSearchParams({
          client_id: 'web-app',
          redirect_uri: REDIRECT_URI,
          response_type: 'code',
          scope: 'openid',
          state: 'st-1',
          code_challenge: CHALLENGE,
          code_challenge_method: 'S256',
        }).toString()}`,
      });
      assert.equal(response.statusCode, 302, response.body);
      const location = new URL(String(response.headers.location));
      assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI);
      assert.equal(location.searchParams.get('error'), 'temporarily_unavailable');
      assert.equal(location.searchParams.get('state'), 'st-1');
    });
  });

  it('/health-check answers 503 naming storage while the database is down, and 200 once it is back', async () => {
    const health = () => server.app.inject({ method: 'GET', url: paths.healthCheck });
    assert.equal((await health()).statusCode, 200);
    await outage(async () => {
      server.fixture.clock.advance(1000);
      const down = await health();
      assert.equal(down.statusCode, 503);
      assert.equal(down.headers['retry-after'], '5');
      assert.deepEqual(down.json(), { status: 'unavailable', failing: ['storage'] });
      // Concurrent checks share one answer.
      const many = await Promise.all(Array.from({ length: 20 }, health));
      assert.deepEqual(new Set(many.map((r) => r.statusCode)), new Set([503]));
    });
    assert.equal((await health()).statusCode, 200);
  });
});
