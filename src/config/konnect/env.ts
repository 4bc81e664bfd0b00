import { words } from './cfg-file.js';
import { SERVE_FLAGS, type FlagSpec, type FlagValue, type Setting } from './flags.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The environment as konnectd sees it: the process environment over the variables a
 * konnectd.cfg provides (upper-case keys, and `ldap_*` as `LDAP_*`). A variable that is set
 * but empty in the process environment does not hide the file's value.
 */
export function effectiveEnv(processEnv: Env, fromFile: Readonly<Record<string, string>>): Env {
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [name, value] of Object.entries(processEnv)) {
    if (value !== undefined && (value !== '' || !(name in fromFile))) merged[name] = value;
  }
  return merged;
}

/**
 * Flag values taken from their environment fallbacks (konnect-spec §1.3: `KONNECTD_*`,
 * `OIDC_ISSUER_IDENTIFIER`); lists are space separated; empty variables count as unset.
 * `KOPANO_SURVEYCLIENT_*` is deliberately not read: Sesame never phones home.
 */
export function envSettings(
  env: Env,
  specs: Readonly<Record<string, FlagSpec>> = SERVE_FLAGS,
): Map<string, Setting> {
  const settings = new Map<string, Setting>();
  for (const [flag, spec] of Object.entries(specs)) {
    if (spec.env === undefined) continue;
    const raw = env[spec.env];
    if (raw === undefined || raw.trim() === '') continue;
    const value: FlagValue = spec.kind === 'list' ? words(raw) : raw.trim();
    settings.set(flag, { value, origin: `env ${spec.env}` });
  }
  return settings;
}

export interface MergedSettings {
  readonly settings: ReadonlyMap<string, Setting>;
  readonly warnings: readonly string[];
}

/**
 * One value per flag, by precedence: command-line flag, then environment, then konnectd.cfg,
 * then (elsewhere) the default. When the issuer comes from both the environment and the cfg
 * file and they differ, the environment wins with a warning, as Konnect's launcher does
 * (konnect-spec §1.3).
 */
export function mergeSettings(
  flags: ReadonlyMap<string, FlagValue>,
  fromEnv: ReadonlyMap<string, Setting>,
  fromCfg: ReadonlyMap<string, Setting>,
): MergedSettings {
  const settings = new Map<string, Setting>(fromCfg);
  for (const [name, setting] of fromEnv) settings.set(name, setting);
  for (const [name, value] of flags) settings.set(name, { value, origin: `--${name}` });
  const warnings: string[] = [];
  const envIss = fromEnv.get('iss');
  const cfgIss = fromCfg.get('iss');
  if (!flags.has('iss') && envIss !== undefined && cfgIss !== undefined && envIss.value !== cfgIss.value) {
    warnings.push(
      `${envIss.origin} (${String(envIss.value)}) overrides oidc_issuer_identifier at ${cfgIss.origin} (${String(cfgIss.value)})`,
    );
  }
  return { settings, warnings };
}
