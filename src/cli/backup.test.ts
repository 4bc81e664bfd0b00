import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { aSession, aStoredUser, aUser } from '../storage/conformance/fixtures.js';
import { openStorage } from '../storage/open.js';
import type { Storage } from '../storage/types.js';
import { backupCommand } from './backup.js';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-backup-cli-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `sesame backup` with `argv` in the temp directory. */
async function run(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString('utf8')));
  const code = await backupCommand(argv, { stdin: Readable.from([]), stdout, stderr, env: {}, cwd: dir });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

async function configWith(name: string, storage: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `issuer: https://id.example.org\ndata_dir: .\ndemo: false\nstorage: "${storage}"\n`);
  return file;
}

describe('sesame backup', () => {
  it('copies a SQLite database in use into a new 0600 file that holds the same records', async () => {
    const config = await configWith('sqlite.yaml', 'sqlite:./live.db');
    const live: Storage = await openStorage({ kind: 'sqlite', path: join(dir, 'live.db') });
    try {
      await live.users.create(aUser());
      await live.sessions.create(aSession({ userId: aUser().id }));
      // The server's connection stays open, with its WAL, while the backup runs.
      const result = await run(['copy.db', '--config', config]);
      assert.equal(result.stderr, '');
      assert.equal(result.code, 0);
      assert.match(
        result.stdout,
        /^Backed up .*live\.db to .*copy\.db; the copy passed SQLite's quick_check\.\n$/,
      );
    } finally {
      await live.close();
    }
    assert.equal((await stat(join(dir, 'copy.db'))).mode & 0o777, 0o600);
    const copy = await openStorage({ kind: 'sqlite', path: join(dir, 'copy.db') });
    try {
      assert.deepEqual(await copy.users.getById(aUser().id), aStoredUser());
    } finally {
      await copy.close();
    }
  });

  it('never overwrites a file', async () => {
    const config = await configWith('sqlite2.yaml', 'sqlite:./other.db');
    await openStorage({ kind: 'sqlite', path: join(dir, 'other.db') }).then((s) => s.close());
    await writeFile(join(dir, 'taken.db'), 'precious');
    const result = await run(['taken.db', '--config', config]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /taken\.db exists already/);
  });

  it('points PostgreSQL to pg_dump without printing the password, and has nothing to do for memory', async () => {
    const postgres = await run([
      'x.db',
      '--config',
      await configWith('pg.yaml', 'postgres://sesame:hunter2@db.example/sesame'),
    ]);
    assert.equal(postgres.code, 1);
    assert.match(postgres.stderr, /pg_dump/);
    assert.doesNotMatch(postgres.stderr, /hunter2/);
    const memory = await run(['x.db', '--config', await configWith('mem.yaml', 'memory')]);
    assert.equal(memory.code, 1);
    assert.match(memory.stderr, /nothing to back up/);
  });

  it('explains its usage when the file is missing', async () => {
    const result = await run([]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /the file to write the backup to is missing/);
  });
});
