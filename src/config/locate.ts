import { lstatSync } from 'node:fs';
import { resolve } from 'node:path';

/** The file `sesame serve` uses from its working directory when no `--config` is given. */
export const DEFAULT_CONFIG_FILE = 'sesame.yaml';

/** Which configuration file to load, and how it was chosen. */
export type LocatedConfig =
  | { readonly kind: 'given'; readonly file: string }
  | { readonly kind: 'found'; readonly file: string }
  | { readonly kind: 'none'; readonly looked: string };

/**
 * The configuration file to load: `given` (resolved against `cwd`) when there is one, else
 * `<cwd>/sesame.yaml` when anything exists under that name — an unreadable file or a dangling
 * link included, so that `loadConfig` reports it rather than Sesame starting without it —
 * else none, and `looked` says where it looked.
 */
export function locateConfigFile(given: string | undefined, cwd: string): LocatedConfig {
  if (given !== undefined) return { kind: 'given', file: resolve(cwd, given) };
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
