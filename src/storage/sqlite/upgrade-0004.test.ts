import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import {
  T0,
  aDelivery,
  aDynamicClient,
  aGrant,
  aPushedRequest,
  aStoredUser,
  aUser,
  anAddress,
} from '../conformance/fixtures.js';
import { createSqliteStorage } from './sqlite-storage.js';
import { createMigratedTo, insertRow } from './test-old-database.js';

/** Creates a database at `path` as Sesame did before migration 0004, with two users and two grants. */
async function createBeforeProtocolCompleteness(path: string): Promise<void> {
  await createMigratedTo(path, 3);
  const raw = new SqliteDatabase(path);
  try {
    for (const user of [aUser(), aUser({ id: 'user-2', username: 'bob', email: null, name: null })]) {
      insertRow(raw, 'users', {
        id: user.id,
        username: user.username,
        username_key: user.username.toLowerCase(),
        email: user.email,
        email_verified: user.emailVerified ? 1 : 0,
        name: user.name,
        given_name: user.givenName,
        family_name: user.familyName,
        password_hash: user.passwordHash,
        created_at: user.createdAt,
        updated_at: user.updatedAt,
      });
    }
    for (const grant of [aGrant(), aGrant({ id: 'grant-2', clientId: 'client-2' })]) {
      insertRow(raw, 'grants', {
        id: grant.id,
        user_id: grant.userId,
        client_id: grant.clientId,
        scopes: JSON.stringify(grant.scopes),
        session_id: grant.sessionId,
        auth_time: grant.authTime,
        created_at: grant.createdAt,
        expires_at: grant.expiresAt,
        revoked_at: grant.revokedAt,
      });
    }
  } finally {
    raw.close();
  }
}

describe('upgrading a SQLite database from before protocol completeness (migration 0004)', () => {
  let dir = '';
  let counter = 0;
  const freshPath = (): string => join(dir, `db-${++counter}.sqlite`);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sesame-upgrade-0004-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every user with their data, with no phone number and no address', async () => {
    const path = freshPath();
    await createBeforeProtocolCompleteness(path);
    const storage = await createSqliteStorage(path);
    try {
      assert.deepEqual(await storage.users.list(), [
        aStoredUser(),
        aStoredUser({ id: 'user-2', username: 'bob', email: null, name: null }),
      ]);
      assert.equal((await storage.users.getByUsername('ALICE'))?.phoneNumber, null);
      assert.equal((await storage.users.getById('user-2'))?.address, null);
    } finally {
      await storage.close();
    }
  });

  it('stores phone numbers and addresses for existing users once upgraded', async () => {
    const path = freshPath();
    await createBeforeProtocolCompleteness(path);
    const storage = await createSqliteStorage(path);
    try {
      await storage.users.update('user-1', { phoneNumber: '+49 30 1234', address: anAddress() }, T0 + 1);
      assert.deepEqual(
        await storage.users.getById('user-1'),
        aStoredUser({ phoneNumber: '+49 30 1234', address: anAddress(), updatedAt: T0 + 1 }),
      );
    } finally {
      await storage.close();
    }
  });

  it('finds the clients of a session from grants made before the upgrade', async () => {
    const path = freshPath();
    await createBeforeProtocolCompleteness(path);
    const storage = await createSqliteStorage(path);
    try {
      assert.deepEqual(await storage.grants.clientsOfSession('session-1'), ['client-1', 'client-2']);
    } finally {
      await storage.close();
    }
  });

  it('has working new stores once upgraded', async () => {
    const path = freshPath();
    await createBeforeProtocolCompleteness(path);
    const storage = await createSqliteStorage(path);
    try {
      await storage.backchannelDeliveries.enqueue(aDelivery());
      assert.equal((await storage.backchannelDeliveries.claimDue(T0, 10, 1000)).length, 1);
      await storage.dynamicClients.create(aDynamicClient());
      assert.deepEqual(await storage.dynamicClients.get('dyn-client-1'), aDynamicClient());
      assert.equal(await storage.once.use('k', T0 + 1000, T0), true);
      assert.equal(await storage.once.use('k', T0 + 1000, T0), false);
      await storage.pushedRequests.create(aPushedRequest());
      assert.deepEqual(
        await storage.pushedRequests.take('request-uri-hash-1', 'client-1', T0),
        aPushedRequest(),
      );
    } finally {
      await storage.close();
    }
  });

  it('leaves the schema as a fresh install has it', async () => {
    const upgraded = freshPath();
    await createBeforeProtocolCompleteness(upgraded);
    await (await createSqliteStorage(upgraded)).close();
    const fresh = freshPath();
    await (await createSqliteStorage(fresh)).close();

    const describeSchema = (path: string): unknown => {
      const raw = new SqliteDatabase(path, { readonly: true });
      try {
        const tables = raw
          .prepare("select name from sqlite_master where type = 'table' order by name")
          .all() as { name: string }[];
        return {
          tables: tables.map((t) => t.name),
          columns: Object.fromEntries(
            tables.map((t) => [t.name, raw.prepare(`pragma table_info(${t.name})`).all()]),
          ),
          indexes: raw
            .prepare("select tbl_name, name, sql from sqlite_master where type = 'index' order by name")
            .all(),
          migrations: raw.prepare('select id, name from sesame_migrations order by id').all(),
        };
      } finally {
        raw.close();
      }
    };
    const schema = describeSchema(upgraded);
    assert.deepEqual(schema, describeSchema(fresh));
    const { tables, columns, indexes, migrations } = schema as {
      tables: string[];
      columns: Record<string, { name: string; notnull: number }[]>;
      indexes: { name: string }[];
      migrations: { id: number }[];
    };
    for (const table of ['backchannel_deliveries', 'dynamic_clients', 'once_keys', 'pushed_requests'])
      assert.ok(tables.includes(table), table);
    for (const column of ['phone_number', 'address'])
      assert.equal(
        columns['users']?.find((c) => c.name === column)?.notnull,
        0,
        `users.${column} is nullable`,
      );
    for (const index of ['grants_session_id_client_id', 'backchannel_deliveries_next_attempt_at'])
      assert.ok(
        indexes.some((i) => i.name === index),
        index,
      );
    assert.deepEqual(
      migrations.map((m) => m.id),
      [1, 2, 3, 4, 5, 6],
    );
  });
});
