import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openTestSchemas } from '../storage/postgres/test-database.js';
import { migrateCommand } from './migrate.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-migrate-cli-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `sesame migrate` with `argv` in the temp directory. */
async function run(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString('utf8')));
  const code = await migrateCommand(argv, { stdin: Readable.from([]), stdout, stderr, env, cwd: dir });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Writes a config file naming `storage` and returns its path. */
async function configWith(name: string, storage: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `issuer: https://id.example.org\ndata_dir: .\ndemo: false\nstorage: "${storage}"\n`);
  return file;
}

const ALL_APPLIED = [
  '  0001-initial',
  '  0002-grant-claims-and-guests',
  '  0003-interaction-client-address',
  '  0004-protocol-completeness',
  '  0005-generated-keys',
  '  0006-signing-key-ring',
].join('\n');

describe('sesame migrate', () => {
  it('applies every migration to a new SQLite database, then finds nothing to do', async () => {
    const file = await configWith('sqlite.yaml', 'sqlite:./m.db');
    const first = await run(['--config', file]);
    assert.equal(first.stderr, '');
    assert.equal(first.code, 0);
    assert.equal(
      first.stdout,
      `Applied 6 migrations to SQLite database ${join(dir, 'm.db')}:\n${ALL_APPLIED}\nIt is now at migration 6.\n`,
    );
    const second = await run(['--config', file]);
    assert.equal(second.code, 0);
    assert.equal(
      second.stdout,
      `SQLite database ${join(dir, 'm.db')} is up to date (migration 6); nothing to apply.\n`,
    );
  });

  it('refuses arguments it does not know', async () => {
    const result = await run(['--force']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown option --force/);
  });

  it('says so when the storage cannot be reached', async () => {
    const file = await configWith('down.yaml', 'postgres://sesame:s3cret@127.0.0.1:1/sesame');
    const result = await run(['--config', file]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error: storage unavailable: .*127\.0\.0\.1:1\/sesame/m);
    assert.doesNotMatch(result.stderr, /s3cret/);
  });
});

const schemas = await openTestSchemas();

if ('skip' in schemas) {
  describe('sesame migrate on PostgreSQL', { skip: schemas.skip }, () => {});
} else {
  after(() => schemas.dropAll());

  describe('sesame migrate on PostgreSQL', () => {
    it('applies every migration to a new schema, once, and says so', async () => {
      const { url } = await schemas.create();
      const file = await configWith('pg.yaml', url);
      const first = await run(['--config', file]);
      assert.equal(first.stderr, '');
      assert.equal(first.code, 0);
      const where = `PostgreSQL database ${new URL(url).hostname}:${new URL(url).port || '5432'}${new URL(url).pathname}`;
      assert.equal(
        first.stdout,
        `Applied 6 migrations to ${where}:\n${ALL_APPLIED}\nIt is now at migration 6.\n`,
      );
      const second = await run([], { SESAME_STORAGE: url, SESAME_ISSUER: 'https://id.example.org' });
      assert.equal(second.code, 0);
      assert.equal(second.stdout, `${where} is up to date (migration 6); nothing to apply.\n`);

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query('select count(*)::int as n from sesame_migrations');
        assert.deepEqual(rows, [{ n: 6 }]);
      } finally {
        await client.end();
      }
    });
  });
}
