import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import {
  MINUTE,
  T0,
  aClaimsRequest,
  aCode,
  aGeneratedKey,
  aGrant,
  aGuest,
  aRefreshToken,
  aStoredGrant,
} from '../conformance/fixtures.js';
import { migrate } from '../sql/migrate.js';
import { migrations } from '../sql/migrations/index.js';
import { codeToRow, grantToRow, refreshTokenToRow } from '../sql/rows.js';
import type { Database } from '../sql/schema.js';
import { createPostgresStorage } from './postgres-storage.js';
import { openTestSchemas } from './test-database.js';

const schemas = await openTestSchemas();

/**
 * Creates a schema as the Sesame of migration 0001 left it, holding one grant, code and refresh
 * token written with only the columns of that time, and returns its URL.
 */
async function createWithInitialSchemaOnly(create: () => Promise<{ url: string }>): Promise<string> {
  const { url } = await create();
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
  });
  try {
    const first = migrations.filter((m) => m.id === 1);
    assert.deepEqual(await migrate((fn) => db.transaction().execute(fn), T0, first), [1]);
    // The grant as migration 0001 stored it: without the claims and guest of 0002.
    const { id, user_id, client_id, scopes, session_id, auth_time, created_at, expires_at, revoked_at } =
      grantToRow(aGrant());
    const grant = {
      id,
      user_id,
      client_id,
      scopes,
      session_id,
      auth_time,
      created_at,
      expires_at,
      revoked_at,
    };
    await db.insertInto('grants').values(grant).execute();
    await db.insertInto('authorization_codes').values(codeToRow(aCode())).execute();
    await db.insertInto('refresh_tokens').values(refreshTokenToRow(aRefreshToken())).execute();
  } finally {
    await db.destroy();
  }
  return url;
}

/**
 * Creates a schema as the Sesame of migration 0005 left it, holding one generated key, and
 * returns its URL and that key as the ring keeps it after the upgrade.
 */
async function createBeforeKeyRing(
  create: () => Promise<{ url: string }>,
): Promise<{ url: string; key: ReturnType<typeof aGeneratedKey> }> {
  const { url } = await create();
  const key = aGeneratedKey({ createdAt: T0 - 1000, signsFrom: T0 - 1000 });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
  });
  try {
    const upTo5 = migrations.filter((m) => m.id <= 5);
    assert.deepEqual(await migrate((fn) => db.transaction().execute(fn), T0, upTo5), [1, 2, 3, 4, 5]);
    await db
      .insertInto('generated_keys')
      .values({ alg: key.alg, kid: key.kid, sealed_key: key.sealedKey, created_at: key.createdAt })
      .execute();
  } finally {
    await db.destroy();
  }
  return { url, key };
}

if ('skip' in schemas) {
  describe('upgrading a PostgreSQL database', { skip: schemas.skip }, () => {});
} else {
  after(() => schemas.dropAll());

  describe('upgrading a PostgreSQL database created by migration 0001', () => {
    it('keeps grants, refresh tokens and a live code, which is still redeemed exactly once', async () => {
      const url = await createWithInitialSchemaOnly(() => schemas.create());
      const storage = await createPostgresStorage(url);
      try {
        assert.deepEqual(await storage.grants.get('grant-1'), aStoredGrant());
        assert.deepEqual(await storage.refreshTokens.get('refresh-hash-1'), aRefreshToken());
        assert.deepEqual(await storage.codes.consume('code-hash-1', T0 + 1000), {
          kind: 'consumed',
          code: aCode({ consumedAt: T0 + 1000 }),
        });
        assert.equal((await storage.codes.consume('code-hash-1', T0 + 2000)).kind, 'reused');
      } finally {
        await storage.close();
      }
    });

    it('stores guest grants and sessionless codes once upgraded, and purges codes by expiry', async () => {
      const url = await createWithInitialSchemaOnly(() => schemas.create());
      const storage = await createPostgresStorage(url);
      try {
        const guestGrant = aGrant({
          id: 'grant-2',
          sessionId: null,
          guest: aGuest(),
          claims: aClaimsRequest(),
        });
        await storage.grants.create(guestGrant);
        assert.deepEqual(await storage.grants.get('grant-2'), aStoredGrant(guestGrant));
        await storage.codes.create(aCode({ codeHash: 'guest-code', grantId: 'grant-2', sessionId: null }));
        assert.equal((await storage.codes.consume('guest-code', T0)).kind, 'consumed');
        await storage.purgeExpired(T0 + 10 * MINUTE);
        assert.deepEqual(await storage.codes.consume('guest-code', T0), { kind: 'not_found' });
      } finally {
        await storage.close();
      }
    });
  });

  describe('upgrading a PostgreSQL database from before signing key rings (migration 0006)', () => {
    it('keeps the generated key as the first of its ring, signing from when it was created', async () => {
      const { url, key } = await createBeforeKeyRing(() => schemas.create());
      const storage = await createPostgresStorage(url);
      try {
        assert.deepEqual(await storage.generatedKeys.list('RS256'), [key]);
        const rotated = aGeneratedKey({ seq: 2, kid: 'rotated-kid', sealedKey: 'v1.rotated' });
        assert.equal(await storage.generatedKeys.add(rotated), true);
        assert.deepEqual(await storage.generatedKeys.list('RS256'), [key, rotated]);
      } finally {
        await storage.close();
      }
    });
  });
}
