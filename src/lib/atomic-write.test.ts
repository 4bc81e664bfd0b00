import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConcurrentChangeError, writeFileAtomically } from './atomic-write.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-atomic-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomically', () => {
  it('replaces a file, keeping its permissions, and leaves no temporary file behind', async () => {
    const file = join(dir, 'kept.yaml');
    await writeFile(file, 'old\n');
    await chmod(file, 0o640);
    await writeFileAtomically(file, 'new\n', { newFileMode: 0o600, expected: 'old\n' });
    assert.equal(await readFile(file, 'utf8'), 'new\n');
    assert.equal((await stat(file)).mode & 0o777, 0o640);
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name.includes('kept')),
      ['kept.yaml'],
    );
  });

  it('creates a missing file with the mode given for new files', async () => {
    const file = join(dir, 'new.yaml');
    await writeFileAtomically(file, 'x\n', { newFileMode: 0o600, expected: null });
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('writes nothing when the file changed since it was read', async () => {
    const file = join(dir, 'raced.yaml');
    await writeFile(file, 'someone else wrote this\n');
    await assert.rejects(
      writeFileAtomically(file, 'mine\n', { newFileMode: 0o600, expected: 'what I read\n' }),
      ConcurrentChangeError,
    );
    assert.equal(await readFile(file, 'utf8'), 'someone else wrote this\n');
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name.includes('raced')),
      ['raced.yaml'],
    );
  });

  it('keeps a symbolic link a link, replacing its target', async () => {
    const target = join(dir, 'target.yaml');
    const link = join(dir, 'link.yaml');
    await writeFile(target, 'old\n');
    await symlink('target.yaml', link);
    const written = await writeFileAtomically(link, 'new\n', { newFileMode: 0o600 });
    assert.equal(written, target);
    assert.equal(await readFile(target, 'utf8'), 'new\n');
    assert.ok((await import('node:fs')).lstatSync(link).isSymbolicLink());
  });
});
