import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { aCode, aGrant, aRefreshToken, successor, T0 } from '../conformance/fixtures.js';
import { StorageError } from '../types.js';
import { codeToRow } from './rows.js';
import { InterferingStorage } from './test-interfering-storage.js';

// The SQL engine's answers to races it can lose between two of its statements, played
// deterministically by writing on the same database just before the second one.

describe('SQL token stores losing a race', () => {
  let database: InterferingStorage;
  beforeEach(async () => {
    database = await InterferingStorage.create();
  });
  afterEach(() => database.storage.close());

  it('a code stored while a consume was under way is not found by that consume, and is consumed by the next', async () => {
    const { storage } = database;
    await storage.grants.create(aGrant());
    database.interfere({
      before: /^select .* from "authorization_codes"/,
      write: (db) => db.insertInto('authorization_codes').values(codeToRow(aCode())),
    });
    assert.deepEqual(await storage.codes.consume('code-hash-1', T0 + 1000), { kind: 'not_found' });
    assert.equal(database.runs, 1);
    assert.equal((await storage.codes.get('code-hash-1'))?.consumedAt, null);
    assert.deepEqual(await storage.codes.consume('code-hash-1', T0 + 1000), {
      kind: 'consumed',
      code: aCode({ consumedAt: T0 + 1000 }),
    });
  });

  it('a rotation that loses every retry fails as contended, not as an outage, and changes nothing', async () => {
    const { storage } = database;
    await storage.grants.create(aGrant());
    await storage.refreshTokens.create(aRefreshToken());
    database.interfere({
      before: /^update "refresh_tokens"/,
      // Another request rotated the token between this rotation's read and its write.
      write: (db) =>
        db
          .updateTable('refresh_tokens')
          .set({ rotated_at: T0 + 500, replaced_by: 'someone-elses-successor' })
          .where('token_hash', '=', 'refresh-hash-1'),
      times: 100,
    });
    await assert.rejects(
      storage.refreshTokens.rotate('refresh-hash-1', successor(1), T0 + 1000, 10_000),
      (e: unknown) => e instanceof StorageError && e.kind === 'contended',
    );
    assert.ok(database.runs > 1, 'the rotation was retried');
    // The winners' writes were rolled back with each attempt here; what matters is that the
    // loser stored nothing and reported no reuse.
    assert.equal(await storage.refreshTokens.get(successor(1).tokenHash), null);
    assert.deepEqual(await storage.refreshTokens.get('refresh-hash-1'), aRefreshToken());
    assert.equal((await storage.grants.get('grant-1'))?.revokedAt, null);
  });

  it('a rotation that loses one race retries and rotates', async () => {
    const { storage } = database;
    await storage.grants.create(aGrant());
    await storage.refreshTokens.create(aRefreshToken());
    database.interfere({
      before: /^update "refresh_tokens"/,
      write: (db) =>
        db
          .updateTable('refresh_tokens')
          .set({ rotated_at: T0 + 500, replaced_by: 'someone-elses-successor' })
          .where('token_hash', '=', 'refresh-hash-1'),
    });
    const result = await storage.refreshTokens.rotate('refresh-hash-1', successor(1), T0 + 1000, 10_000);
    assert.equal(database.runs, 1);
    assert.equal(result.kind, 'rotated');
    assert.equal((await storage.refreshTokens.get(successor(1).tokenHash))?.grantId, 'grant-1');
  });
});
