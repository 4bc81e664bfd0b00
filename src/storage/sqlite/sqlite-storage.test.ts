import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import {
  aCode,
  aDelivery,
  aDynamicClient,
  aGrant,
  aGuest,
  aPushedRequest,
  aStoredUser,
  aUser,
  T0,
} from '../conformance/fixtures.js';
import { runStorageConformance } from '../conformance/storage-conformance.js';
import { StorageError, type Storage } from '../types.js';
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
    assert.deepEqual(await second.users.getByUsername('alice'), aStoredUser());
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
        { id: 4, name: '0004-protocol-completeness' },
        { id: 5, name: '0005-generated-keys' },
        { id: 6, name: '0006-signing-key-ring' },
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

  it('two instances over one file never claim one back-channel delivery twice', async () => {
    const path = freshPath();
    const a = await createSqliteStorage(path);
    const b = await createSqliteStorage(path);
    try {
      for (let i = 0; i < 30; i++) await a.backchannelDeliveries.enqueue(aDelivery({ id: `d-${i}` }));
      const claims = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 === 0 ? a : b).backchannelDeliveries.claimDue(T0, 3, 60_000),
        ),
      );
      const claimed = claims.flat().map((d) => d.id);
      assert.equal(new Set(claimed).size, claimed.length, 'no delivery handed out twice');
      assert.equal(claimed.length, 30);
      assert.deepEqual(await b.backchannelDeliveries.claimDue(T0, 100, 60_000), []);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('two instances over one file let exactly one use a value once, and one take a pushed request', async () => {
    const path = freshPath();
    const a = await createSqliteStorage(path);
    const b = await createSqliteStorage(path);
    try {
      const uses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? a : b).once.use('client-1|jti-1', T0 + 60_000, T0),
        ),
      );
      assert.equal(uses.filter((u) => u).length, 1);
      await b.pushedRequests.create(aPushedRequest());
      const taken = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? a : b).pushedRequests.take('request-uri-hash-1', 'client-1', T0),
        ),
      );
      assert.deepEqual(
        taken.filter((r) => r !== null),
        [aPushedRequest()],
      );
    } finally {
      await a.close();
      await b.close();
    }
  });

  /**
   * Opens a storage on a fresh file, stores a record with `setup`, damages it with `write` on the
   * raw file, and expects `read` to fail 'corrupt', naming `what`.
   */
  async function expectCorrupt(
    setup: (storage: Storage) => Promise<void>,
    write: (raw: SqliteDatabase.Database) => void,
    read: (storage: Storage) => Promise<unknown>,
    what: string,
  ): Promise<void> {
    const path = freshPath();
    const storage = await createSqliteStorage(path);
    try {
      await setup(storage);
      const raw = new SqliteDatabase(path);
      write(raw);
      raw.close();
      await assert.rejects(
        read(storage),
        (e: unknown) => e instanceof StorageError && e.kind === 'corrupt' && e.message.includes(what),
      );
    } finally {
      await storage.close();
    }
  }

  for (const [kind, text] of [
    ['not JSON', '{"redirect_uris":'],
    ['not an object', '["https://rp.example.org/cb"]'],
  ] as const) {
    it(`reports a dynamic client whose metadata is ${kind} as corrupt, when read and when listed`, async () => {
      const corrupt = (raw: SqliteDatabase.Database): void => {
        raw.prepare('update dynamic_clients set metadata = ?').run(text);
      };
      const create = (s: Storage) => s.dynamicClients.create(aDynamicClient());
      await expectCorrupt(create, corrupt, (s) => s.dynamicClients.get('dyn-client-1'), 'client metadata');
      await expectCorrupt(create, corrupt, (s) => s.dynamicClients.list(), 'client metadata');
    });
  }

  for (const [kind, text] of [
    ['not JSON', '{"scope":'],
    ['not an object', '"scope=openid"'],
    ['a value that is not a string', '{"scope":"openid","max_age":300}'],
  ] as const) {
    it(`reports a pushed request whose parameters are ${kind} as corrupt`, async () => {
      await expectCorrupt(
        (s) => s.pushedRequests.create(aPushedRequest()),
        (raw) => raw.prepare('update pushed_requests set params = ?').run(text),
        (s) => s.pushedRequests.take('request-uri-hash-1', 'client-1', T0),
        'pushed request parameters',
      );
    });
  }

  for (const [kind, text] of [
    ['not JSON', '{"country":'],
    ['not an object', '"Hauptstraße 5"'],
    ['a member that is not a string', '{"postal_code":10115}'],
    ['a member the address claim does not have', '{"planet":"Earth"}'],
  ] as const) {
    it(`reports a user whose address is ${kind} as corrupt`, async () => {
      await expectCorrupt(
        (s) => s.users.create(aUser()),
        (raw) => raw.prepare('update users set address = ?').run(text),
        (s) => s.users.getById('user-1'),
        'address',
      );
    });
  }

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
