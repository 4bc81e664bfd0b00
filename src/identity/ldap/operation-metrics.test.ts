import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BusyError, InsufficientAccessError } from 'ldapts';
import { IdentityUnavailableError } from '../types.js';
import type { LdapErrorKind } from '../../metrics/metrics.js';
import { operationLabel, timedLdapOperation } from './operation-metrics.js';

function recorder() {
  const calls: { operation: string; seconds: number; error: LdapErrorKind | null }[] = [];
  const metrics = {
    ldapOperation: (operation: string, seconds: number, error: LdapErrorKind | null) =>
      void calls.push({ operation, seconds, error }),
  };
  return { metrics, calls };
}

describe('LDAP operation metrics', () => {
  it('names operations after what the call site says', () => {
    assert.equal(operationLabel('LDAP user search'), 'user_search');
    assert.equal(operationLabel('LDAP group search'), 'group_search');
  });

  it('times an operation and passes its answer on', async () => {
    const { metrics, calls } = recorder();
    assert.equal(await timedLdapOperation(metrics, 'user_search', async () => 42), 42);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.operation, 'user_search');
    assert.equal(calls[0]?.error, null);
    assert.ok((calls[0]?.seconds ?? -1) >= 0);
  });

  it('counts an outage as unavailable and another directory answer as refused, rethrowing both', async () => {
    const { metrics, calls } = recorder();
    const failures = [
      new IdentityUnavailableError('cannot connect to the LDAP server'),
      new Error('connect ECONNREFUSED'),
      new BusyError(),
      new InsufficientAccessError(),
    ];
    for (const failure of failures) {
      await assert.rejects(
        timedLdapOperation(metrics, 'user_bind', () => Promise.reject(failure)),
        (error) => error === failure,
      );
    }
    assert.deepEqual(
      calls.map((c) => c.error),
      ['unavailable', 'unavailable', 'unavailable', 'refused'],
    );
  });
});
