import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../http/test-fixture.js';
import { FORM_POST_SCRIPT_SOURCE } from '../views/pages/form-post.js';
import { formPostResponse } from './pages.js';

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: unknown): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of String(header).split(';')) {
    const [name = '', ...values] = part.trim().split(/\s+/);
    if (name !== '') map.set(name, values.join(' '));
  }
  return map;
}

describe('form_post response page headers (OAuth 2.0 Form Post Response Mode §2)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      routes: () => [
        {
          methods: ['GET'],
          path: '/form-post',
          audience: 'browser',
          handle: async (req) =>
            formPostResponse(req.query.get('to')?.[0] ?? '', { code: 'c1', state: 's1' }),
        },
      ],
    });
  });
  after(() => server.close());

  const formPost = (to: string) =>
    server.app.inject({ method: 'GET', url: `/form-post?to=${encodeURIComponent(to)}` });

  it('runs only its auto-submit script and posts only to the redirect origin', async () => {
    const response = await formPost('https://rp.example.com/cb?tenant=a');
    assert.equal(response.statusCode, 200);
    const csp = directives(response.headers['content-security-policy']);
    assert.equal(csp.get('script-src'), FORM_POST_SCRIPT_SOURCE);
    assert.equal(csp.get('default-src'), "'none'");
    assert.equal(csp.get('form-action'), "'self' https://rp.example.com");
    assert.equal(csp.get('base-uri'), "'none'");
  });

  it('may be framed by the redirect URI’s origin alone, for silent sign-in in an iframe', async () => {
    const response = await formPost('https://rp.example.com:8443/silent-callback');
    const csp = directives(response.headers['content-security-policy']);
    assert.equal(csp.get('frame-ancestors'), 'https://rp.example.com:8443');
    assert.equal(response.headers['x-frame-options'], undefined, 'no X-Frame-Options to contradict it');
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  it('may not be framed when the redirect URI has no web origin (a native app)', async () => {
    const response = await formPost('com.example.app:/oauth2redirect');
    const csp = directives(response.headers['content-security-policy']);
    assert.equal(csp.get('form-action'), "'self' com.example.app:");
    assert.equal(csp.get('frame-ancestors'), "'none'");
    assert.equal(response.headers['x-frame-options'], 'DENY');
  });

  it('leaves every other page unframeable and without script', async () => {
    const other = await server.app.inject({ method: 'GET', url: '/signin/v1/nothing-here' });
    const csp = directives(other.headers['content-security-policy']);
    assert.equal(csp.get('frame-ancestors'), "'none'");
    assert.equal(csp.has('script-src'), false);
    assert.equal(other.headers['x-frame-options'], 'DENY');
  });
});
