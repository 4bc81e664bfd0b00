import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { T0, aStoredInteraction, anInteraction } from '../conformance/fixtures.js';
import { createSqliteStorage } from './sqlite-storage.js';
import { createMigratedTo, insertRow } from './test-old-database.js';

/** Creates a database at `path` as Sesame did before migration 0003, with one pending sign-in. */
async function createBeforeClientAddresses(path: string): Promise<void> {
  await createMigratedTo(path, 2);
  const raw = new SqliteDatabase(path);
  try {
    const interaction = anInteraction();
    insertRow(raw, 'interactions', {
      id: interaction.id,
      request: JSON.stringify(interaction.request),
      session_id: 'session-1',
      created_at: interaction.createdAt,
      expires_at: interaction.expiresAt,
    });
  } finally {
    raw.close();
  }
}

describe('upgrading a SQLite database from before pending sign-ins had a client address (migration 0003)', () => {
  let dir = '';
  let counter = 0;
  const freshPath = (): string => join(dir, `db-${++counter}.sqlite`);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sesame-upgrade-0003-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a sign-in under way, which comes back with no client address', async () => {
    const path = freshPath();
    await createBeforeClientAddresses(path);
    const storage = await createSqliteStorage(path);
    try {
      assert.deepEqual(
        await storage.interactions.get('interaction-1', T0),
        aStoredInteraction({ sessionId: 'session-1' }),
      );
    } finally {
      await storage.close();
    }
  });

  it('counts an earlier sign-in in the total but under no address, and stores addresses once upgraded', async () => {
    const path = freshPath();
    await createBeforeClientAddresses(path);
    const storage = await createSqliteStorage(path);
    try {
      assert.equal(await storage.interactions.countLive(T0), 1);
      assert.equal(await storage.interactions.countLive(T0, '192.0.2.7'), 0);
      await storage.interactions.create(anInteraction({ id: 'interaction-2', clientAddress: '192.0.2.7' }));
      assert.equal(await storage.interactions.countLive(T0), 2);
      assert.equal(await storage.interactions.countLive(T0, '192.0.2.7'), 1);
      assert.deepEqual(
        await storage.interactions.get('interaction-2', T0),
        aStoredInteraction({ id: 'interaction-2', clientAddress: '192.0.2.7' }),
      );
    } finally {
      await storage.close();
    }
  });

  it('leaves the interactions table and its indexes as a fresh install has them', async () => {
    const upgraded = freshPath();
    await createBeforeClientAddresses(upgraded);
    await (await createSqliteStorage(upgraded)).close();
    const fresh = freshPath();
    await (await createSqliteStorage(fresh)).close();

    const describeSchema = (path: string): unknown => {
      const raw = new SqliteDatabase(path, { readonly: true });
      try {
        return {
          columns: raw.prepare('pragma table_info(interactions)').all(),
          indexes: raw
            .prepare(
              "select name, sql from sqlite_master where type = 'index' and tbl_name = 'interactions' order by name",
            )
            .all(),
          migrations: raw.prepare('select id, name from sesame_migrations order by id').all(),
        };
      } finally {
        raw.close();
      }
    };
    const schema = describeSchema(upgraded);
    assert.deepEqual(schema, describeSchema(fresh));
    const { columns, indexes, migrations } = schema as {
      columns: { name: string; notnull: number }[];
      indexes: { name: string }[];
      migrations: { id: number }[];
    };
    assert.equal(columns.find((c) => c.name === 'client_address')?.notnull, 0, 'client_address is nullable');
    assert.ok(indexes.some((i) => i.name === 'interactions_client_address_expires_at'));
    assert.deepEqual(migrations.map((m) => m.id).slice(0, 3), [1, 2, 3]);
  });
});
