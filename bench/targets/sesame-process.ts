import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCpu } from '../machine/pinning.js';
import type { ServerCode, ServerProcess } from './types.js';

/** tsx, resolved here so that processes started in other directories find it. */
const tsx = import.meta.resolve('tsx');
/** The `sesame` command from the sources, or the compiled build `npm start` runs. */
const COMMANDS: Record<ServerCode, readonly string[]> = {
  sources: ['--import', tsx, join(import.meta.dirname, 'sesame-main.ts')],
  dist: [join(import.meta.dirname, '../../bin/sesame.js')],
};
const READY_WITHIN_MS = 60_000;

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/**
 * Runs `sesame <args>` in `cwd`, `stdin` on its standard input.
 * @throws Error with its output when it exits with another code than 0.
 */
export async function sesameCommand(
  from: ServerCode,
  args: readonly string[],
  cwd: string,
  stdin = '',
): Promise<void> {
  const child = spawn(process.execPath, [...COMMANDS[from], ...args], {
    cwd,
    stdio: 'pipe',
    env: cleanEnv(),
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  child.stdin.end(stdin);
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));
  if (code !== 0) throw new Error(`sesame ${args.slice(0, 2).join(' ')} exited with ${code}:\n${output}`);
}

/**
 * Starts `sesame serve --config <configFile>` in `dir` (on `cpu` when not null), its log in
 * `<dir>/serve.log`, and resolves once `<url>/health-check` answers 200.
 * @throws Error with the log's end when it exits first or is not ready within a minute.
 */
export async function startServe(options: {
  readonly name: string;
  readonly dir: string;
  readonly configFile: string;
  readonly url: string;
  readonly cpu: number | null;
  readonly code: ServerCode;
}): Promise<ServerProcess> {
  const logFile = join(options.dir, 'serve.log');
  const fd = openSync(logFile, 'a');
  const [command, args] = onCpu(options.cpu, process.execPath, [
    ...COMMANDS[options.code],
    'serve',
    '--config',
    options.configFile,
  ]);
  const child = spawn(command, args, { cwd: options.dir, stdio: ['ignore', fd, fd], env: cleanEnv() });
  closeSync(fd);
  let exitCode: number | null = null;
  const exited = new Promise<void>((done) =>
    child.on('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 : 1);
      done();
    }),
  );
  const logTail = () => tail(logFile);
  const stop = async () => {
    if (exitCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    if (exitCode !== null)
      throw new Error(`instance ${options.name} exited with ${exitCode} before it was ready:\n${logTail()}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `instance ${options.name} was not ready within ${READY_WITHIN_MS / 1000} s:\n${logTail()}`,
      );
    }
    if (await answers(`${options.url}/health-check`)) break;
    await sleep(100);
  }
  // With taskset, the pid is node's: taskset replaces itself with the command it runs.
  const pid = child.pid!;
  return { name: options.name, pid, rssBytes: () => rssOf(pid), logTail, stop };
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** VmRSS from /proc/<pid>/status, in bytes. */
function rssOf(pid: number): number | null {
  try {
    const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? null : Number(kib) * 1024;
  } catch {
    return null;
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-4000);
  } catch {
    return '(no log)';
  }
}

/** This environment without `SESAME_*`: each instance is configured by its own file only. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SESAME_')));
}
