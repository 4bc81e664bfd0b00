// What other local users can read of a running Sesame (issue 7, item 12): the data directory
// and everything in it are owner-only, SQLite's -wal and -shm included, and an operator whose
// data directory or database is open to others is told, once per path, how to close it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/sesame-process.js';
import { serveIn, type ServeRun } from '../helpers/serve-process.js';

let dir: string;
let issuer: string;
let env: Record<string, string>;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-file-modes-'));
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  env = { SESAME_ISSUER: issuer, SESAME_LISTEN: `127.0.0.1:${port}` };
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every path under `root` (itself included) with its permission bits, as octal text. */
async function modes(root: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const visit = async (path: string): Promise<void> => {
    const stats = await stat(path);
    found.set(path, (stats.mode & 0o777).toString(8));
    if (stats.isDirectory()) for (const name of await readdir(path)) await visit(join(path, name));
  };
  await visit(root);
  return found;
}

/** The paths a warning about group- or world-accessible secrets was logged for, each time. */
function warnedPaths(run: ServeRun): string[] {
  return run
    .stderr()
    .split('\n')
    .filter((line) => line.includes('other local users can access'))
    .map((line) => (JSON.parse(line) as { path: string }).path);
}

describe('file modes of a development instance', () => {
  const data = () => join(dir, 'data');

  it('creates the data directory 0700 and every file in it 0600, SQLite -wal and -shm included', async () => {
    const run = await serveIn(dir, { issuer, env });
    try {
      assert.ok(run.ready, run.stderr());
      assert.ok(await run.waitFor('Discovery:'), 'the demo banner is printed');
      const found = await modes(data());
      for (const name of [
        'sesame.db',
        'sesame.db-wal',
        'sesame.db-shm',
        'secret.key',
        'demo-credentials.json',
        'demo-registration.yaml',
      ]) {
        assert.ok(found.has(join(data(), name)), `${name} exists while the instance runs`);
      }
      // With SQLite the generated signing key lives in the database, sealed (issue 10).
      assert.equal(found.has(join(data(), 'keys')), false, 'no key file in the data directory');
      for (const [path, mode] of found) {
        const directory = (await stat(path)).isDirectory();
        assert.equal(mode, directory ? '700' : '600', path);
      }
      assert.deepEqual(warnedPaths(run), [], 'nothing to warn about');
    } finally {
      await run.stop();
    }
  });

  it('warns once per path about a 0755 data directory and a 0644 database, with the chmod that fixes it', async () => {
    await chmod(data(), 0o755);
    await chmod(join(data(), 'sesame.db'), 0o644);
    const run = await serveIn(dir, { issuer, env });
    try {
      assert.ok(run.ready, run.stderr());
      assert.ok(await run.waitFor('Discovery:'), 'the demo starts again on its own data');
      const warned = warnedPaths(run);
      assert.deepEqual(
        warned.filter((path, i) => warned.indexOf(path) !== i),
        [],
        'no path is warned about twice',
      );
      const db = join(data(), 'sesame.db');
      assert.ok(warned.includes(data()) && warned.includes(db), run.stderr());
      assert.ok(run.stderr().includes(`fix: chmod 700 ${data()}`));
      assert.ok(run.stderr().includes(`fix: chmod 600 ${db}`));
    } finally {
      await run.stop();
    }
  });
});
