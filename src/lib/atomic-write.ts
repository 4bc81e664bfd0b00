import { randomBytes } from 'node:crypto';
import { chmod, chown, lstat, open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file changed between the read the new text was derived from and the write. */
export class ConcurrentChangeError extends Error {
  constructor(readonly file: string) {
    super(`${file} changed while it was being edited; nothing was written, run the command again`);
    this.name = 'ConcurrentChangeError';
  }
}

export interface AtomicWriteOptions {
  /** The mode of a file that does not exist yet; an existing file keeps its own. */
  readonly newFileMode: number;
  /**
   * What the file held when the new text was derived from it (null: it did not exist). When
   * it holds something else at the moment of the write, nothing is written and
   * {@link ConcurrentChangeError} is thrown, so two editors never silently drop each other's
   * change. Absent: not checked.
   */
  readonly expected?: string | null;
}

/**
 * Replaces `file` with `text` so that a reader sees the old or the new file, never a partial
 * one: the text goes to a temporary file in the same directory, is flushed to disk, and is
 * renamed over `file`. An existing file keeps its permission bits (and, for root, its owner
 * and group); a new one gets `newFileMode`. A symbolic link stays a link: its target is
 * replaced. Returns the path written (the link's target for a link).
 *
 * @throws ConcurrentChangeError when `expected` is given and no longer matches.
 * @throws the file system's error (EACCES, ENOSPC, …); the temporary file is removed.
 */
export async function writeFileAtomically(
  file: string,
  text: string,
  options: AtomicWriteOptions,
): Promise<string> {
  const target = (await lstat(file).catch(() => null))?.isSymbolicLink() ? await realpath(file) : file;
  const existing = await stat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  const mode = existing === null ? options.newFileMode : existing.mode & 0o7777;
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The umask may have narrowed the mode given to open.
    await chmod(temp, mode);
    if (existing !== null && process.getuid?.() === 0) await chown(temp, existing.uid, existing.gid);
    if (options.expected !== undefined && (await currentText(target)) !== options.expected) {
      throw new ConcurrentChangeError(file);
    }
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(target));
  return target;
}

async function currentText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Makes the rename itself durable; not every file system lets a directory be opened for it. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: the rename has happened either way.
  }
}
