import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { ManualClock } from '../../lib/clock.js';
import type { Storage } from '../../storage/types.js';
import { StorageHealth } from './storage-health.js';
import { TestOutageStorage } from './test-outage-storage.js';

interface LogLine {
  readonly level: number;
  readonly msg: string;
}

describe('StorageHealth', () => {
  const databases: TestOutageStorage[] = [];
  after(async () => {
    for (const database of databases) await database.remove();
  });

  let database: TestOutageStorage;
  let clock: ManualClock;
  let lines: LogLine[];
  let pings: number;
  let health: StorageHealth;

  beforeEach(async () => {
    database = await TestOutageStorage.create();
    databases.push(database);
    clock = new ManualClock();
    lines = [];
    pings = 0;
    // The real storage, counting the reads a health check makes.
    const storage: Storage = {
      ...database.storage,
      grants: {
        ...database.storage.grants,
        get: (id) => {
          pings++;
          return database.storage.grants.get(id);
        },
      },
    };
    const log = pino(
      { level: 'debug' },
      { write: (line: string) => lines.push(JSON.parse(line) as LogLine) },
    );
    health = new StorageHealth({ storage, clock, log });
  });

  const warnings = () => lines.filter((line) => line.level === 40).map((line) => line.msg);

  it('logs an outage once when it begins and once when the database is back, not per request', async () => {
    assert.deepEqual(await health.check(), { ok: true });
    await database.goDown();
    for (let i = 0; i < 5; i++) {
      clock.advance(300);
      health.failed('storage failed: driver has already been destroyed');
    }
    clock.advance(1000);
    const down = await health.check();
    assert.equal(down.ok, false);
    assert.equal(warnings().length, 1);
    assert.match(warnings()[0] ?? '', /^storage unavailable since 2026-01-01T00:00:00\.300Z: storage failed/);

    await database.comeBack();
    clock.advance(2000);
    assert.deepEqual(await health.check(), { ok: true });
    health.stop();
    assert.deepEqual(warnings().slice(1), ['storage back after 4 s']);
  });

  it('reads storage at most once a second, however many checks come at once', async () => {
    await Promise.all(Array.from({ length: 50 }, () => health.check()));
    assert.equal(pings, 1);
    clock.advance(999);
    await health.check();
    assert.equal(pings, 1);
    clock.advance(1);
    await Promise.all(Array.from({ length: 50 }, () => health.check()));
    assert.equal(pings, 2);
  });

  it('reports a request’s failure at once, without reading storage again within the second', async () => {
    assert.equal((await health.check()).ok, true);
    await database.goDown();
    clock.advance(1000);
    health.failed('storage failed: connection refused');
    assert.equal((await health.check()).ok, false);
    assert.equal(pings, 1);
    health.stop();
    await database.comeBack();
  });
});
