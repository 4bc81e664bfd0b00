import { lstatSync, readlinkSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, isAbsolute } from 'node:path';

export interface FileWatch {
  /** Stops watching; a pending call of `onChange` is dropped. Idempotent. */
  close(): void;
}

export interface WatchFileOptions {
  /** How long events are collected before one call (editors write, rename, chmod…). */
  readonly debounceMs: number;
  /** The directory could not be watched, or the watch failed later. */
  readonly onError: (error: Error) => void;
}

/**
 * Calls `onChange` once events settle after `file` may have changed: written in place,
 * replaced by a rename (as editors and config management save), created or removed.
 *
 * Watches the file's directory, because a watch on the file itself follows the old inode away
 * when the file is replaced, but reacts only to events naming the file — or, when the file is
 * a symbolic link into a name of the same directory, that name: Kubernetes mounts a ConfigMap
 * as `file -> ..data/file` and updates it by renaming a new `..data` into place. Events for
 * anything else there (a log file, a database) are ignored. Where the platform reports no
 * name with an event, every event counts.
 */
export function watchFile(file: string, onChange: () => void, options: WatchFileOptions): FileWatch {
  const name = basename(file);
  let names = namesOf(file);
  let timer: NodeJS.Timeout | null = null;
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dirname(file), (_event, changed) => {
      if (changed !== null && !names.has(changed)) return;
      if (changed === null || changed === name) names = namesOf(file);
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        onChange();
      }, options.debounceMs);
    });
    watcher.on('error', options.onError);
  } catch (error) {
    options.onError(error as Error);
  }
  return {
    close() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      watcher?.close();
      watcher = null;
    },
  };
}

/** The directory entries whose change can change what `file` reads. */
function namesOf(file: string): Set<string> {
  const names = new Set([basename(file)]);
  try {
    if (lstatSync(file).isSymbolicLink()) {
      const target = readlinkSync(file);
      const first = target.split(/[\\/]/)[0] ?? '';
      if (!isAbsolute(target) && first !== '' && first !== '.' && first !== '..') names.add(first);
    }
  } catch {
    // Absent for now (being replaced, or removed): its own name is enough.
  }
  return names;
}
