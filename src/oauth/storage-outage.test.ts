import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StorageError } from '../storage/types.js';
import { isStorageOutage, storageUnavailable } from './storage-outage.js';

describe('isStorageOutage', () => {
  it('recognizes a database that cannot be reached', () => {
    assert.equal(isStorageOutage(new StorageError('unavailable', 'connection refused')), true);
  });

  it('does not take a lost race, a conflict, damaged data or any other error for an outage', () => {
    assert.equal(isStorageOutage(new StorageError('contended', 'kept losing races')), false);
    assert.equal(isStorageOutage(new StorageError('conflict', 'duplicate key')), false);
    assert.equal(isStorageOutage(new StorageError('corrupt', 'newer schema')), false);
    assert.equal(isStorageOutage(new Error('unavailable')), false);
  });
});

describe('storageUnavailable', () => {
  it('answers 503 temporarily_unavailable, keeping the storage error for the log only', () => {
    const error = storageUnavailable(new StorageError('unavailable', 'connect ECONNREFUSED 10.0.0.5:5432'));
    assert.equal(error.code, 'temporarily_unavailable');
    assert.equal(error.status, 503);
    assert.equal(error.detail, 'connect ECONNREFUSED 10.0.0.5:5432');
    assert.doesNotMatch(error.description, /ECONNREFUSED/);
  });
});
