import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load.js';
import { StorageError } from '../storage/types.js';
import { describeState, explainStartError } from './start-error.js';

/** An error as node:fs throws it when it may not write `path`. */
function denied(path: string, code = 'EACCES'): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: permission denied, mkdir '${path}'`), {
    code,
    path,
    syscall: 'mkdir',
  });
}

const config = (env: Record<string, string> = {}) =>
  loadConfig({ env: { SESAME_DATA_DIR: '/srv/sesame', SESAME_DEMO: 'false', ...env }, cwd: '/' }).config;

describe('where the state lives, logged at start', () => {
  it('names the database, the data directory and the generated key', () => {
    assert.equal(
      describeState(config()),
      'state: SQLite database /srv/sesame/sesame.db; data directory /srv/sesame; a generated signing key in /srv/sesame/keys',
    );
  });

  it('names PostgreSQL without its password, and key files when configured', () => {
    const text = describeState(config({ SESAME_STORAGE: 'postgres://sesame:hunter2@db.example:5433/idp' }));
    assert.match(
      text,
      /^state: PostgreSQL database db\.example:5433\/idp; data directory \/srv\/sesame; a generated signing key in the database/,
    );
    assert.doesNotMatch(text, /hunter2/);
  });
});

describe('a start that may not write a file', () => {
  it('names the path and the data directory setting, in each front door’s words', () => {
    const error = denied('/srv/sesame/keys');
    assert.equal(
      explainStartError(error, config(), 'sesame'),
      'cannot write /srv/sesame/keys (permission denied): run Sesame as a user who may write there, or move the data directory with data_dir (SESAME_DATA_DIR)',
    );
    assert.match(
      explainStartError(error, config(), 'konnectd') ?? '',
      /or move the data directory with --data-dir \(KONNECTD_DATA_DIR/,
    );
  });

  it('names the storage setting for the SQLite database, found through the StorageError', () => {
    const cause = denied('/var/db/sesame.db');
    const error = new StorageError('unavailable', 'cannot open SQLite database /var/db/sesame.db', { cause });
    const explained = explainStartError(
      error,
      config({ SESAME_STORAGE: 'sqlite:/var/db/sesame.db' }),
      'sesame',
    );
    assert.equal(
      explained,
      'cannot write /var/db/sesame.db (permission denied): run Sesame as a user who may write there, or move the database with storage (SESAME_STORAGE)',
    );
  });

  it('says when the file system is read-only, and explains nothing else', () => {
    assert.match(
      explainStartError(denied('/srv/sesame', 'EROFS'), config(), 'sesame') ?? '',
      /\(the file system is read-only\)/,
    );
    assert.equal(explainStartError(new Error('something else'), config(), 'sesame'), null);
    assert.equal(
      explainStartError(Object.assign(new Error('gone'), { code: 'ENOENT', path: '/x' }), config(), 'sesame'),
      null,
    );
  });
});
