import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import {
  MINUTE,
  T0,
  aClaimsRequest,
  aCode,
  aGrant,
  aGuest,
  aRefreshToken,
  aStoredGrant,
} from '../conformance/fixtures.js';
import { createSqliteStorage } from './sqlite-storage.js';
import { createMigratedTo, insertRow } from './test-old-database.js';

/** Creates a database at `path` as Sesame did before migration 0002, holding one of each token. */
async function createWithInitialSchemaOnly(path: string): Promise<void> {
  await createMigratedTo(path, 1);
  const raw = new SqliteDatabase(path);
  try {
    const grant = aGrant();
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
    const code = aCode();
    insertRow(raw, 'authorization_codes', {
      code_hash: code.codeHash,
      client_id: code.clientId,
      redirect_uri: code.redirectUri,
      user_id: code.userId,
      session_id: code.sessionId,
      grant_id: code.grantId,
      scopes: JSON.stringify(code.scopes),
      nonce: code.nonce,
      code_challenge: code.codeChallenge,
      code_challenge_method: code.codeChallengeMethod,
      auth_time: code.authTime,
      created_at: code.createdAt,
      expires_at: code.expiresAt,
      consumed_at: code.consumedAt,
    });
    const token = aRefreshToken();
    insertRow(raw, 'refresh_tokens', {
      token_hash: token.tokenHash,
      grant_id: token.grantId,
      client_id: token.clientId,
      user_id: token.userId,
      scopes: JSON.stringify(token.scopes),
      created_at: token.createdAt,
      expires_at: token.expiresAt,
      rotated_at: token.rotatedAt,
      replaced_by: token.replacedBy,
      withdrawn_at: token.withdrawnAt,
    });
  } finally {
    raw.close();
  }
}

describe('upgrading a SQLite database created before Kopano Meet support (migration 0002)', () => {
  let dir = '';
  let counter = 0;
  const freshPath = (): string => join(dir, `db-${++counter}.sqlite`);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sesame-upgrade-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps existing grants, which come back with no claims request and no guest', async () => {
    const path = freshPath();
    await createWithInitialSchemaOnly(path);
    const storage = await createSqliteStorage(path);
    try {
      assert.deepEqual(await storage.grants.get('grant-1'), aStoredGrant());
      assert.deepEqual(await storage.refreshTokens.get('refresh-hash-1'), aRefreshToken());
    } finally {
      await storage.close();
    }
  });

  it('keeps an authorization code issued before the upgrade redeemable, exactly once', async () => {
    const path = freshPath();
    await createWithInitialSchemaOnly(path);
    const storage = await createSqliteStorage(path);
    try {
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
    const path = freshPath();
    await createWithInitialSchemaOnly(path);
    const storage = await createSqliteStorage(path);
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

  it('leaves the codes table as a fresh install has it, with no working table behind', async () => {
    const upgraded = freshPath();
    await createWithInitialSchemaOnly(upgraded);
    await (await createSqliteStorage(upgraded)).close();
    const fresh = freshPath();
    await (await createSqliteStorage(fresh)).close();

    const describeSchema = (path: string): unknown => {
      const raw = new SqliteDatabase(path, { readonly: true });
      try {
        return {
          tables: raw.prepare("select name from sqlite_master where type = 'table' order by name").all(),
          codeColumns: raw.prepare('pragma table_info(authorization_codes)').all(),
          codeIndexes: raw
            .prepare(
              "select name, sql from sqlite_master where type = 'index' and tbl_name = 'authorization_codes' order by name",
            )
            .all(),
          grantColumns: raw.prepare('pragma table_info(grants)').all(),
          migrations: raw.prepare('select id, name from sesame_migrations order by id').all(),
        };
      } finally {
        raw.close();
      }
    };
    const schema = describeSchema(upgraded);
    assert.deepEqual(schema, describeSchema(fresh));
    const { tables, codeColumns, codeIndexes } = schema as {
      tables: { name: string }[];
      codeColumns: { name: string; notnull: number }[];
      codeIndexes: { name: string }[];
    };
    assert.ok(!tables.some((t) => t.name === 'authorization_codes_next'), 'no working table left');
    assert.equal(codeColumns.find((c) => c.name === 'session_id')?.notnull, 0, 'session_id is nullable');
    assert.ok(codeIndexes.some((i) => i.name === 'authorization_codes_expires_at'));
  });
});
