import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, type Compilable } from 'kysely';
import { T0 } from '../conformance/fixtures.js';
import type { Database } from '../sql/schema.js';
import { claimDueDeliveries } from '../sql/backchannel-delivery-store.js';
import { countLiveInteractions } from '../sql/session-stores.js';
import { clientsOfSessionQuery } from '../sql/token-stores.js';
import { createSqliteStorage } from './sqlite-storage.js';

/**
 * A freshly migrated database file for the tests of one `describe`: `db()` builds queries,
 * `plan(query)` lists the steps of SQLite's plan for them.
 */
function usePlanner(): { db: () => Kysely<Database>; plan: (query: Compilable) => string[] } {
  let dir = '';
  let raw: SqliteDatabase.Database | undefined;
  let db: Kysely<Database> | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sesame-plans-'));
    const path = join(dir, 'sesame.db');
    await (await createSqliteStorage(path)).close();
    raw = new SqliteDatabase(path);
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  });
  after(async () => {
    await db?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    db: () => {
      if (db === undefined) throw new Error('only inside a test');
      return db;
    },
    plan: (query) => {
      if (raw === undefined) throw new Error('only inside a test');
      const { sql, parameters } = query.compile();
      const rows = raw.prepare(`explain query plan ${sql}`).all(...parameters) as { detail: string }[];
      return rows.map((r) => r.detail);
    },
  };
}

/**
 * Queries that run on every unauthenticated request must not read the table: the authorize
 * endpoint counts pending sign-ins before it stores one (issue 7 item 2), and each of them holds
 * a whole authorization request.
 */
describe('SQLite query plans of queries an anonymous client can trigger', () => {
  const { db, plan } = usePlanner();

  it('counts the pending sign-ins of one address from an index alone', () => {
    const steps = plan(countLiveInteractions(db(), T0, '192.0.2.7'));
    assert.equal(steps.length, 1, steps.join('\n'));
    assert.match(
      steps[0] ?? '',
      /^SEARCH interactions USING COVERING INDEX interactions_client_address_expires_at \(client_address=\? AND expires_at>\?\)$/,
    );
  });

  it('counts all pending sign-ins from an index alone', () => {
    const steps = plan(countLiveInteractions(db(), T0));
    assert.equal(steps.length, 1, steps.join('\n'));
    assert.match(
      steps[0] ?? '',
      /^SEARCH interactions USING COVERING INDEX interactions_expires_at \(expires_at>\?\)$/,
    );
  });
});

/**
 * Queries that run on every logout and on every tick of the back-channel delivery worker must not
 * read their whole table: a session's grants are found through the session, and due deliveries
 * through when they are due.
 */
describe('SQLite query plans of back-channel logout', () => {
  const { db, plan } = usePlanner();

  it("finds a session's clients from an index alone, distinct without a sort", () => {
    const steps = plan(clientsOfSessionQuery(db(), 'session-1'));
    assert.deepEqual(steps, [
      'SEARCH grants USING COVERING INDEX grants_session_id_client_id (session_id=?)',
    ]);
  });

  it('claims due deliveries through the index on when they are due, and leases them by id', () => {
    const steps = plan(claimDueDeliveries(db(), T0, 10, 30_000));
    assert.ok(!steps.some((s) => s.startsWith('SCAN')), steps.join('\n'));
    assert.ok(
      steps.includes(
        'SEARCH backchannel_deliveries USING INDEX backchannel_deliveries_next_attempt_at (next_attempt_at<?)',
      ),
      steps.join('\n'),
    );
    assert.ok(
      steps.some((s) =>
        /^SEARCH backchannel_deliveries USING INDEX sqlite_autoindex_backchannel_deliveries_1 \(id=\?\)$/.test(
          s,
        ),
      ),
      steps.join('\n'),
    );
  });
});
