import { closeSync, mkdirSync, openSync, statSync, type Stats } from 'node:fs';

/** Owner-only: the mode of every directory Sesame keeps secrets in. */
export const PRIVATE_DIR_MODE = 0o700;
/** Owner-only: the mode of every file Sesame keeps secrets in. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` and any missing parents with mode 0700 (the umask may narrow it, never widen
 * it). An existing directory keeps its mode; {@link findExposedPaths} reports a wide one.
 */
export function makePrivateDirSync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates `file`, empty, with mode 0600 unless it exists; an existing file is neither changed
 * nor truncated. For files another library creates and then derives more files from: SQLite
 * gives the `-wal` and `-shm` files it creates the mode of the database file.
 */
export function createPrivateFileSync(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
}

/** A directory or file that other local users can reach, and the command that closes it. */
export interface ExposedPath {
  readonly path: string;
  readonly kind: 'directory' | 'file';
  /** The permission bits, e.g. 0o755. */
  readonly mode: number;
  /** `chmod 700 <path>` for a directory, `chmod 600 <path>` for a file, quoted for a POSIX shell. */
  readonly fix: string;
}

/**
 * Those of `paths` that exist and grant any permission to group or others, in the order
 * given, each once. Missing paths, and paths this process cannot reach, are skipped; symbolic
 * links are followed.
 */
export function findExposedPaths(paths: Iterable<string>): ExposedPath[] {
  const exposed: ExposedPath[] = [];
  for (const path of new Set(paths)) {
    const stats = statOrNull(path);
    if (stats === null || (stats.mode & 0o077) === 0) continue;
    const kind = stats.isDirectory() ? 'directory' : 'file';
    const wanted = kind === 'directory' ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
    exposed.push({
      path,
      kind,
      mode: stats.mode & 0o777,
      fix: `chmod ${wanted.toString(8)} ${shellQuote(path)}`,
    });
  }
  return exposed;
}

/** Missing or not reachable (a parent this process cannot search): nothing to report. */
function statOrNull(path: string): Stats | null {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

/** `text` as one POSIX shell word: as it is when that is safe, else single-quoted. */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
