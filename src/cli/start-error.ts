import { relative, resolve, sep } from 'node:path';
import type { Config } from '../config/types.js';
import { describeStorage } from '../storage/describe.js';

/** Which command line started the server: its settings are named in its own words. */
export type FrontDoor = 'sesame' | 'konnectd';

const SETTINGS: Record<FrontDoor, { readonly dataDir: string; readonly storage: string }> = {
  sesame: { dataDir: 'data_dir (SESAME_DATA_DIR)', storage: 'storage (SESAME_STORAGE)' },
  konnectd: { dataDir: '--data-dir (KONNECTD_DATA_DIR, data_dir in konnectd.cfg)', storage: '--storage' },
};

const DENIED = new Set(['EACCES', 'EPERM', 'EROFS']);

/**
 * Where Sesame keeps its state, for the start-up log: the database, the data directory (secret,
 * generated keys, pid file) and the signing keys.
 */
export function describeState(config: Config): string {
  const keys =
    config.signing.keys.length > 0
      ? `signing keys ${config.signing.keys.join(', ')}`
      : config.storage.kind === 'postgres'
        ? 'a generated signing key in the database (or the data directory without a persistent secret)'
        : `a generated signing key in ${resolve(config.dataDir, 'keys')}`;
  return `state: ${describeStorage(config.storage)}; data directory ${config.dataDir}; ${keys}`;
}

/**
 * A start failure that is a file Sesame may not write, explained: the path, and the setting that
 * moves it. Null for any other failure, which is reported as it is.
 */
export function explainStartError(error: unknown, config: Config, frontDoor: FrontDoor): string | null {
  const denied = deniedPath(error);
  if (denied === null) return null;
  const { path, code } = denied;
  const settings = SETTINGS[frontDoor];
  const why = code === 'EROFS' ? 'the file system is read-only' : 'permission denied';
  const database = config.storage.kind === 'sqlite' ? resolve(config.storage.path) : null;
  // The data directory first: the default database lives in it, and moving it moves both.
  const setting = isWithin(path, config.dataDir)
    ? `move the data directory with ${settings.dataDir}`
    : database !== null &&
        (path === database || path.startsWith(`${database}-`) || path === parentOf(database))
      ? `move the database with ${settings.storage}`
      : 'change the setting that names it';
  return `cannot write ${path} (${why}): run Sesame as a user who may write there, or ${setting}`;
}

/** The path and code of the first permission error in `error`'s cause chain. */
function deniedPath(error: unknown): { path: string; code: string } | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const { code, path } = current as NodeJS.ErrnoException;
    if (code !== undefined && DENIED.has(code) && typeof path === 'string')
      return { path: resolve(path), code };
    current = current.cause;
  }
  return null;
}

function isWithin(path: string, dir: string): boolean {
  const rel = relative(resolve(dir), path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep));
}

function parentOf(path: string): string {
  return resolve(path, '..');
}
