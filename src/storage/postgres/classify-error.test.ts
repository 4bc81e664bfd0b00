import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyPostgresError, isRetryablePostgresError } from './classify-error.js';

/** An error as `pg` reports one from the server (SQLSTATE in `code`) or from the socket. */
const pgError = (code: string): Error => Object.assign(new Error(`error ${code}`), { code });

describe('classifyPostgresError', () => {
  it('reports a serialization or deadlock check that kept losing as a lost race, not an outage', () => {
    for (const code of ['40001', '40P01']) {
      assert.equal(isRetryablePostgresError(pgError(code)), true, code);
      assert.equal(classifyPostgresError(pgError(code)), 'contended', code);
    }
  });

  it('reports a lost connection, a shutting-down server and too many connections as an outage', () => {
    for (const code of ['ECONNREFUSED', '08006', '57P01', '53300']) {
      assert.equal(classifyPostgresError(pgError(code)), 'unavailable', code);
    }
    assert.equal(classifyPostgresError(new Error('Connection terminated unexpectedly')), 'unavailable');
  });

  it('reports constraint violations as conflicts and damaged data as corrupt', () => {
    assert.equal(classifyPostgresError(pgError('23505')), 'conflict');
    assert.equal(classifyPostgresError(pgError('23503')), 'conflict');
    assert.equal(classifyPostgresError(pgError('XX001')), 'corrupt');
  });
});
