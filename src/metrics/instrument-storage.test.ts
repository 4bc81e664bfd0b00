import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runStorageConformance } from '../storage/conformance/storage-conformance.js';
import { createMemoryStorage } from '../storage/memory/memory-storage.js';
import { createSqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import { StorageError, type Storage } from '../storage/types.js';
import { instrumentStorage } from './instrument-storage.js';
import { noMetrics, type Metrics, type StorageErrorLabel } from './metrics.js';

interface Call {
  readonly operation: string;
  readonly seconds: number;
  readonly error: StorageErrorLabel | null;
}

function recorder(): { metrics: Pick<Metrics, 'storageOperation'>; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    metrics: {
      storageOperation: (operation, seconds, error) => void calls.push({ operation, seconds, error }),
    },
  };
}

// Instrumented storage is still storage: the whole suite, on an engine of each kind.
runStorageConformance('memory, instrumented', async () =>
  instrumentStorage(createMemoryStorage(), noMetrics),
);
runStorageConformance('sqlite, instrumented', async () =>
  instrumentStorage(await createSqliteStorage(':memory:'), noMetrics),
);

describe('instrumentStorage', () => {
  it('times each store call as <store>.<method>, with the answer unchanged', async () => {
    const { metrics, calls } = recorder();
    const storage = instrumentStorage(await createSqliteStorage(':memory:'), metrics);
    try {
      assert.equal(await storage.grants.get('no-such-grant'), null);
      assert.equal(await storage.throttle.hit('k', Date.now(), 60_000), 1);
      await storage.purgeExpired(Date.now());
      assert.deepEqual(
        calls.map((c) => [c.operation, c.error]),
        [
          ['grants.get', null],
          ['throttle.hit', null],
          ['purgeExpired', null],
        ],
      );
      assert.ok(calls.every((c) => c.seconds >= 0 && c.seconds < 10));
    } finally {
      await storage.close();
    }
  });

  it('counts a StorageError by its kind and anything else as other, and rethrows it unchanged', async () => {
    const { metrics, calls } = recorder();
    const outage = new StorageError('unavailable', 'connection refused');
    const broken = new TypeError('bug');
    const base = createMemoryStorage();
    const failing: Storage = {
      ...base,
      grants: { ...base.grants, get: () => Promise.reject(outage) },
      sessions: {
        ...base.sessions,
        touch: () => {
          throw broken;
        },
      },
    };
    const storage = instrumentStorage(failing, metrics);
    await assert.rejects(storage.grants.get('g'), (error) => error === outage);
    assert.throws(
      () => storage.sessions.touch('s', 0),
      (error) => error === broken,
    );
    assert.deepEqual(
      calls.map((c) => [c.operation, c.error]),
      [
        ['grants.get', 'unavailable'],
        ['sessions.touch', 'other'],
      ],
    );
  });

  it('hands out the same wrapped store every time and leaves close untimed', async () => {
    const { metrics, calls } = recorder();
    const storage = instrumentStorage(createMemoryStorage(), metrics);
    assert.equal(storage.grants, storage.grants);
    assert.equal(storage.grants.get, storage.grants.get);
    await storage.close();
    assert.deepEqual(calls, []);
  });
});
