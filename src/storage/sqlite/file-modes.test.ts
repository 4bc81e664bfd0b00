// What a fresh SQLite database looks like on disk: owner-only, -wal and -shm included
// (SQLite creates those itself, with the mode of the database file).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSqliteStorage } from './sqlite-storage.js';

test('a new database, its -wal and -shm files are 0600 in a 0700 directory', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'sesame-sqlite-modes-')), 'data');
  const path = join(dir, 'sesame.db');
  const storage = await createSqliteStorage(path);
  try {
    const now = Date.now();
    await storage.users.create({
      id: 'u1',
      username: 'alice',
      email: 'alice@example.com',
      emailVerified: true,
      name: null,
      givenName: null,
      familyName: null,
      passwordHash: 'x',
      createdAt: now,
      updatedAt: now,
    });
    const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
    assert.equal(mode(dir), '700');
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      assert.ok(existsSync(file), `${file} exists while the database is open`);
      assert.equal(mode(file), '600', file);
    }
  } finally {
    await storage.close();
  }
});
