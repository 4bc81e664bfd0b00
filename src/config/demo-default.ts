import type { EnvOverride } from './env.js';

/**
 * The `SESAME_*` settings a development instance may have and still be one: the URL it is
 * reached at, the address it listens on, and how it logs (`SESAME_ISSUER`, `SESAME_LISTEN`,
 * `SESAME_LOG_LEVEL`, `SESAME_LOG_FORMAT`). Every other setting — where data, users, clients
 * or keys live, lifetimes, limits, compatibility — is someone configuring an instance. An
 * allow-list, so that a key added later counts as configuration until it is listed here.
 */
const DEVELOPMENT_SETTINGS: ReadonlySet<string> = new Set(['issuer', 'listen', 'log.level', 'log.format']);

/**
 * The environment variable names, sorted, of the `overrides` that configure an instance: all
 * but those a development instance may set (`SESAME_ISSUER`, `SESAME_LISTEN`,
 * `SESAME_LOG_LEVEL`, `SESAME_LOG_FORMAT`) and `SESAME_DEMO` (which is explicit either way).
 */
export function configuringSettings(overrides: ReadonlyMap<string, EnvOverride>): string[] {
  return [...overrides]
    .filter(([path]) => path !== 'demo' && !DEVELOPMENT_SETTINGS.has(path))
    .map(([, override]) => override.name)
    .sort();
}

/**
 * Whether `demo` defaults to true: only with no configuration at all — no config file and no
 * setting from {@link configuringSettings}. An explicit `demo` (file or `SESAME_DEMO`) is not
 * defaulted. Whether the data directory lets a demo start is decided when it starts (`demo-guard.ts`).
 */
export function demoByDefault(hasFile: boolean, overrides: ReadonlyMap<string, EnvOverride>): boolean {
  return !hasFile && !overrides.has('demo') && configuringSettings(overrides).length === 0;
}
