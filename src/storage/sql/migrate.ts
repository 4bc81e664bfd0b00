import type { Kysely } from 'kysely';
import { StorageError } from '../types.js';
import { migrations as knownMigrations, type Migration } from './migrations/index.js';
import type { Transact } from './transact.js';

/**
 * Brings the schema up to date: runs, in order and in one transaction, every migration not yet
 * recorded in `sesame_migrations`, and records each. Refuses (StorageError 'corrupt') a
 * database that records a migration this code does not know, i.e. one written by a newer
 * Sesame. Returns the ids of the migrations it ran.
 */
export async function migrate(
  transact: Transact,
  now: number,
  migrations: readonly Migration[] = knownMigrations,
): Promise<number[]> {
  return transact(async (trx) => {
    await trx.schema
      .createTable('sesame_migrations')
      .ifNotExists()
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .execute();
    const applied = new Set(
      (await trx.selectFrom('sesame_migrations').select('id').execute()).map((r) => Number(r.id)),
    );
    const known = new Set(migrations.map((m) => m.id));
    const unknown = [...applied].filter((id) => !known.has(id)).sort((a, b) => a - b);
    if (unknown.length > 0) {
      throw new StorageError(
        'corrupt',
        `the database has migration ${unknown.join(', ')}, which this version of Sesame does not know; ` +
          'it was written by a newer Sesame — upgrade Sesame or use another database',
      );
    }
    const ran: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.id - b.id)) {
      if (applied.has(migration.id)) continue;
      await migration.up(trx as unknown as Kysely<unknown>);
      await trx
        .insertInto('sesame_migrations')
        .values({ id: migration.id, name: migration.name, applied_at: now })
        .execute();
      ran.push(migration.id);
    }
    return ran;
  });
}
