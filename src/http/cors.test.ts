import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testClient } from '../clients/test-client.js';
import { paths } from '../endpoints/paths.js';
import { discoveryHandler } from '../endpoints/discovery/handler.js';
import { jwksHandler } from '../endpoints/jwks/handler.js';
import { handleToken } from '../endpoints/token/handler.js';
import { handleUserinfo } from '../endpoints/userinfo/handler.js';
import { showWelcome } from '../endpoints/signin/welcome.js';
import type { BrowserDeps } from '../endpoints/types.js';
import type { Route } from './routes.js';
import { startTestServer, type TestServer } from './test-fixture.js';

const SPA = testClient({
  id: 'spa',
  redirectUris: ['https://spa.example.com/cb'],
  origins: ['https://spa.example.com'],
});
/** Registered with a path and a capital letter: stands for its origin. */
const MEET = testClient({
  id: 'meet',
  redirectUris: ['https://meet.example.com/meet/'],
  origins: ['https://Meet.example.com/meet/', '*'],
});
const ISSUER_ORIGIN = 'https://sso.example.com';

/** The API routes as src/routes.ts declares them (its table is checked in routes.test.ts), and a page. */
function apiRoutes(deps: BrowserDeps): Route[] {
  return [
    { methods: ['GET'], path: paths.discovery, audience: 'api', cors: true, handle: discoveryHandler(deps) },
    { methods: ['GET'], path: paths.jwks, audience: 'api', cors: true, handle: jwksHandler(deps) },
    { methods: ['GET', 'POST'], path: paths.token, audience: 'api', cors: true, handle: handleToken },
    { methods: ['GET', 'POST'], path: paths.userinfo, audience: 'api', cors: true, handle: handleUserinfo },
    { methods: ['GET'], path: paths.welcome, audience: 'browser', handle: showWelcome },
  ];
}

describe('CORS on the API endpoints (Konnect provider.go; kopano-meet.md question 5)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clients: [SPA, MEET], routes: apiRoutes });
  });
  after(() => server.close());

  const get = (url: string, origin?: string) =>
    server.app.inject({ method: 'GET', url, headers: origin ? { origin } : {} });
  const preflight = (url: string, origin: string) =>
    server.app.inject({
      method: 'OPTIONS',
      url,
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });

  it("lets a registered client's browser code read discovery, JWKS and userinfo answers", async () => {
    for (const url of [paths.discovery, paths.jwks, paths.userinfo]) {
      const response = await get(url, 'https://spa.example.com');
      assert.equal(response.headers['access-control-allow-origin'], 'https://spa.example.com', url);
      assert.equal(response.headers['vary'], 'Origin', url);
      assert.equal(response.headers['access-control-allow-credentials'], undefined, url);
    }
  });

  it("allows the issuer's own origin and a registered origin written with a path", async () => {
    assert.equal(
      (await get(paths.discovery, ISSUER_ORIGIN)).headers['access-control-allow-origin'],
      ISSUER_ORIGIN,
    );
    assert.equal(
      (await get(paths.discovery, 'https://meet.example.com')).headers['access-control-allow-origin'],
      'https://meet.example.com',
    );
  });

  it('gives any other origin the answer without CORS headers, so its scripts cannot read it', async () => {
    for (const origin of ['https://evil.example', 'null', 'https://spa.example.com.evil.example', '*']) {
      const response = await get(paths.discovery, origin);
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['access-control-allow-origin'], undefined, origin);
      assert.equal(response.headers['vary'], 'Origin', 'caches must still key on Origin');
    }
    assert.equal((await get(paths.discovery)).headers['access-control-allow-origin'], undefined);
  });

  it('keeps the CORS header on error answers, so the relying party can read the error', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: paths.token,
      headers: { origin: 'https://spa.example.com', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=authorization_code&code=nope&client_id=spa',
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.headers['access-control-allow-origin'], 'https://spa.example.com');
  });

  it('answers an allowed preflight with the methods, headers and a max-age', async () => {
    const response = await preflight(paths.token, 'https://spa.example.com');
    assert.equal(response.statusCode, 204);
    assert.equal(response.headers['access-control-allow-origin'], 'https://spa.example.com');
    assert.match(String(response.headers['access-control-allow-methods']), /\bPOST\b/);
    assert.equal(response.headers['access-control-allow-headers'], 'authorization, content-type');
    assert.equal(response.headers['access-control-max-age'], '600');
    assert.equal(response.headers['access-control-allow-credentials'], undefined);
  });

  it('answers a preflight from an unknown origin with 204 and no CORS headers', async () => {
    const response = await preflight(paths.userinfo, 'https://evil.example');
    assert.equal(response.statusCode, 204);
    for (const name of Object.keys(response.headers)) assert.ok(!name.startsWith('access-control-'), name);
  });

  it('follows the registry: an origin is allowed once its client is registered, not before', async () => {
    const late = 'https://late.example.org';
    assert.equal((await get(paths.discovery, late)).headers['access-control-allow-origin'], undefined);
    server.clients.push(testClient({ id: 'late', redirectUris: [`${late}/cb`], origins: [late] }));
    try {
      assert.equal((await get(paths.discovery, late)).headers['access-control-allow-origin'], late);
    } finally {
      server.clients.pop();
    }
    assert.equal((await get(paths.discovery, late)).headers['access-control-allow-origin'], undefined);
  });

  it('sends no CORS headers on the browser pages', async () => {
    const response = await get(paths.welcome, 'https://spa.example.com');
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  });
});
