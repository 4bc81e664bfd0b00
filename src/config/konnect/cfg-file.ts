import { ConfigError } from '../errors.js';
import type { Setting } from './flags.js';

/** One `key=value` line of konnectd.cfg; `line` is 1-based. */
export interface CfgEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

export interface CfgFile {
  readonly path: string;
  /** Last value per key (a repeated key wins on its last line, with a warning). */
  readonly entries: ReadonlyMap<string, CfgEntry>;
  readonly warnings: readonly string[];
}

const LINE = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;

/**
 * Parses konnectd.cfg as the environment file it is (konnect-spec §1.2): `key=value` or
 * `key = value` per line, `#` and `;` comment lines, blank lines, an optional pair of matching
 * single or double quotes around the value; no escapes, no inline comments. Keys are kept as
 * written (upper-case keys are environment variables, see `cfgSettings`).
 *
 * @throws ConfigError listing every malformed line as `file:line: …`; nothing is used then.
 */
export function parseCfgFile(path: string, text: string): CfgFile {
  const entries = new Map<string, CfgEntry>();
  const warnings: string[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const m = LINE.exec(trimmed);
    if (m === null) {
      problems.push(`${path}:${line}: expected key=value, found ${JSON.stringify(clip(trimmed))}`);
      return;
    }
    const key = m[1] as string;
    const value = unquote(m[2] as string);
    if (value === null) {
      problems.push(`${path}:${line}: ${key}: the value has an opening quote but no matching closing quote`);
      return;
    }
    const previous = entries.get(key);
    if (previous !== undefined) {
      warnings.push(
        `${path}:${line}: ${key} is set again (first on line ${previous.line}); the last value is used`,
      );
    }
    entries.set(key, { key, value, line });
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return { path, entries, warnings };
}

/** The value without one pair of surrounding matching quotes; null for an unbalanced quote. */
function unquote(raw: string): string | null {
  const value = raw.trim();
  const first = value[0];
  if (first !== '"' && first !== "'") return value;
  if (value.length >= 2 && value.endsWith(first)) return value.slice(1, -1);
  return null;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** How the packaged launcher turns a lower-case cfg key into a flag (konnect-spec §1.3). */
type CfgRule =
  | { readonly flag: string; readonly kind: 'string' | 'list' | 'yes' }
  | { readonly special: 'manager' | 'manager-args' | 'web-resources' | 'kc-only' };

const CFG_KEYS: Readonly<Record<string, CfgRule>> = {
  oidc_issuer_identifier: { flag: 'iss', kind: 'string' },
  listen: { flag: 'listen', kind: 'string' },
  insecure: { flag: 'insecure', kind: 'yes' },
  identity_manager: { special: 'manager' },
  identity_manager_args: { special: 'manager-args' },
  signing_private_key: { flag: 'signing-private-key', kind: 'list' },
  signing_kid: { flag: 'signing-kid', kind: 'string' },
  signing_method: { flag: 'signing-method', kind: 'string' },
  validation_keys_path: { flag: 'validation-keys-path', kind: 'string' },
  encryption_secret_key: { flag: 'encryption-secret', kind: 'string' },
  identifier_registration_conf: { flag: 'identifier-registration-conf', kind: 'string' },
  identifier_scopes_conf: { flag: 'identifier-scopes-conf', kind: 'string' },
  web_resources_path: { special: 'web-resources' },
  uri_base_path: { flag: 'uri-base-path', kind: 'string' },
  allowed_scopes: { flag: 'allow-scope', kind: 'list' },
  trusted_proxies: { flag: 'trusted-proxy', kind: 'list' },
  allow_client_guests: { flag: 'allow-client-guests', kind: 'yes' },
  allow_dynamic_client_registration: { flag: 'allow-dynamic-client-registration', kind: 'yes' },
  access_token_expiration: { flag: 'access-token-expiration', kind: 'string' },
  id_token_expiration: { flag: 'id-token-expiration', kind: 'string' },
  refresh_token_expiration: { flag: 'refresh-token-expiration', kind: 'string' },
  log_level: { flag: 'log-level', kind: 'string' },
  kc_server_uri: { special: 'kc-only' },
  kc_session_timeout: { special: 'kc-only' },
  // Sesame's own keys, so that one file can hold everything.
  log_format: { flag: 'log-format', kind: 'string' },
  data_dir: { flag: 'data-dir', kind: 'string' },
  storage: { flag: 'storage', kind: 'string' },
  access_token_format: { flag: 'access-token-format', kind: 'string' },
};

export interface CfgSettings {
  /** Flag values the launcher would have passed, by flag name. */
  readonly settings: ReadonlyMap<string, Setting>;
  /** `identity_manager`, and `identity_manager_args` split on spaces. */
  readonly manager: Setting | null;
  readonly managerArgs: readonly string[];
  /**
   * Environment the file provides: every upper-case key as written, plus `ldap_*` keys as
   * `LDAP_*` when the identity manager is `ldap`. The real environment wins over these.
   */
  readonly env: Readonly<Record<string, string>>;
  readonly warnings: readonly string[];
  /** Things worth an info line at start (e.g. `trusted_proxies` being honoured). */
  readonly notes: readonly string[];
}

/**
 * Maps parsed konnectd.cfg entries the way the `kopano-konnectd` launcher does (konnect-spec
 * §1.3), with two differences: `trusted_proxies` is honoured (the launcher's misspelling
 * dropped it), and empty values count as unset. `yes` is the only true boolean. `ldap_*`
 * keys are exported only when `identityManager` (the command line's, else the file's) is
 * `ldap`. Unknown lower-case keys give a warning naming file:line.
 */
export function cfgSettings(file: CfgFile, commandLineManager: string | null): CfgSettings {
  const settings = new Map<string, Setting>();
  const env: Record<string, string> = {};
  const warnings = [...file.warnings];
  const notes: string[] = [];
  const at = (entry: CfgEntry) => `${file.path}:${entry.line}`;
  const managerEntry = file.entries.get('identity_manager');
  const manager =
    managerEntry === undefined || managerEntry.value === ''
      ? null
      : { value: managerEntry.value, origin: at(managerEntry) };
  const effectiveManager = commandLineManager ?? manager?.value ?? null;
  let managerArgs: string[] = [];

  for (const entry of file.entries.values()) {
    const { key, value } = entry;
    if (/^[A-Z_][A-Z0-9_]*$/.test(key)) {
      env[key] = value;
      continue;
    }
    if (key.startsWith('ldap_')) {
      if (effectiveManager === 'ldap' && value !== '') env[key.toUpperCase()] = value;
      continue;
    }
    const rule = CFG_KEYS[key];
    if (rule === undefined) {
      warnings.push(`${at(entry)}: unknown key ${key}; ignored`);
      continue;
    }
    if (value === '' && !('kind' in rule && rule.kind === 'yes')) continue;
    if ('special' in rule) {
      if (rule.special === 'manager-args') managerArgs = words(value);
      else if (rule.special === 'web-resources') {
        settings.set('identifier-client-path', { value: `${value}/identifier-webapp`, origin: at(entry) });
      } else if (rule.special === 'kc-only') {
        notes.push(`${at(entry)}: ${key} only applies to the kc identity manager; ignored`);
      }
      continue;
    }
    const setting = rule.kind === 'list' ? words(value) : rule.kind === 'yes' ? value === 'yes' : value;
    settings.set(rule.flag, { value: setting, origin: at(entry) });
    if (key === 'trusted_proxies') {
      notes.push(
        `${at(entry)}: trusted_proxies is honoured (Konnect's launcher ignored it because of a misspelling)`,
      );
    }
  }
  return { settings, manager, managerArgs, env, warnings, notes };
}

/** A space-separated list, empty words dropped. */
export function words(value: string): string[] {
  return value.split(/\s+/).filter((w) => w !== '');
}
