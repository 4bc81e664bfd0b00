import type { Kysely, Selectable } from 'kysely';
import { StorageError, type GeneratedKeyRecord, type GeneratedKeyStore } from '../types.js';
import { int } from './rows.js';
import type { Database, GeneratedKeysTable } from './schema.js';

/**
 * `GeneratedKeyStore` over SQL. `insertIfAbsent` is an INSERT … ON CONFLICT (alg) DO NOTHING,
 * then a read of the row for that alg, the same text in SQLite and PostgreSQL. The loser of an
 * insert race waits for the winner's commit (PostgreSQL) or for its write lock (SQLite), so its
 * read, a new statement, sees the winner's row. Rows are never changed or deleted, so nothing
 * can come between the two statements.
 */
export function createSqlGeneratedKeyStore(db: Kysely<Database>): GeneratedKeyStore {
  const get = async (alg: string): Promise<GeneratedKeyRecord | null> => {
    const row = await db.selectFrom('generated_keys').selectAll().where('alg', '=', alg).executeTakeFirst();
    return row === undefined ? null : rowToKey(row);
  };
  return {
    get,
    async insertIfAbsent(key) {
      await db
        .insertInto('generated_keys')
        .values({ alg: key.alg, kid: key.kid, sealed_key: key.sealedKey, created_at: key.createdAt })
        .onConflict((oc) => oc.column('alg').doNothing())
        .execute();
      const stored = await get(key.alg);
      if (stored === null) throw new StorageError('corrupt', `no ${key.alg} key found after storing one`);
      return stored;
    },
  };
}

function rowToKey(row: Selectable<GeneratedKeysTable>): GeneratedKeyRecord {
  return { alg: row.alg, kid: row.kid, sealedKey: row.sealed_key, createdAt: int(row.created_at) };
}
