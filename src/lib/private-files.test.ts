import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createPrivateFileSync, findExposedPaths, makePrivateDirSync } from './private-files.js';

const mode = (path: string) => statSync(path).mode & 0o777;

test('creates directories 0700 and files 0600, and leaves an existing file as it was', () => {
  const root = mkdtempSync(join(tmpdir(), 'sesame-private-'));
  makePrivateDirSync(join(root, 'a', 'b'));
  assert.equal(mode(join(root, 'a')), 0o700);
  assert.equal(mode(join(root, 'a', 'b')), 0o700);
  const file = join(root, 'a', 'b', 'f');
  createPrivateFileSync(file);
  assert.equal(mode(file), 0o600);
  writeFileSync(file, 'kept');
  chmodSync(file, 0o640);
  createPrivateFileSync(file);
  assert.equal(readFileSync(file, 'utf8'), 'kept');
  assert.equal(mode(file), 0o640);
});

test('finds what other users can reach, with the chmod that closes it, once each', () => {
  const root = mkdtempSync(join(tmpdir(), 'sesame-private-'));
  const open = join(root, 'open dir');
  const closed = join(root, 'closed');
  mkdirSync(open, { mode: 0o755 });
  chmodSync(open, 0o755);
  mkdirSync(closed, { mode: 0o700 });
  const db = join(closed, 'db');
  writeFileSync(db, '');
  chmodSync(db, 0o644);
  const key = join(closed, 'key');
  writeFileSync(key, '', { mode: 0o600 });
  assert.deepEqual(findExposedPaths([open, closed, db, key, join(root, 'missing'), db]), [
    { path: open, kind: 'directory', mode: 0o755, fix: `chmod 700 '${open}'` },
    { path: db, kind: 'file', mode: 0o644, fix: `chmod 600 ${db}` },
  ]);
});
