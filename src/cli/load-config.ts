import { loadConfig, type LoadedConfig } from '../config/load.js';
import { locateConfigFile, type LocatedConfig } from '../config/locate.js';
import type { CliIo } from './io.js';

/**
 * The configuration a command works on: the one `sesame serve` would load from the same
 * directory, arguments and environment — `--config` when given, else the file `SESAME_CONFIG`
 * names, else `./sesame.yaml` when there is one, else defaults and environment — so `sesame user add` and `sesame serve` run side by side in
 * one directory always mean the same database.
 *
 * @throws ConfigError as `loadConfig` does.
 */
export function loadCommandConfig(
  file: string | undefined,
  io: Pick<CliIo, 'cwd' | 'env'>,
): LoadedConfig & { readonly located: LocatedConfig } {
  const located = locateConfigFile(file, io.cwd, io.env);
  const loaded = loadConfig({
    ...(located.kind === 'none' ? {} : { file: located.file }),
    env: io.env,
    cwd: io.cwd,
  });
  return { ...loaded, located };
}
