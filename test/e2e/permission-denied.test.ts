// Issue 10: Sesame started where it may not write names the path and the setting that moves it.
// Run as an unprivileged user (root may write anywhere): as uid 65534 when the tests run as root.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const repo = resolve(import.meta.dirname, '../..');
const tsx = import.meta.resolve('tsx');
const NOBODY = 65534;

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-denied-'));
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'readonly'), { mode: 0o555 });
  await mkdir(join(dir, 'data'));
  await chmod(join(dir, 'data'), 0o777);
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function serve(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const asRoot = process.getuid?.() === 0;
  const child = spawn(
    process.execPath,
    ['--import', tsx, join(repo, 'test/helpers/run-sesame.ts'), 'serve'],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: dir, SESAME_DEMO: 'false', ...env },
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((done) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? 1, stdout, stderr });
    }),
  );
}

describe('sesame serve where it may not write', () => {
  it('logs where its state lives, then names the path and the data directory setting', async () => {
    const dataDir = join(dir, 'readonly', 'data');
    const result = await serve({ SESAME_DATA_DIR: dataDir, SESAME_LISTEN: '127.0.0.1:0' });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      new RegExp(`"msg":"state: SQLite database ${dataDir}/sesame.db; data directory ${dataDir};`),
    );
    assert.match(
      result.stderr,
      new RegExp(
        `sesame: cannot write ${dataDir} \\(permission denied\\): run Sesame as a user who may write there, or move the data directory with data_dir \\(SESAME_DATA_DIR\\)`,
      ),
    );
  });

  it('names the storage setting for a database outside the data directory', async () => {
    const result = await serve({
      SESAME_DATA_DIR: join(dir, 'data'),
      SESAME_STORAGE: `sqlite:${join(dir, 'readonly', 'db', 'sesame.db')}`,
      SESAME_LISTEN: '127.0.0.1:0',
    });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /or move the database with storage \(SESAME_STORAGE\)/);
  });
});
