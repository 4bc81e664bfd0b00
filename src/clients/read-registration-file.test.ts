import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRegistrationFile } from './read-registration-file.js';
import { RegistrationFileError } from './registration-error.js';

function refusedAs(pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof RegistrationFileError);
    assert.match(e.messages[0]!, pattern);
    return true;
  };
}

describe('readRegistrationFile', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sesame-read-registration-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file of exactly the limit', async () => {
    const file = join(dir, 'exact.yaml');
    await writeFile(file, 'é'.repeat(512));
    assert.equal(await readRegistrationFile(file, 1024), 'é'.repeat(512));
    await writeFile(file, '');
    assert.equal(await readRegistrationFile(file, 1024), '');
  });

  it('refuses a larger file naming its size, the limit and the setting that raises it', async () => {
    const file = join(dir, 'large.yaml');
    await writeFile(file, 'x'.repeat(1025));
    await assert.rejects(
      readRegistrationFile(file, 1024),
      refusedAs(
        /large\.yaml: the registration file is 1025 bytes, more than the 1024 bytes accepted; raise limits\.registration_file_bytes in sesame\.yaml/,
      ),
    );
  });

  it(
    'refuses an endless file (a link to /dev/zero) at the limit instead of reading on',
    {
      skip: existsSync('/dev/zero') ? false : 'needs /dev/zero',
      timeout: 10_000,
    },
    async () => {
      const file = join(dir, 'zero.yaml');
      await symlink('/dev/zero', file);
      await assert.rejects(
        readRegistrationFile(file, 1024 * 1024),
        refusedAs(/zero\.yaml: the registration file holds more than 1048576 bytes/),
      );
    },
  );

  it('says why a file cannot be read', async () => {
    await assert.rejects(
      readRegistrationFile(join(dir, 'missing.yaml'), 1024),
      refusedAs(/missing\.yaml: cannot read the registration file \(ENOENT\)/),
    );
    await assert.rejects(
      readRegistrationFile(dir, 1024),
      refusedAs(/cannot read the registration file \(EISDIR\)/),
    );
  });
});
