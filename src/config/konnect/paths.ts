import { accessSync, constants, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The file-system questions the konnectd front door asks, so tests can point them at a
 * temporary directory instead of `/etc/kopano` and `/var/lib/sesame`.
 */
export interface FileProbe {
  /** A file in Konnect's configuration directory (`/etc/kopano`, konnect-spec §1.1). */
  etc(name: string): string;
  isFile(path: string): boolean;
  isDirectory(path: string): boolean;
  /** Size in bytes of a regular file (symlinks followed), or null when there is none. */
  size(path: string): number | null;
  /** `/var/lib/sesame` when it is a writable directory, else `./data`. */
  defaultDataDir(): string;
}

export interface KonnectPathsOptions {
  readonly cwd: string;
  /** Default `/etc/kopano`. */
  readonly etcDir?: string;
  /** Default `/var/lib/sesame`. */
  readonly systemDataDir?: string;
}

/** The real file system, with Konnect's directory and Sesame's system data directory. */
export function konnectPaths(options: KonnectPathsOptions): FileProbe {
  const etcDir = options.etcDir ?? '/etc/kopano';
  const systemDataDir = options.systemDataDir ?? '/var/lib/sesame';
  const stat = (path: string) => {
    try {
      return statSync(path);
    } catch {
      return null;
    }
  };
  return {
    etc: (name) => join(etcDir, name),
    isFile: (path) => stat(path)?.isFile() ?? false,
    isDirectory: (path) => stat(path)?.isDirectory() ?? false,
    size: (path) => {
      const s = stat(path);
      return s?.isFile() ? s.size : null;
    },
    defaultDataDir: () => {
      try {
        if (stat(systemDataDir)?.isDirectory()) {
          accessSync(systemDataDir, constants.W_OK);
          return systemDataDir;
        }
      } catch {
        // not writable: fall through
      }
      return resolve(options.cwd, 'data');
    },
  };
}
