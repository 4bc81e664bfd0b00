import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { clientsCommand } from './clients.js';
import { pidFilePath, startFilePath, writePidFile } from './pid-file.js';
import { processStartTime } from './process-start.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `sesame clients …` in `cwd` with an empty environment. */
async function run(argv: string[], cwd: string): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString('utf8')));
  const code = await clientsCommand(argv, { stdin: Readable.from([]), stdout, stderr, env: {}, cwd });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** A stand-in server: a node process that exits 0 on SIGHUP; resolves once it listens for it. */
async function hangupListener(): Promise<{ child: ChildProcess; hungUp: Promise<boolean> }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      "process.on('SIGHUP', () => process.exit(0)); console.log('ready'); setInterval(() => {}, 1000);",
      'sesame',
      'serve',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const hungUp = new Promise<boolean>((done) => child.once('exit', (code) => done(code === 0)));
  await new Promise((ready) => child.stdout?.once('data', ready));
  return { child, hungUp };
}

describe('sesame clients reload --force --data-dir (a server without sesame.yaml, e.g. konnectd)', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sesame-clients-cli-'));
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('signals the server that wrote <data-dir>/sesame.pid, the directory taken relative to where it runs', async () => {
    const dataDir = join(dir, 'konnectd-data');
    const server = await hangupListener();
    children.push(server.child);
    await writePidFile(dataDir, server.child.pid as number);

    const result = await run(['reload', '--force', '--data-dir', 'konnectd-data'], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(
        `Sent SIGHUP to the Sesame server on ${dataDir} \\(pid ${server.child.pid}\\): it applies its registration file now if the file parses`,
      ),
    );
    assert.equal(await server.hungUp, true, 'the server got SIGHUP');
  });

  it(
    'never signals a live process that is not the server, even one whose command line mentions sesame',
    { skip: existsSync('/proc/self/stat') ? false : 'needs /proc' },
    async () => {
      const dataDir = join(dir, 'stale');
      // Someone's `sleep` under /srv/sesame, holding the pid a server that has ended recorded:
      // SIGHUP would end it.
      const other = spawn('sleep', ['30'], { argv0: '/srv/sesame/bin/sleep', stdio: 'ignore' });
      children.push(other);
      // Start times are counted in clock ticks: let one pass so that the two differ.
      await new Promise((r) => setTimeout(r, 50));
      const server = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', 'sesame', 'serve'], {
        stdio: 'ignore',
      });
      const serverStarted = await processStartTime(server.pid as number);
      assert.notEqual(serverStarted, await processStartTime(other.pid as number));
      server.kill();
      await new Promise((r) => server.once('exit', r));
      await mkdir(dataDir);
      await writeFile(pidFilePath(dataDir), `${other.pid}\n`);
      await writeFile(startFilePath(dataDir), `${other.pid} ${serverStarted}\n`);

      const result = await run(['reload', '--force', '--data-dir', dataDir], dir);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /is not the server that wrote it: it started at another time .*; not signalling it/,
      );
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(other.exitCode, null, 'the sleep is still running');
      assert.equal(other.signalCode, null);
    },
  );

  it('takes --config or --data-dir, not both', async () => {
    const result = await run(['reload', '--force', '--config', 'sesame.yaml', '--data-dir', 'data'], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /give --config or --data-dir, not both/);
  });

  it('documents --data-dir in its help', async () => {
    const result = await run(['--help'], dir);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /sesame clients reload --force --data-dir <dir>/);
    assert.match(result.stdout, /konnectd/);
  });
});
