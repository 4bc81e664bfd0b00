import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, type Compilable } from 'kysely';
import { T0 } from '../conformance/fixtures.js';
import type { Database } from '../sql/schema.js';
import { countLiveInteractions } from '../sql/session-stores.js';
import { createSqliteStorage } from './sqlite-storage.js';

/**
 * Queries that run on every unauthenticated request must not read the table: the authorize
 * endpoint counts pending sign-ins before it stores one (issue 7 item 2), and each of them holds
 * a whole authorization request.
 */
describe('SQLite query plans of queries an anonymous client can trigger', () => {
  let dir = '';
  let raw: SqliteDatabase.Database;
  let db: Kysely<Database>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sesame-plans-'));
    const path = join(dir, 'sesame.db');
    await (await createSqliteStorage(path)).close();
    raw = new SqliteDatabase(path);
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const plan = (query: Compilable): string[] => {
    const { sql, parameters } = query.compile();
    const rows = raw.prepare(`explain query plan ${sql}`).all(...parameters) as { detail: string }[];
    return rows.map((r) => r.detail);
  };

  it('counts the pending sign-ins of one address from an index alone', () => {
    const steps = plan(countLiveInteractions(db, T0, '192.0.2.7'));
    assert.equal(steps.length, 1, steps.join('\n'));
    assert.match(
      steps[0] ?? '',
      /^SEARCH interactions USING COVERING INDEX interactions_client_address_expires_at \(client_address=\? AND expires_at>\?\)$/,
    );
  });

  it('counts all pending sign-ins from an index alone', () => {
    const steps = plan(countLiveInteractions(db, T0));
    assert.equal(steps.length, 1, steps.join('\n'));
    assert.match(
      steps[0] ?? '',
      /^SEARCH interactions USING COVERING INDEX interactions_expires_at \(expires_at>\?\)$/,
    );
  });
});
