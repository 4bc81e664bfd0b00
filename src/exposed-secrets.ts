import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config/types.js';
import { findExposedPaths, type ExposedPath } from './lib/private-files.js';

/**
 * The directories and files Sesame keeps secrets in for `config`, whether they exist or not:
 * the data directory and its `keys/` directory, the SQLite database with its `-wal` and `-shm`
 * files (and the directory holding it, when that is inside the data directory),
 * `secret.key`, and the demo's `demo-credentials.json` and `demo-registration.yaml`. The
 * generated signing keys are checked where they are loaded (`tokens/keys.ts`); files the
 * operator provides (configured keys, `--encryption-secret`, the registration file) are not.
 */
function secretPaths(config: Pick<Config, 'dataDir' | 'storage'>): string[] {
  const { dataDir, storage } = config;
  const paths = [dataDir, join(dataDir, 'keys')];
  if (storage.kind === 'sqlite' && storage.path !== ':memory:' && storage.path !== '') {
    // A directory outside the data directory is the operator's (it may be /var/lib or a
    // sticky /tmp); only the database's own files are Sesame's there.
    const dir = dirname(storage.path);
    if (dir === dataDir || dir.startsWith(join(dataDir, '/'))) paths.push(dir);
    paths.push(storage.path, `${storage.path}-wal`, `${storage.path}-shm`);
  }
  for (const file of ['secret.key', 'demo-credentials.json', 'demo-registration.yaml']) {
    paths.push(join(dataDir, file));
  }
  return paths;
}

/**
 * Logs one warning for each directory and file Sesame keeps secrets in (`secretPaths`: the
 * data directory, `keys/`, the SQLite database and its `-wal` and `-shm`, `secret.key`, the
 * demo's files) that exists and is open to other local users, naming the path, its mode and
 * the chmod that makes it owner-only (Sesame creates them 0700 and 0600, but never changes
 * the mode of one that already exists). Returns them.
 */
export function warnAboutExposedSecrets(
  config: Pick<Config, 'dataDir' | 'storage'>,
  log: Pick<Logger, 'warn'>,
): ExposedPath[] {
  const exposed = findExposedPaths(secretPaths(config));
  for (const { path, kind, mode, fix } of exposed) {
    log.warn(
      { path, mode: mode.toString(8), fix },
      `${kind} ${path} holds secrets but other local users can access it (mode ${mode.toString(8)}); fix: ${fix}`,
    );
  }
  return exposed;
}
