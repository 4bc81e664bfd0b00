import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OAuthError } from '../oauth/errors.js';
import { StorageError } from '../storage/types.js';
import { toOAuthError } from './error-boundary.js';

describe('toOAuthError', () => {
  it('keeps an OAuthError as it is', () => {
    const error = new OAuthError('invalid_grant', 'expired');
    assert.equal(toOAuthError(error), error);
  });

  it('answers storage that cannot be reached, and writes that kept colliding, with 503', () => {
    for (const kind of ['unavailable', 'contended'] as const) {
      const answer = toOAuthError(new StorageError(kind, 'detail for the log'));
      assert.deepEqual(
        [answer.code, answer.status, answer.detail],
        ['temporarily_unavailable', 503, 'detail for the log'],
      );
    }
  });

  it('keeps a framework 4xx as invalid_request, 413 included, and anything else as a 500', () => {
    assert.deepEqual(
      [413, 400].map((statusCode) => toOAuthError(Object.assign(new Error('x'), { statusCode })).status),
      [413, 400],
    );
    const internal = toOAuthError(new StorageError('corrupt', 'newer schema'));
    assert.deepEqual([internal.code, internal.status], ['server_error', 500]);
    assert.doesNotMatch(internal.description, /schema/);
  });
});
