import { lstatSync } from 'node:fs';
import { resolve } from 'node:path';

/** The file `sesame serve` uses from its working directory when no `--config` is given. */
const DEFAULT_CONFIG_FILE = 'sesame.yaml';

/** The environment variable that names the configuration file when no `--config` is given. */
const CONFIG_FILE_VARIABLE = 'SESAME_CONFIG';

/** Which configuration file to load, and how it was chosen. */
export type LocatedConfig =
  | { readonly kind: 'given'; readonly file: string }
  | { readonly kind: 'env'; readonly file: string }
  | { readonly kind: 'found'; readonly file: string }
  | { readonly kind: 'none'; readonly looked: string };

/**
 * The configuration file to load, first of:
 * - `given` (`--config`), resolved against `cwd`;
 * - `env` (`SESAME_CONFIG`) when that is set and not blank, resolved against `cwd` — whether or not the file
 *   exists, so that `loadConfig` reports a wrong path rather than Sesame starting without it;
 * - `found`: `<cwd>/sesame.yaml` when anything exists under that name — an unreadable file or a
 *   dangling link included, for the same reason;
 * - none, and `looked` says where it looked.
 */
export function locateConfigFile(
  given: string | undefined,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): LocatedConfig {
  if (given !== undefined) return { kind: 'given', file: resolve(cwd, given) };
  const named = env[CONFIG_FILE_VARIABLE]?.trim();
  if (named !== undefined && named !== '') {
    return { kind: 'env', file: resolve(cwd, named) };
  }
  const candidate = resolve(cwd, DEFAULT_CONFIG_FILE);
  return exists(candidate) ? { kind: 'found', file: candidate } : { kind: 'none', looked: candidate };
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    // Present but not inspectable (e.g. a parent without search permission): let loading say so.
    return true;
  }
}
