import { CONFIG_KEYS, envName, type ConfigKeyKind } from './defaults.js';
import { suggestKey } from './suggest.js';

/** A key set from the environment. */
export interface EnvOverride {
  readonly name: string;
  readonly value: unknown;
}

/** Variables with the SESAME_ prefix that are not config keys: SESAME_CONFIG names the file (`locateConfigFile`). */
const NOT_KEYS = new Set(['SESAME_CONFIG']);

/**
 * Reads `SESAME_*` overrides, keyed by YAML path (names from `envName`). Empty variables are
 * ignored. Values are converted by the key's kind but not validated: an unreadable value is
 * passed on as a string so the schema reports it. Unknown `SESAME_*` names become warnings.
 */
export function readEnvOverrides(env: Readonly<Record<string, string | undefined>>): {
  overrides: Map<string, EnvOverride>;
  warnings: string[];
} {
  const overrides = new Map<string, EnvOverride>();
  const names = new Map(CONFIG_KEYS.map((key) => [envName(key.path), key] as const));
  const warnings: string[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('SESAME_') || NOT_KEYS.has(name)) continue;
    const key = names.get(name);
    if (key === undefined) {
      const lower = [...names.keys()].map((n) => n.toLowerCase());
      const hint = suggestKey(name.toLowerCase(), lower, [])?.toUpperCase() ?? null;
      warnings.push(
        `env ${name}: not a Sesame setting, ignored${hint === null ? '' : `; did you mean ${hint}?`}`,
      );
      continue;
    }
    if (raw === undefined || raw.trim() === '') continue;
    overrides.set(key.path, { name, value: convert(raw.trim(), key.kind) });
  }
  return { overrides, warnings };
}

function convert(raw: string, kind: ConfigKeyKind): unknown {
  switch (kind) {
    case 'list':
      return raw.split(/[\s,]+/).filter((item) => item !== '');
    case 'integer':
      return /^[+-]?\d+$/.test(raw) ? Number(raw) : raw;
    case 'boolean': {
      const lower = raw.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(lower)) return true;
      if (['false', '0', 'no', 'off'].includes(lower)) return false;
      return raw;
    }
    case 'duration':
    case 'string':
      return raw;
  }
}
