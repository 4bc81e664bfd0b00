import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Signing key rotation (issue 10): `generated_key_ring` holds, per algorithm, a ring of
 * generated keys numbered by `seq` from 1, each with the time it signs from and, once retired,
 * the time it was retired. `(alg, seq)` is the primary key, so that of two rotations racing for
 * the next place one is stored; `(alg, kid)` is unique, so that one key is never in a ring twice.
 * Every key of `generated_keys` (migration 0005) is copied in as the first of its ring, signing
 * from when it was created and not retired.
 *
 * `generated_keys` itself stays, no longer written except that retiring a key deletes it there:
 * nothing is dropped under an instance of the previous Sesame still running during a rolling
 * upgrade (it read its key at its start and never reads the ring, which is why every instance is
 * replaced before the first rotation: docs/operations.md). Portable across SQLite and
 * PostgreSQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('generated_key_ring')
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kid', 'text', (c) => c.notNull())
    .addColumn('sealed_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('signs_from', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .addPrimaryKeyConstraint('generated_key_ring_pk', ['alg', 'seq'])
    .addUniqueConstraint('generated_key_ring_alg_kid', ['alg', 'kid'])
    .execute();

  const keys = db as unknown as Kysely<Pick<Database, 'generated_keys' | 'generated_key_ring'>>;
  // `retired_at` is left out, so NULL: an untyped NULL in the SELECT list is not portable.
  await keys
    .insertInto('generated_key_ring')
    .columns(['alg', 'seq', 'kid', 'sealed_key', 'created_at', 'signs_from'])
    .expression((eb) =>
      eb
        .selectFrom('generated_keys')
        .select((s) => [
          'alg',
          s.lit(1).as('seq'),
          'kid',
          'sealed_key',
          'created_at',
          s.ref('created_at').as('signs_from'),
        ]),
    )
    .execute();
}
