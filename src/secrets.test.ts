import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { loadInstanceSecret } from './secrets.js';

const log = pino({ level: 'silent' });
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-secrets-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('instance secret', () => {
  it('uses a konnectd encryption secret file of exactly 32 bytes', async () => {
    const path = join(dir, 'good.key');
    await writeFile(path, Buffer.alloc(32, 7));
    assert.deepEqual(
      Buffer.from(await loadInstanceSecret({ dataDir: dir, instanceSecret: { kind: 'file', path } }, log)),
      Buffer.alloc(32, 7),
    );
  });

  it('refuses a secret file of another size, naming the size', async () => {
    const path = join(dir, 'long.key');
    await writeFile(path, Buffer.alloc(33));
    await assert.rejects(
      loadInstanceSecret({ dataDir: dir, instanceSecret: { kind: 'file', path } }, log),
      /long\.key: holds 33 bytes; exactly 32 are required/,
    );
  });

  it('keeps a generated secret in the data directory when konnectd has none, so restarts keep forms working', async () => {
    const a = await loadInstanceSecret(
      { dataDir: join(dir, 'k'), instanceSecret: { kind: 'ephemeral' } },
      log,
    );
    const b = await loadInstanceSecret(
      { dataDir: join(dir, 'k'), instanceSecret: { kind: 'ephemeral' } },
      log,
    );
    assert.equal(a.length, 32);
    assert.deepEqual(a, b);
  });

  it('keeps the native secret in the data directory by default', async () => {
    const a = await loadInstanceSecret({ dataDir: join(dir, 'data') }, log);
    const b = await loadInstanceSecret({ dataDir: join(dir, 'data') }, log);
    assert.deepEqual(a, b);
    const file = join(dir, 'data', 'secret.key');
    assert.deepEqual(new Uint8Array(await readFile(file)), new Uint8Array(a));
    assert.equal((await stat(file)).mode & 0o777, 0o600, 'readable by the owner only');
  });
});
