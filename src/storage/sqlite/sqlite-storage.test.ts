import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { aCode, aGrant, aGuest, aUser, T0 } from '../conformance/fixtures.js';
import { runStorageConformance } from '../conformance/storage-conformance.js';
import { StorageError } from '../types.js';
import { createSqliteStorage } from './sqlite-storage.js';

runStorageConformance('sqlite (in memory)', () => createSqliteStorage(':memory:'));

describe('sqlite storage on a file', () => {
  let dir = '';
  let counter = 0;
  const freshPath = (): string => join(dir, `nested-${++counter}`, 'sesame.db');
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sesame-sqlite-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  runStorageConformance('sqlite (file)', () => createSqliteStorage(freshPath()));

  it('creates the parent directory and keeps data across a reopen', async () => {
    const path = freshPath();
    const first = await createSqliteStorage(path);
    await first.users.create(aUser());
    await first.close();
    const second = await createSqliteStorage(path);
    assert.deepEqual(await second.users.getByUsername('alice'), aUser());
    await second.close();
  });

  it('runs in WAL mode', async () => {
    const path = freshPath();
    await (await createSqliteStorage(path)).close();
    const raw = new SqliteDatabase(path);
    try {
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      raw.close();
    }
  });

  it('records each migration once and does not run it again on reopen', async () => {
    const path = freshPath();
    await (await createSqliteStorage(path)).close();
    await (await createSqliteStorage(path)).close();
    const raw = new SqliteDatabase(path, { readonly: true });
    try {
      const rows = raw.prepare('select id, name from sesame_migrations order by id').all();
      assert.deepEqual(rows, [
        { id: 1, name: '0001-initial' },
        { id: 2, name: '0002-grant-claims-and-guests' },
        { id: 3, name: '0003-interaction-client-address' },
      ]);
    } finally {
      raw.close();
    }
  });

  it('refuses to open a database migrated by a newer Sesame', async () => {
    const path = freshPath();
    await (await createSqliteStorage(path)).close();
    const raw = new SqliteDatabase(path);
    raw
      .prepare('insert into sesame_migrations (id, name, applied_at) values (?, ?, ?)')
      .run(999, '0999-future', T0);
    raw.close();
    await assert.rejects(
      createSqliteStorage(path),
      (e: unknown) => e instanceof StorageError && e.kind === 'corrupt' && /newer Sesame/.test(e.message),
    );
  });

  it('two instances over one file consume a code exactly once between them', async () => {
    const path = freshPath();
    const a = await createSqliteStorage(path);
    const b = await createSqliteStorage(path);
    try {
      await a.codes.create(aCode());
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).codes.consume('code-hash-1', T0)),
      );
      assert.equal(results.filter((r) => r.kind === 'consumed').length, 1);
      assert.equal(results.filter((r) => r.kind === 'reused').length, 9);
    } finally {
      await a.close();
      await b.close();
    }
  });

  const corruptGrants: readonly (readonly [string, string, string | null, string | null])[] = [
    ['claims that are not JSON', 'claims', '{"id_token":', null],
    ['claims that are not an object', 'claims', '[{"name":null}]', null],
    ['a guest that is not JSON', 'guest', null, '{"id":'],
    ['a guest without an id', 'guest', null, '{"name":"Bob","email":null,"emailVerified":false}'],
    [
      'a guest whose email is verified by a string',
      'guest',
      null,
      JSON.stringify({ ...aGuest(), emailVerified: 'yes' }),
    ],
  ];
  for (const [what, column, claims, guest] of corruptGrants) {
    it(`reports a grant with ${what} as corrupt`, async () => {
      const path = freshPath();
      const storage = await createSqliteStorage(path);
      try {
        await storage.grants.create(aGrant());
        const raw = new SqliteDatabase(path);
        raw.prepare('update grants set claims = ?, guest = ?').run(claims, guest);
        raw.close();
        await assert.rejects(
          storage.grants.get('grant-1'),
          (e: unknown) => e instanceof StorageError && e.kind === 'corrupt' && e.message.includes(column),
        );
      } finally {
        await storage.close();
      }
    });
  }

  it('reports a database that cannot be opened as unavailable', async () => {
    const notADirectory = join(dir, 'plain-file');
    writeFileSync(notADirectory, 'not a directory');
    await assert.rejects(
      createSqliteStorage(join(notADirectory, 'sesame.db')),
      (e: unknown) => e instanceof StorageError && e.kind === 'unavailable',
    );
  });
});
