import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Config } from './config/types.js';
import { DemoRefusedError } from './demo-guard.js';
import { ensureDemo } from './demo.js';
import { TEST_CONFIG } from './endpoints/token/test-fixture.js';
import { hashPassword, verifyPassword } from './identity/builtin/passwords.js';
import { createMemoryStorage } from './storage/memory/memory-storage.js';
import type { Storage } from './storage/types.js';

const log = pino({ enabled: false });

async function addUser(storage: Storage, username: string, password = 'a long passphrase'): Promise<void> {
  const now = Date.now();
  await storage.users.create({
    id: `id-${username}`,
    username,
    email: null,
    emailVerified: false,
    name: null,
    givenName: null,
    familyName: null,
    passwordHash: await hashPassword(password, TEST_CONFIG.passwords),
    createdAt: now,
    updatedAt: now,
  });
}

describe('the demo instance', () => {
  let dataDir: string;
  let config: Config;
  let storage: Storage;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sesame-demo-guard-'));
    config = { ...TEST_CONFIG, issuer: 'http://localhost:8777', dataDir, demo: true };
    storage = createMemoryStorage();
  });
  afterEach(async () => {
    await storage.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates a demo user whose printed password works, on empty data', async () => {
    const demo = await ensureDemo(config, storage, log);
    const user = await storage.users.getByUsername(demo.username);
    assert.ok(user);
    assert.equal(await verifyPassword(user.passwordHash, demo.password), true);
  });

  it('starts again on its own data, with the same credentials', async () => {
    const first = await ensureDemo(config, storage, log);
    const second = await ensureDemo(config, storage, log);
    assert.deepEqual(second, first);
    assert.equal((await storage.users.list()).length, 1);
  });

  it('refuses to add a demo user next to a real user, saying what it found and what to do', async () => {
    await addUser(storage, 'alice');
    await assert.rejects(ensureDemo(config, storage, log), (error: unknown) => {
      assert.ok(error instanceof DemoRefusedError);
      assert.deepEqual(error.found, ['1 user other than the demo user in memory storage (alice)']);
      assert.match(error.message, /--config/);
      assert.match(error.message, /SESAME_DEMO=false/);
      assert.match(error.message, /empty directory/);
      return true;
    });
    assert.deepEqual(
      (await storage.users.list()).map((u) => u.username),
      ['alice'],
      'no demo user was created',
    );
    assert.deepEqual(await readdir(dataDir), [], 'no demo credentials were written');
  });

  it('refuses when real users joined the demo user, and names them', async () => {
    await ensureDemo(config, storage, log);
    for (const name of ['alice', 'bob', 'carol', 'dave']) await addUser(storage, name);
    await assert.rejects(ensureDemo(config, storage, log), (error: unknown) => {
      assert.ok(error instanceof DemoRefusedError);
      assert.deepEqual(error.found, [
        '4 users other than the demo user in memory storage (alice, bob, carol, …)',
      ]);
      return true;
    });
  });

  it('treats a "demo" user whose password is not the printed one as a real user', async () => {
    await addUser(storage, 'demo', 'chosen by the operator');
    await assert.rejects(ensureDemo(config, storage, log), DemoRefusedError);
  });

  it('refuses when the registration file holds other clients', async () => {
    const registration = join(dataDir, 'clients.yaml');
    await writeFile(
      registration,
      'clients:\n  - id: nextcloud\n    secret: s3cret\n    redirect_uris: [https://cloud.example.com/cb]\n',
    );
    await assert.rejects(ensureDemo({ ...config, registration }, storage, log), (error: unknown) => {
      assert.ok(error instanceof DemoRefusedError);
      assert.deepEqual(error.found, [`1 client in ${registration} (nextcloud)`]);
      return true;
    });
    assert.deepEqual(await storage.users.list(), []);
  });

  it(
    'judges the registration file only within limits.registration_file_bytes, even one whose size says nothing (a pipe)',
    { skip: process.platform === 'win32' ? 'needs mkfifo' : false },
    async () => {
      const registration = join(dataDir, 'clients.fifo');
      execFileSync('mkfifo', [registration]);
      const text =
        'clients:\n  - id: nextcloud\n    secret: s3cret\n    redirect_uris: [https://cloud.example.com/cb]\n' +
        `# ${'x'.repeat(4096)}\n`;
      // The reader stops at the limit and closes the pipe: the writer then fails, as it should.
      const writing = writeFile(registration, text).catch(() => {});
      const limits = { ...config.limits, registrationFileBytes: 1024 };
      await ensureDemo({ ...config, registration, limits }, storage, log);
      await writing;
      assert.deepEqual(
        (await storage.users.list()).map((u) => u.username),
        ['demo'],
        'a file above the limit is left to the registry to refuse',
      );
    },
  );
});
