import { chmod, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../config/errors.js';
import { describePostgresUrl } from '../storage/describe.js';
import { ArgsError, parseArgs } from './args.js';
import type { CliIo } from './io.js';
import { loadCommandConfig } from './load-config.js';

const USAGE = `Usage:
  sesame backup <file> [--config sesame.yaml]
      copy the SQLite database to <file> while the server keeps running (SQLite's online
      backup), then check the copy

The copy is consistent: sign-ins and token requests go on meanwhile, and what they write after
the copy began is in the next backup. <file> must not exist yet; it is written with mode 0600,
because it holds password hashes and the hashes of every live token.

The database is not all there is to back up: keep the data directory's secret.key and keys/
(or your signing key files and encryption secret), the configuration and the client
registration file too — see docs/operations.md. For PostgreSQL storage use pg_dump; memory
storage keeps nothing.
`;

/**
 * `sesame backup <file>`: SQLite's online backup of the configured database into a new file,
 * then `PRAGMA quick_check` on the copy. Resolves to the exit code: 0 when the copy is made and
 * sound, 1 when it cannot be made (or the storage is not SQLite), 2 on a bad command line.
 */
export async function backupCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv[0] === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  let target: string;
  let file: string | undefined;
  try {
    const { options, positionals } = parseArgs(argv, { config: 'string' } as const);
    const [first, ...more] = positionals;
    if (first === undefined) throw new ArgsError('the file to write the backup to is missing');
    if (more.length > 0) throw new ArgsError(`unexpected argument "${more[0]}"`);
    target = resolve(io.cwd, first);
    file = options.config;
  } catch (error) {
    if (!(error instanceof ArgsError)) throw error;
    io.stderr.write(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  let storage;
  try {
    const loaded = loadCommandConfig(file, io);
    for (const warning of loaded.warnings) io.stderr.write(`warning: ${warning}\n`);
    storage = loaded.config.storage;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write('error: the configuration is not valid:\n');
    for (const problem of error.problems) io.stderr.write(`  - ${problem}\n`);
    return 1;
  }
  if (storage.kind === 'memory') {
    io.stderr.write('error: memory storage keeps nothing between runs: there is nothing to back up\n');
    return 1;
  }
  if (storage.kind === 'postgres') {
    io.stderr.write(
      `error: the storage is PostgreSQL (${describePostgresUrl(storage.url)}): back it up with pg_dump, e.g. pg_dump --format=custom --file=sesame.dump <database URL>\n`,
    );
    return 1;
  }
  if (await exists(target)) {
    io.stderr.write(`error: ${target} exists already; choose a new file\n`);
    return 1;
  }
  try {
    await copyOnline(storage.path, target);
  } catch (error) {
    io.stderr.write(
      `error: backup of ${storage.path} failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
  io.stdout.write(`Backed up ${storage.path} to ${target}; the copy passed SQLite's quick_check.\n`);
  return 0;
}

/** better-sqlite3's online backup (the SQLite backup API), then a check of the copy. */
async function copyOnline(source: string, target: string): Promise<void> {
  if (!(await exists(source))) throw new Error('the database file does not exist');
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(target);
  } finally {
    db.close();
  }
  await chmod(target, 0o600);
  const copy = new Database(target, { readonly: true, fileMustExist: true });
  try {
    const result = copy.pragma('quick_check', { simple: true });
    if (result !== 'ok') throw new Error(`the copy failed SQLite's quick_check: ${String(result)}`);
  } finally {
    copy.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
