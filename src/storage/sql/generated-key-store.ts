import type { Kysely, Selectable } from 'kysely';
import { StorageError, type GeneratedKeyRecord, type GeneratedKeyStore } from '../types.js';
import { int } from './rows.js';
import type { Database, GeneratedKeyRingTable } from './schema.js';

/**
 * `GeneratedKeyStore` over SQL (`generated_key_ring`, migration 0006), one statement per write,
 * the same text in SQLite and PostgreSQL:
 * - `insertIfAbsent` is an INSERT … ON CONFLICT DO NOTHING, then a read of the row at seq 1. No
 *   conflict target, so that a key whose kid is in the ring already (the unique (alg, kid)) is
 *   refused like one whose place is taken (the primary key (alg, seq)). The loser of an insert
 *   race waits for the winner's commit (PostgreSQL) or for its write lock (SQLite), so its read,
 *   a new statement, sees the winner's row; rows are never deleted, and `retire` changes neither
 *   `seq` nor `kid`, so the row read is the one that won.
 * - `add` is the same INSERT, stored when the driver counts a row inserted: both better-sqlite3
 *   (`changes`) and pg (`rowCount`) count 0 for a row ON CONFLICT DO NOTHING skipped.
 * - `retire` is an UPDATE … WHERE retired_at IS NULL: PostgreSQL re-checks the WHERE of the
 *   loser of a race against the winner's row, so exactly one of them retires the key. It also
 *   deletes the key from `generated_keys`, the table before migration 0006, so that no copy of
 *   a retired private key is left.
 * The `seq` check of `insertIfAbsent` is the engine's (`sql-storage.ts`), outside its guard, so
 * that misuse stays a TypeError.
 */
export function createSqlGeneratedKeyStore(db: Kysely<Database>): GeneratedKeyStore {
  const insert = (key: GeneratedKeyRecord) =>
    db
      .insertInto('generated_key_ring')
      .values(keyToRow(key))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
  return {
    async list(alg) {
      const rows = await db
        .selectFrom('generated_key_ring')
        .selectAll()
        .where('alg', '=', alg)
        .orderBy('seq')
        .execute();
      return rows.map(rowToKey);
    },
    async insertIfAbsent(key) {
      await insert(key);
      const first = await db
        .selectFrom('generated_key_ring')
        .selectAll()
        .where('alg', '=', key.alg)
        .where('seq', '=', 1)
        .executeTakeFirst();
      if (first === undefined) {
        // Only when the ring holds `key.kid` at a later place but has no first key, which no
        // caller of this interface can produce.
        throw new StorageError('corrupt', `no first ${key.alg} key found after storing one`);
      }
      return rowToKey(first);
    },
    async add(key) {
      const result = await insert(key);
      return result.numInsertedOrUpdatedRows !== undefined && result.numInsertedOrUpdatedRows > 0n;
    },
    async retire(alg, kid, at) {
      // The table before migration 0006 may still hold the key's private half: erase it there
      // first, so that a failure in between leaves the key live and its retirement tried again.
      await db.deleteFrom('generated_keys').where('alg', '=', alg).where('kid', '=', kid).execute();
      const result = await db
        .updateTable('generated_key_ring')
        .set({ retired_at: at, sealed_key: '' })
        .where('alg', '=', alg)
        .where('kid', '=', kid)
        .where('retired_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

function keyToRow(key: GeneratedKeyRecord): GeneratedKeyRingTable {
  return {
    alg: key.alg,
    seq: key.seq,
    kid: key.kid,
    sealed_key: key.sealedKey,
    created_at: key.createdAt,
    signs_from: key.signsFrom,
    retired_at: key.retiredAt,
  };
}

function rowToKey(row: Selectable<GeneratedKeyRingTable>): GeneratedKeyRecord {
  return {
    alg: row.alg,
    seq: int(row.seq),
    kid: row.kid,
    sealedKey: row.sealed_key,
    createdAt: int(row.created_at),
    signsFrom: int(row.signs_from),
    retiredAt: row.retired_at === null ? null : int(row.retired_at),
  };
}
