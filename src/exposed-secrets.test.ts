import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { warnAboutExposedSecrets } from './exposed-secrets.js';

/** A real logger whose lines are kept, parsed. */
function recorder() {
  const lines: Record<string, unknown>[] = [];
  const destination = { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) };
  return { lines, log: pino({ base: undefined, timestamp: false }, destination) };
}

test('warns once about a data directory and a database other users can read, naming the chmod', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sesame-exposed-'));
  chmodSync(dataDir, 0o755);
  const db = join(dataDir, 'sesame.db');
  writeFileSync(db, '');
  chmodSync(db, 0o644);
  writeFileSync(join(dataDir, 'secret.key'), '', { mode: 0o600 });
  mkdirSync(join(dataDir, 'keys'), { mode: 0o700 });
  const { lines, log } = recorder();
  warnAboutExposedSecrets({ dataDir, storage: { kind: 'sqlite', path: db } }, log);
  assert.deepEqual(lines, [
    {
      level: 40,
      path: dataDir,
      mode: '755',
      fix: `chmod 700 ${dataDir}`,
      msg: `directory ${dataDir} holds secrets but other local users can access it (mode 755); fix: chmod 700 ${dataDir}`,
    },
    {
      level: 40,
      path: db,
      mode: '644',
      fix: `chmod 600 ${db}`,
      msg: `file ${db} holds secrets but other local users can access it (mode 644); fix: chmod 600 ${db}`,
    },
  ]);
});

test('says nothing about owner-only paths, or about the directory of a database kept elsewhere', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sesame-exposed-'));
  const elsewhere = mkdtempSync(join(tmpdir(), 'sesame-exposed-db-'));
  chmodSync(elsewhere, 0o755);
  const db = join(elsewhere, 'sesame.db');
  writeFileSync(db, '', { mode: 0o600 });
  const { lines, log } = recorder();
  assert.deepEqual(warnAboutExposedSecrets({ dataDir, storage: { kind: 'sqlite', path: db } }, log), []);
  assert.deepEqual(lines, []);
});
