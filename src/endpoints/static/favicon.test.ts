import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../http/test-fixture.js';
import { paths } from '../paths.js';
import { favicon } from './favicon.js';

describe('GET /favicon.ico (kopano-meet.md req. 34)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      routes: () => [{ methods: ['GET'], path: paths.favicon, audience: 'browser', handle: favicon }],
    });
  });
  after(() => server.close());

  it('answers 200 with an SVG image that may be cached for a day', async () => {
    const response = await server.app.inject({ method: 'GET', url: paths.favicon });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'image/svg+xml');
    assert.equal(response.headers['cache-control'], 'public, max-age=86400');
    assert.match(
      response.body,
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 28 28"[^>]*>.*<\/svg>\n$/s,
    );
  });

  it('is a small image with nothing active in it', async () => {
    const response = await server.app.inject({ method: 'GET', url: paths.favicon });
    assert.ok(response.body.length < 1024);
    assert.doesNotMatch(response.body, /<script|on\w+=|href=/i);
  });
});
