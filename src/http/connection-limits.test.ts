import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { timeoutOptions } from './connection-limits.js';

const HTTP = {
  requestTimeoutSeconds: 30,
  headersTimeoutSeconds: 10,
  keepAliveTimeoutSeconds: 5,
  maxConnections: 1000,
};

describe('timeoutOptions', () => {
  it('turns the http settings into milliseconds, with a socket idle limit that outlasts a slow directory', () => {
    const options = timeoutOptions(HTTP);
    assert.equal(options.requestTimeout, 30_000);
    assert.equal(options.connectionTimeout, 120_000, 'at least two minutes');
    assert.equal(timeoutOptions({ ...HTTP, requestTimeoutSeconds: 90 }).connectionTimeout, 180_000);
    assert.equal(options.keepAliveTimeout, 5_000);
    assert.equal(options.http.requestTimeout, 30_000);
    assert.equal(options.http.headersTimeout, 10_000);
  });

  it('checks the timeouts at least once a second, not every 30 s as Node would', () => {
    assert.equal(timeoutOptions(HTTP).http.connectionsCheckingInterval, 1000);
    const short = timeoutOptions({ ...HTTP, requestTimeoutSeconds: 1, headersTimeoutSeconds: 1 });
    assert.ok(short.http.connectionsCheckingInterval <= 1000);
  });

  it('caps the headers timeout at the request timeout, so Node accepts a longer one in the config', () => {
    const options = timeoutOptions({ ...HTTP, requestTimeoutSeconds: 5, headersTimeoutSeconds: 10 });
    assert.equal(options.http.headersTimeout, 5_000);
    assert.throws(() => createServer({ requestTimeout: 5_000, headersTimeout: 10_000 }), /headersTimeout/);
    const server = createServer(options.http);
    assert.equal(server.headersTimeout, 5_000);
    assert.equal(server.requestTimeout, 5_000);
  });
});
