import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../lib/private-files.js';

/** Where a running server records its process id, for `sesame clients reload`. */
export function pidFilePath(dataDir: string): string {
  return join(dataDir, 'sesame.pid');
}

/** A server that cannot be reached; `message` is fit to show the operator. */
export class NoServerError extends Error {
  override name = 'NoServerError';
}

/**
 * Records `pid` in `<dataDir>/sesame.pid`, mode 0600, replacing a stale file (created anew,
 * never written through a link). Resolves with a function that removes the file again if it
 * still names `pid`.
 */
export async function writePidFile(dataDir: string, pid: number): Promise<() => Promise<void>> {
  const path = pidFilePath(dataDir);
  await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await rm(path, { force: true });
  await writeFile(path, `${pid}\n`, { flag: 'wx', mode: PRIVATE_FILE_MODE });
  return async () => {
    const recorded = await readFile(path, 'utf8').catch(() => null);
    if (recorded?.trim() === String(pid)) await rm(path, { force: true });
  };
}

/**
 * The process id of the server running on `dataDir`, checked: the process exists and, where
 * `/proc` tells, runs sesame or konnectd — so a stale file whose number now belongs to
 * another program is not signalled.
 *
 * @throws NoServerError saying why there is no server to signal.
 */
export async function readServerPid(dataDir: string): Promise<number> {
  const path = pidFilePath(dataDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new NoServerError(`no Sesame server is running on ${dataDir} (there is no ${path})`);
    }
    throw new NoServerError(`cannot read ${path} (${code ?? String(error)})`);
  }
  const pid = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(pid) || pid <= 1) {
    throw new NoServerError(`${path} does not hold a process id`);
  }
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
  const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  if (commandLine !== null && !/sesame|konnectd/.test(commandLine)) {
    throw new NoServerError(
      `process ${pid}, named by ${path}, is not Sesame (the file is stale); not signalling it`,
    );
  }
  return pid;
}
