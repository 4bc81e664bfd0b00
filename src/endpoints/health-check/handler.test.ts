import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointRequest } from '../types.js';
import type { DependencyChecks } from './dependencies.js';
import type { DependencyStatus } from './identity-health.js';
import { healthCheck, liveCheck } from './handler.js';

const REQUEST: EndpointRequest = {
  method: 'GET',
  path: '/health-check',
  query: new Map(),
  body: new Map(),
  headers: {},
  cookies: {},
  clientAddress: '127.0.0.1',
};

const OK: DependencyStatus = { ok: true };
const down = (reason: string): DependencyStatus => ({ ok: false, reason });

/** Health-check dependencies whose answers the test sets. */
function dependencies(storage: DependencyStatus, ldap: DependencyStatus | null): DependencyChecks {
  return {
    storageHealth: { check: async () => storage },
    identityHealth: ldap === null ? null : { name: 'ldap', check: async () => ldap },
  };
}

describe('/health-check', () => {
  it('answers 200 as before while storage and the directory answer', async () => {
    const response = await healthCheck(REQUEST, dependencies(OK, OK));
    assert.equal(response.kind, 'json');
    assert.equal(response.kind === 'json' && response.status, 200);
    assert.deepEqual(response.kind === 'json' && response.body, { status: 'ok' });
  });

  it('answers 503 with Retry-After naming the directory while only LDAP fails', async () => {
    const response = await healthCheck(REQUEST, dependencies(OK, down('service bind rejected')));
    assert.equal(response.kind === 'json' && response.status, 503);
    assert.equal(response.headers?.['retry-after'], '5');
    assert.equal(response.headers?.['cache-control'], 'no-store');
    assert.deepEqual(response.kind === 'json' && response.body, { status: 'unavailable', failing: ['ldap'] });
  });

  it('names storage first when both fail, and keeps the reasons out of the body', async () => {
    const response = await healthCheck(REQUEST, dependencies(down('ECONNREFUSED'), down('ECONNREFUSED')));
    assert.deepEqual(response.kind === 'json' && response.body, {
      status: 'unavailable',
      failing: ['storage', 'ldap'],
    });
  });

  it('names storage alone for built-in users, which have no other dependency', async () => {
    const response = await healthCheck(REQUEST, dependencies(down('database is closed'), null));
    assert.deepEqual(response.kind === 'json' && response.body, {
      status: 'unavailable',
      failing: ['storage'],
    });
  });
});

describe('/health-check/live', () => {
  it('answers 200 whatever the dependencies do', async () => {
    const response = await liveCheck({ ...REQUEST, path: '/health-check/live' });
    assert.equal(response.kind === 'json' && response.status, 200);
    assert.deepEqual(response.kind === 'json' && response.body, { status: 'ok' });
  });
});
