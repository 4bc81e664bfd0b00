import assert from 'node:assert/strict';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { T0 } from '../conformance/fixtures.js';
import { migrate } from '../sql/migrate.js';
import { migrations } from '../sql/migrations/index.js';
import type { Database } from '../sql/schema.js';

/**
 * Test helpers for upgrades: a SQLite database as an earlier Sesame left it, and rows written
 * the way that Sesame wrote them.
 */

/** Creates a database at `path` with migrations 1 to `lastId` only, as the Sesame of that time did. */
export async function createMigratedTo(path: string, lastId: number): Promise<void> {
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SqliteDatabase(path) }) });
  try {
    const upTo = migrations.filter((m) => m.id <= lastId);
    const ids = upTo.map((m) => m.id);
    assert.deepEqual(await migrate((fn) => db.transaction().execute(fn), T0, upTo), ids);
  } finally {
    await db.destroy();
  }
}

/** Inserts `row` as the code of that time wrote it: only the columns it names. */
export function insertRow(raw: SqliteDatabase.Database, table: string, row: Record<string, unknown>): void {
  const columns = Object.keys(row);
  raw
    .prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`)
    .run(...Object.values(row));
}
