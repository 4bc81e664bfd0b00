import type { Kysely } from 'kysely';

/**
 * Generated signing keys shared through storage (issue 9): `generated_keys` holds, per
 * algorithm, the key the instances sign with when no key files are configured, sealed with the
 * instance secret. The algorithm is the primary key, so that of instances starting together
 * one inserts and the others find its key. Portable across SQLite and PostgreSQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('generated_keys')
    .addColumn('alg', 'text', (c) => c.primaryKey())
    .addColumn('kid', 'text', (c) => c.notNull())
    .addColumn('sealed_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
