import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCpu } from '../machine/pinning.js';
import type { ServerProcess } from './types.js';

const READY_WITHIN_MS = 60_000;
/** How often readiness is polled: the cold start is measured to about this. */
const POLL_MS = 10;

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
 * Starts `node <nodeArgs>` in `dir` (on `cpu` when not null), its output in `<dir>/serve.log`,
 * and resolves once `readyUrl` answers 200, polled every 10 ms; `coldStartMs` is the time from
 * the spawn to that first 200.
 * @throws Error with the log's end when it exits first or is not ready within a minute.
 */
export async function startServer(options: {
  readonly name: string;
  readonly dir: string;
  readonly nodeArgs: readonly string[];
  readonly readyUrl: string;
  readonly cpu: number | null;
  readonly env?: NodeJS.ProcessEnv;
}): Promise<ServerProcess> {
  const logFile = join(options.dir, 'serve.log');
  const fd = openSync(logFile, 'a');
  const [command, args] = onCpu(options.cpu, process.execPath, options.nodeArgs);
  const spawnedAt = performance.now();
  const child = spawn(command, args, {
    cwd: options.dir,
    stdio: ['ignore', fd, fd],
    env: options.env ?? process.env,
  });
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
    if (await answers(options.readyUrl)) break;
    await sleep(POLL_MS);
  }
  const coldStartMs = Math.round(performance.now() - spawnedAt);
  // With taskset, the pid is node's: taskset replaces itself with the command it runs.
  const pid = child.pid!;
  return { name: options.name, pid, coldStartMs, rssBytes: () => rssOf(pid), logTail, stop };
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
