import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { cfgSettings, parseCfgFile, type CfgSettings } from './cfg-file.js';
import { effectiveEnv, envSettings, mergeSettings, type Env } from './env.js';
import { parseFlags, type Setting } from './flags.js';
import { konnectPaths, type KonnectPathsOptions } from './paths.js';
import { konnectdToConfig, type KonnectdConfig } from './to-config.js';

export interface LoadKonnectdOptions extends KonnectPathsOptions {
  /** The process environment; only `config/` reads it. */
  readonly env: Env;
}

/**
 * The `konnectd serve [flags] <identity-manager> [args]` front door (konnect-spec §1.1–1.3):
 * parses the flags, reads the konnectd.cfg named by `--config` or `KONNECTD_CONFIG` (an
 * environment file, as systemd's `EnvironmentFile=` would load it for Konnect), and builds the
 * `Config`. Precedence, per setting: command-line flag > environment > konnectd.cfg > default.
 * The identity manager is the first positional argument, else the file's `identity_manager`.
 *
 * @throws UsageError for an unknown flag or a flag without its value (exit 2).
 * @throws RefusedError for flags or identity managers Sesame does not support (exit 2).
 * @throws ConfigError listing every problem with the file, the environment or the flags (exit 1).
 */
export function loadKonnectdConfig(argv: readonly string[], options: LoadKonnectdOptions): KonnectdConfig {
  const { flags, positionals } = parseFlags(argv);
  const cfgPath = flagOrEnv(flags.get('config'), options.env.KONNECTD_CONFIG);
  const [managerName, ...managerArgs] = positionals;
  const cfg = cfgPath === null ? null : readCfg(resolve(options.cwd, cfgPath), managerName ?? null);

  const manager: Setting | null =
    managerName !== undefined ? { value: managerName, origin: 'command line' } : (cfg?.manager ?? null);
  const env = effectiveEnv(options.env, cfg?.env ?? {});
  const merged = mergeSettings(flags, envSettings(env), cfg?.settings ?? new Map());
  const built = konnectdToConfig({
    settings: merged.settings,
    manager,
    managerArgs: managerName !== undefined ? managerArgs : (cfg?.managerArgs ?? []),
    env,
    cwd: options.cwd,
    paths: konnectPaths(options),
  });
  return {
    config: built.config,
    warnings: [...(cfg?.warnings ?? []), ...merged.warnings, ...built.warnings],
    notes: [...(cfg?.notes ?? []), ...built.notes],
  };
}

function flagOrEnv(flag: unknown, env: string | undefined): string | null {
  if (typeof flag === 'string' && flag !== '') return flag;
  return env !== undefined && env !== '' ? env : null;
}

function readCfg(path: string, commandLineManager: string | null): CfgSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError([`${path}: cannot read the konnectd.cfg file (${reason})`]);
  }
  return cfgSettings(parseCfgFile(path, text), commandLineManager);
}
