import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { T0, aGeneratedKey } from '../conformance/fixtures.js';
import { createSqliteStorage } from './sqlite-storage.js';
import { createMigratedTo, insertRow } from './test-old-database.js';

const RS256 = aGeneratedKey({ createdAt: T0 - 1000, signsFrom: T0 - 1000 });
const ES256 = aGeneratedKey({
  alg: 'ES256',
  kid: 'es-kid',
  sealedKey: 'v1.es',
  createdAt: T0 - 500,
  signsFrom: T0 - 500,
});

/** Creates a database at `path` as Sesame did before key rings (migration 0006), with two generated keys. */
async function createBeforeKeyRing(path: string): Promise<void> {
  await createMigratedTo(path, 5);
  const raw = new SqliteDatabase(path);
  try {
    for (const key of [RS256, ES256]) {
      insertRow(raw, 'generated_keys', {
        alg: key.alg,
        kid: key.kid,
        sealed_key: key.sealedKey,
        created_at: key.createdAt,
      });
    }
  } finally {
    raw.close();
  }
}

describe('upgrading a SQLite database from before signing key rings (migration 0006)', () => {
  let dir = '';
  let counter = 0;
  const freshPath = (): string => join(dir, `db-${++counter}.sqlite`);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sesame-upgrade-0006-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps each generated key as the first of its ring, signing from when it was created', async () => {
    const path = freshPath();
    await createBeforeKeyRing(path);
    const storage = await createSqliteStorage(path);
    try {
      assert.deepEqual(await storage.generatedKeys.list('RS256'), [RS256]);
      assert.deepEqual(await storage.generatedKeys.list('ES256'), [ES256]);
      // Instances starting after the upgrade sign with the key the others already use.
      assert.deepEqual(
        await storage.generatedKeys.insertIfAbsent(aGeneratedKey({ kid: 'new-kid', sealedKey: 'v1.new' })),
        RS256,
      );
    } finally {
      await storage.close();
    }
  });

  it('rotates and retires the keys it kept', async () => {
    const path = freshPath();
    await createBeforeKeyRing(path);
    const storage = await createSqliteStorage(path);
    try {
      const rotated = aGeneratedKey({
        seq: 2,
        kid: 'rotated-kid',
        sealedKey: 'v1.rotated',
        signsFrom: T0 + 1000,
      });
      assert.equal(await storage.generatedKeys.add(rotated), true);
      assert.equal(await storage.generatedKeys.retire('RS256', RS256.kid, T0 + 2000), true);
      assert.deepEqual(await storage.generatedKeys.list('RS256'), [
        { ...RS256, sealedKey: '', retiredAt: T0 + 2000 },
        rotated,
      ]);
    } finally {
      await storage.close();
    }
    // No copy of the retired private key is left in the table before the ring.
    const raw = new SqliteDatabase(path, { readonly: true });
    try {
      assert.deepEqual(raw.prepare('select alg, kid from generated_keys order by alg').all(), [
        { alg: 'ES256', kid: ES256.kid },
      ]);
    } finally {
      raw.close();
    }
  });

  it('leaves the old table as it was, for an instance of the previous Sesame still starting', async () => {
    const path = freshPath();
    await createBeforeKeyRing(path);
    await (await createSqliteStorage(path)).close();
    const raw = new SqliteDatabase(path, { readonly: true });
    try {
      assert.deepEqual(
        raw.prepare('select alg, kid, sealed_key, created_at from generated_keys order by alg').all(),
        [
          { alg: 'ES256', kid: ES256.kid, sealed_key: ES256.sealedKey, created_at: ES256.createdAt },
          { alg: 'RS256', kid: RS256.kid, sealed_key: RS256.sealedKey, created_at: RS256.createdAt },
        ],
      );
    } finally {
      raw.close();
    }
  });
});
