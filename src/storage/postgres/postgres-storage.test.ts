import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { aStoredUser, aUser, T0 } from '../conformance/fixtures.js';
import { runStorageConformance } from '../conformance/storage-conformance.js';
import { StorageError } from '../types.js';
import { createPostgresStorage } from './postgres-storage.js';
import { openTestSchemas } from './test-database.js';

const schemas = await openTestSchemas();

if ('skip' in schemas) {
  describe('postgres storage', { skip: schemas.skip }, () => {});
} else {
  after(() => schemas.dropAll());

  runStorageConformance('postgres', async () => createPostgresStorage((await schemas.create()).url));

  /** Runs `fn` on a plain client of `url`, outside Sesame. */
  const raw = async <T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  describe('postgres storage', () => {
    it('keeps data across a reopen, and returns epoch milliseconds as numbers', async () => {
      const { url } = await schemas.create();
      const first = await createPostgresStorage(url);
      await first.users.create(aUser());
      await first.close();
      const second = await createPostgresStorage(url, { poolSize: 2 });
      try {
        const user = await second.users.getByUsername('alice');
        assert.deepEqual(user, aStoredUser());
        assert.equal(typeof user?.createdAt, 'number');
      } finally {
        await second.close();
      }
    });

    it('records each migration once and does not run it again on reopen', async () => {
      const { url } = await schemas.create();
      const runs: (readonly number[])[] = [];
      await (await createPostgresStorage(url, { onMigrated: (ran) => runs.push(ran) })).close();
      await (await createPostgresStorage(url, { onMigrated: (ran) => runs.push(ran) })).close();
      assert.deepEqual(runs, [[1, 2, 3, 4, 5, 6], []]);
      const rows = await raw(
        url,
        async (c) => (await c.query('select id, name from sesame_migrations order by id')).rows,
      );
      assert.deepEqual(rows, [
        { id: 1, name: '0001-initial' },
        { id: 2, name: '0002-grant-claims-and-guests' },
        { id: 3, name: '0003-interaction-client-address' },
        { id: 4, name: '0004-protocol-completeness' },
        { id: 5, name: '0005-generated-keys' },
        { id: 6, name: '0006-signing-key-ring' },
      ]);
    });

    it('refuses to open a database migrated by a newer Sesame', async () => {
      const { url } = await schemas.create();
      await (await createPostgresStorage(url)).close();
      await raw(url, (c) =>
        c.query('insert into sesame_migrations (id, name, applied_at) values ($1, $2, $3)', [
          999,
          '0999-future',
          T0,
        ]),
      );
      await assert.rejects(
        createPostgresStorage(url),
        (e: unknown) => e instanceof StorageError && e.kind === 'corrupt' && /newer Sesame/.test(e.message),
      );
    });

    it('reports a taken username as a conflict', async () => {
      const storage = await createPostgresStorage((await schemas.create()).url);
      try {
        await storage.users.create(aUser());
        await assert.rejects(
          storage.users.create(aUser({ id: 'user-2', username: 'ALICE' })),
          (e: unknown) => e instanceof StorageError && e.kind === 'conflict',
        );
      } finally {
        await storage.close();
      }
    });

    it('fails unavailable, without the password, when the server cannot be reached', async () => {
      await assert.rejects(
        createPostgresStorage('postgres://sesame:s3cret@127.0.0.1:1/nowhere'),
        (e: unknown) =>
          e instanceof StorageError &&
          e.kind === 'unavailable' &&
          e.message.includes('127.0.0.1:1/nowhere') &&
          !e.message.includes('s3cret'),
      );
    });

    it('fails unavailable once the storage is closed, and a new one recovers', async () => {
      const { url } = await schemas.create();
      const storage = await createPostgresStorage(url);
      await storage.close();
      await assert.rejects(
        storage.sessions.get('session-1', T0),
        (e: unknown) => e instanceof StorageError && e.kind === 'unavailable',
      );
      const again = await createPostgresStorage(url);
      try {
        assert.equal(await again.sessions.get('session-1', T0), null);
      } finally {
        await again.close();
      }
    });
  });
}
