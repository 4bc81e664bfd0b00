import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../lib/private-files.js';
import { processStartTime } from './process-start.js';

/**
 * Where a running server records its process id, for `sesame clients reload`: the pid alone,
 * as pid files hold it, so that `kill -HUP $(cat sesame.pid)` and systemd's `PIDFile=` read
 * it as they read any other.
 */
export function pidFilePath(dataDir: string): string {
  return join(dataDir, 'sesame.pid');
}

/**
 * Where the server records `<pid> <start time>` beside its pid file (not in it, which would
 * make `$(cat sesame.pid)` two numbers): what tells the server from a later process given the
 * same pid.
 */
export function startFilePath(dataDir: string): string {
  return `${pidFilePath(dataDir)}.start`;
}

/** A server that cannot be reached; `message` is fit to show the operator. */
export class NoServerError extends Error {
  override name = 'NoServerError';
}

/** Where to read process information; tests point it at a directory without any to play a system without /proc. */
export interface ProcOptions {
  /** Default `/proc`. */
  readonly procDir?: string;
}

/**
 * Records `pid` in `<dataDir>/sesame.pid`, and its start time ({@link processStartTime}) in
 * {@link startFilePath} where /proc tells it; both mode 0600, replacing stale files (created
 * anew, never written through a link), the start time first. Resolves with a function that
 * removes them again if they still hold what was written.
 */
export async function writePidFile(
  dataDir: string,
  pid: number,
  options: ProcOptions = {},
): Promise<() => Promise<void>> {
  const pidFile = pidFilePath(dataDir);
  const startFile = startFilePath(dataDir);
  const startTime = await processStartTime(pid, options.procDir);
  const started = startTime === null ? null : `${pid} ${startTime}\n`;
  await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await rm(pidFile, { force: true });
  await rm(startFile, { force: true });
  if (started !== null) await writeFile(startFile, started, { flag: 'wx', mode: PRIVATE_FILE_MODE });
  await writeFile(pidFile, `${pid}\n`, { flag: 'wx', mode: PRIVATE_FILE_MODE });
  return async () => {
    if ((await readFile(pidFile, 'utf8').catch(() => null)) !== `${pid}\n`) return;
    await rm(pidFile, { force: true });
    if ((await readFile(startFile, 'utf8').catch(() => null)) === started) {
      await rm(startFile, { force: true });
    }
  };
}

/** The server process a pid file names, and how it was told from an unrelated process. */
export interface ServerProcess {
  readonly pid: number;
  /**
   * `start time`: the process started when the one that wrote the file did, so it is that
   * process. `command line`: this system has no /proc to tell start times, so the process was
   * only seen to run sesame or konnectd — a stale file whose pid now belongs to another such
   * process would pass too.
   */
  readonly recognisedBy: 'start time' | 'command line';
}

/**
 * The server running on `dataDir`, checked so that a stale file whose pid now belongs to
 * another process is never signalled: the process exists and has the start time recorded in
 * {@link startFilePath} for it. Where /proc cannot tell the start time (no /proc on this
 * system), the process is accepted only if its command line (from `ps`) runs sesame or
 * konnectd, and `recognisedBy` says so; where /proc can tell, a pid without a recorded start
 * time is refused.
 *
 * @throws NoServerError saying why there is no server to signal.
 */
export async function readServerPid(dataDir: string, options: ProcOptions = {}): Promise<ServerProcess> {
  const path = pidFilePath(dataDir);
  const pid = parsePidFile(await readPidFile(dataDir), path);
  checkAlive(pid, dataDir, path);
  const actual = await processStartTime(pid, options.procDir);
  if (actual !== null) {
    const startTime = await recordedStartTime(dataDir, pid);
    if (startTime === null) {
      throw new NoServerError(
        `there is no start time for process ${pid} in ${startFilePath(dataDir)}, so it cannot be told from another process that was given the same pid; not signalling it (if it is the server, run kill -HUP ${pid})`,
      );
    }
    if (actual !== startTime) {
      throw new NoServerError(
        `process ${pid}, named by ${path}, is not the server that wrote it: it started at another time (the file is stale and the pid was reused); not signalling it`,
      );
    }
    return { pid, recognisedBy: 'start time' };
  }
  const commandLine = await psCommandLine(pid);
  if (commandLine === null || !/sesame|konnectd/.test(commandLine)) {
    throw new NoServerError(
      `cannot tell whether process ${pid}, named by ${path}, is Sesame: there is no /proc to read its start time from, and ${commandLine === null ? '`ps` did not show its command line' : 'its command line does not run sesame or konnectd'}; not signalling it`,
    );
  }
  return { pid, recognisedBy: 'command line' };
}

async function readPidFile(dataDir: string): Promise<string> {
  const path = pidFilePath(dataDir);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new NoServerError(`no Sesame server is running on ${dataDir} (there is no ${path})`);
    }
    throw new NoServerError(`cannot read ${path} (${code ?? String(error)})`);
  }
}

function parsePidFile(text: string, path: string): number {
  const pid = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(pid) || pid <= 1) {
    throw new NoServerError(`${path} does not hold a process id`);
  }
  return pid;
}

/** The start time recorded for `pid` in {@link startFilePath}, or null when none is (for it). */
async function recordedStartTime(dataDir: string, pid: number): Promise<string | null> {
  const text = await readFile(startFilePath(dataDir), 'utf8').catch(() => '');
  const match = /^(\d+) (\d+)\n?$/.exec(text);
  return match !== null && Number(match[1]) === pid ? (match[2] as string) : null;
}

function checkAlive(pid: number, dataDir: string, path: string): void {
  try {
    process.kill(pid, 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') {
      throw new NoServerError(
        `no Sesame server is running on ${dataDir} (${path} names process ${pid}, which has ended)`,
      );
    }
    if (code === 'EPERM') {
      throw new NoServerError(
        `process ${pid} belongs to another user: run this as the user the server runs as`,
      );
    }
    throw error;
  }
}

/** The command line of `pid` as `ps` shows it (POSIX `-o args`), or null when it does not. */
async function psCommandLine(pid: number): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('ps', ['-o', 'args=', '-p', String(pid)], {
      timeout: 5000,
    });
    return stdout.trim() === '' ? null : stdout;
  } catch {
    return null;
  }
}
