import { resolve } from 'node:path';
import { parseDuration } from '../../lib/duration.js';
import { CONFIG_KEYS } from '../defaults.js';
import { ConfigError } from '../errors.js';
import { deepFreeze } from '../freeze.js';
import { ldapConfigFromEnv } from '../ldap-env.js';
import type { AccessTokenFormat, Config, IdentityConfig, LogFormat, LogLevel, SigningAlg } from '../types.js';
import type { Env } from './env.js';
import { SERVE_FLAGS, type Setting } from './flags.js';
import type { FileProbe } from './paths.js';
import { isLoopbackHost } from '../schema.js';
import { checkIssuer, isAddressOrCidr, parseListen, parseStorage } from './values.js';

export interface KonnectdSources {
  /** Merged flag values (see `mergeSettings`). */
  readonly settings: ReadonlyMap<string, Setting>;
  /** The identity manager (positional argument, else `identity_manager` in the cfg file). */
  readonly manager: Setting | null;
  readonly managerArgs: readonly string[];
  /** The effective environment, for `LDAP_*`. */
  readonly env: Env;
  /** Relative paths resolve against this directory, as they would for Konnect's flags. */
  readonly cwd: string;
  /** Konnect's default files and the default data directory. */
  readonly paths: FileProbe;
}

export interface KonnectdConfig {
  readonly config: Config;
  /** Allowed but worth a warning at start. */
  readonly warnings: readonly string[];
  /** Worth an info line at start (flags accepted without effect, honoured quirks). */
  readonly notes: readonly string[];
}

/** A flag or identity manager Sesame refuses to run with; the CLI exits with code 2. */
export class RefusedError extends Error {
  readonly code = 'KONNECTD_REFUSED';
  readonly problems: string[];
  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'RefusedError';
    this.problems = [...problems];
  }
}

const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const LOG_LEVELS: Readonly<Record<string, LogLevel>> = {
  panic: 'fatal',
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  warning: 'warn',
  info: 'info',
  debug: 'debug',
  trace: 'trace',
};
const ONE_YEAR = 365 * 86400;

/**
 * Builds the frozen `Config` for the `konnectd` front door (konnect-spec §1.3, §3.2, §3.3).
 * Defaults: issuer `https://localhost`, listen `127.0.0.1:8777`, PS256, access 600 s, ID 3600
 * s, refresh 30 days (not Konnect's 3 years), Konnect's files under `/etc/kopano` when they
 * exist, text logs, and every Konnect compatibility relaxation on.
 *
 * @throws RefusedError for flags or identity managers Sesame does not support.
 * @throws ConfigError listing every invalid value, each with where it came from.
 */
export function konnectdToConfig(sources: KonnectdSources): KonnectdConfig {
  refuse(sources);
  const { settings, cwd, paths } = sources;
  const problems: string[] = [];
  const warnings: string[] = [];
  const notes = noEffectNotes(settings);
  const str = (name: string): Setting | null => {
    const s = settings.get(name);
    return s !== undefined && typeof s.value === 'string' && s.value !== '' ? s : null;
  };
  const list = (name: string): string[] => {
    const s = settings.get(name);
    return s !== undefined && Array.isArray(s.value) ? [...(s.value as string[])] : [];
  };
  const fail = (s: Setting, message: string) => problems.push(`${s.origin}: ${message}`);
  const path = (s: Setting) => resolve(cwd, s.value as string);

  const issuer = checkIssuer(str('iss'), fail, warnings);
  const listen = parseListen(str('listen'), fail);
  const dataDir = str('data-dir') ? path(str('data-dir') as Setting) : paths.defaultDataDir();

  let alg: SigningAlg = 'PS256';
  const method = str('signing-method');
  if (method !== null) {
    if ((SIGNING_ALGS as readonly string[]).includes(method.value as string))
      alg = method.value as SigningAlg;
    else
      fail(method, `signing method ${String(method.value)} is not supported; use ${SIGNING_ALGS.join(', ')}`);
  }
  const keySetting = settings.get('signing-private-key');
  const keys = list('signing-private-key').map((k) => resolve(cwd, k));
  for (const key of keys)
    if (!paths.isFile(key) && keySetting) fail(keySetting, `signing key file not found: ${key}`);
  if (keys.length === 0 && paths.isFile(paths.etc('konnectd-signing-private-key.pem'))) {
    keys.push(paths.etc('konnectd-signing-private-key.pem'));
  }

  let validationKeysPath: string | null = null;
  const validation = str('validation-keys-path');
  if (validation !== null) {
    validationKeysPath = path(validation);
    if (!paths.isDirectory(validationKeysPath)) fail(validation, `not a directory: ${validationKeysPath}`);
  } else if (paths.isDirectory(paths.etc('konnectkeys'))) {
    validationKeysPath = paths.etc('konnectkeys');
  }

  let instanceSecret: Config['instanceSecret'] = { kind: 'ephemeral' };
  const secret = str('encryption-secret');
  const secretPath = secret !== null ? path(secret) : paths.etc('konnectd-encryption-secret.key');
  if (secret !== null || paths.isFile(secretPath)) {
    const size = paths.size(secretPath);
    const where = secret ?? { value: secretPath, origin: 'default' };
    if (size === null) fail(where, `encryption secret file not found: ${secretPath}`);
    else if (size !== 32)
      fail(where, `${secretPath} holds ${size} bytes; an encryption secret must be exactly 32 bytes`);
    else instanceSecret = { kind: 'file', path: secretPath };
  }

  let registration: string | null = null;
  const reg = str('identifier-registration-conf');
  if (reg !== null) {
    registration = path(reg);
    if (!paths.isFile(registration)) fail(reg, `identifier registration file not found: ${registration}`);
  } else if (paths.isFile(paths.etc('konnectd-identifier-registration.yaml'))) {
    registration = paths.etc('konnectd-identifier-registration.yaml');
  } else {
    notes.push(
      'no identifier registration file; only unregistered clients on the issuer origin (implicit trust) can sign in',
    );
  }

  let identifierScopes: string | null = null;
  const scopesConf = str('identifier-scopes-conf');
  if (scopesConf !== null) {
    identifierScopes = path(scopesConf);
    if (!paths.isFile(identifierScopes))
      fail(scopesConf, `identifier scopes file not found: ${identifierScopes}`);
  } else if (paths.isFile(paths.etc('konnectd-identifier-scopes.yaml'))) {
    identifierScopes = paths.etc('konnectd-identifier-scopes.yaml');
  }

  const seconds = (name: string, fallback: number): number => {
    const s = str(name);
    if (s === null) return fallback;
    const value = parseDuration(s.value as string);
    if (value === null || value <= 0) {
      fail(s, `"${String(s.value)}" is not a positive number of seconds`);
      return fallback;
    }
    return value;
  };
  const accessToken = seconds('access-token-expiration', 600);
  const idToken = seconds('id-token-expiration', 3600);
  const refreshToken = seconds('refresh-token-expiration', 30 * 86400);
  if (refreshToken > ONE_YEAR) {
    warnings.push(
      `${str('refresh-token-expiration')?.origin}: refresh tokens valid for more than a year (${refreshToken}s); consider 30 days`,
    );
  }

  const proxies = list('trusted-proxy');
  for (const proxy of proxies) {
    if (!isAddressOrCidr(proxy))
      fail(settings.get('trusted-proxy') as Setting, `"${proxy}" is not an IP address or CIDR`);
  }
  const allowedScopes = list('allow-scope');

  const level = str('log-level');
  const logLevel = level === null ? 'info' : LOG_LEVELS[(level.value as string).toLowerCase()];
  if (level !== null && logLevel === undefined) {
    fail(level, `log level ${String(level.value)} is not one of ${Object.keys(LOG_LEVELS).join(', ')}`);
  }
  const format = str('log-format');
  if (format !== null && format.value !== 'text' && format.value !== 'json')
    fail(format, 'log format must be text or json');
  const timestamp = settings.get('log-timestamp')?.value !== false;

  const metrics = metricsListener(settings, listen, fail, warnings, notes);
  const storage = parseStorage(str('storage'), dataDir, cwd, fail);
  // Konnect's access tokens unless the operator opts out (Kopano Meet's kwmserver needs them).
  let accessTokenFormat: AccessTokenFormat = 'konnect';
  const formatSetting = str('access-token-format');
  if (formatSetting !== null) {
    if (formatSetting.value === 'konnect' || formatSetting.value === 'rfc9068')
      accessTokenFormat = formatSetting.value;
    else fail(formatSetting, 'access token format must be konnect or rfc9068');
  }
  const identity = buildIdentity(sources, warnings, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const config: Config = {
    issuer,
    listen,
    dataDir,
    storage,
    identity: identity as IdentityConfig,
    registration,
    identifierScopes,
    signing: {
      alg,
      keys,
      kid: (str('signing-kid')?.value as string | undefined) ?? null,
      validationKeysPath,
    },
    lifetimes: {
      ...nativeLifetimes(),
      accessToken,
      idToken,
      refreshToken,
    },
    compat: {
      anySecretForSecretlessClients: true,
      redirectUriIgnoresQuery: true,
      implicitTrustOnIssuerHost: true,
      lenientTokenRequests: true,
      trustedClientsGetAllScopes: true,
    },
    accessTokenFormat,
    sessionManagement: true,
    allowClientGuests: settings.get('allow-client-guests')?.value === true,
    allowDynamicClientRegistration: settings.get('allow-dynamic-client-registration')?.value === true,
    log: { level: logLevel ?? 'info', format: (format?.value as LogFormat | undefined) ?? 'text', timestamp },
    instanceSecret,
    allowedScopes: allowedScopes.length > 0 ? allowedScopes : null,
    demo: false,
    trustedProxies: proxies,
    throttle: {
      windowSeconds: nativeDefault('throttle.window'),
      maxFailuresPerAccountAddress: nativeDefault('throttle.max_failures_per_account_address'),
      maxFailuresPerAccount: nativeDefault('throttle.max_failures_per_account'),
      accountIntervalSeconds: nativeDefault('throttle.account_interval'),
      maxFailuresPerAddress: nativeDefault('throttle.max_failures_per_address'),
    },
    passwords: {
      memoryKib: nativeDefault('passwords.memory_kib'),
      iterations: nativeDefault('passwords.iterations'),
      parallelism: nativeDefault('passwords.parallelism'),
    },
    http: {
      requestTimeoutSeconds: nativeDefault('http.request_timeout'),
      headersTimeoutSeconds: nativeDefault('http.headers_timeout'),
      keepAliveTimeoutSeconds: nativeDefault('http.keep_alive_timeout'),
      maxConnections: nativeDefault('http.max_connections'),
    },
    limits: {
      pendingSignIns: nativeDefault('limits.pending_sign_ins'),
      pendingSignInsPerAddress: nativeDefault('limits.pending_sign_ins_per_address'),
      registrationFileBytes: nativeDefault('limits.registration_file_bytes'),
    },
    metrics,
  };
  return { config: deepFreeze(config), warnings, notes };
}

/** Konnect's metrics listener address when `--metrics-listen` is not given (konnect-spec §1.3). */
const KONNECT_METRICS_LISTEN = '127.0.0.1:6777';

/**
 * `--with-metrics` serves `/metrics` on `--metrics-listen` (Konnect's default 127.0.0.1:6777),
 * never on the public listener; `--metrics-listen` alone does nothing, as in Konnect (a note).
 */
function metricsListener(
  settings: ReadonlyMap<string, Setting>,
  listen: Config['listen'],
  fail: (s: Setting, message: string) => void,
  warnings: string[],
  notes: string[],
): Config['metrics'] {
  const address = settings.get('metrics-listen');
  const given = address !== undefined && typeof address.value === 'string' && address.value !== '';
  if (settings.get('with-metrics')?.value !== true) {
    if (given) notes.push(`${address.origin}: --metrics-listen has no effect without --with-metrics`);
    return null;
  }
  const setting = given ? address : { value: KONNECT_METRICS_LISTEN, origin: 'default --metrics-listen' };
  let valid = true;
  const parsed = parseListen(setting, (s, message) => {
    valid = false;
    fail(s, message);
  });
  if (!valid) return null;
  if (parsed.port !== 0 && parsed.port === listen.port && parsed.host === listen.host) {
    fail(setting, 'the metrics listener must not be the public listener (--listen); use another port');
  } else if (!isLoopbackHost(parsed.host)) {
    warnings.push(
      `${setting.origin}: the metrics listener ${parsed.host}:${parsed.port} is not on loopback; anyone who can reach it can read the metrics`,
    );
  }
  return { listen: parsed };
}

/** Refused flags (set to anything but their default) and identity managers, all at once. */
function refuse(sources: KonnectdSources): void {
  const problems: string[] = [];
  for (const [name, setting] of sources.settings) {
    const spec = SERVE_FLAGS[name];
    if (spec?.status !== 'refused' || !isActive(name, setting)) continue;
    problems.push(`${setting.origin}: Sesame does not support --${name} (${spec.reason})`);
  }
  const manager = sources.manager;
  if (manager === null) {
    problems.push(
      'missing identity manager: use `konnectd serve [flags] ldap` or `konnectd serve [flags] builtin`',
    );
  } else if (manager.value !== 'ldap' && manager.value !== 'builtin') {
    const why =
      manager.value === 'kc' || manager.value === 'cookie'
        ? `the ${manager.value} identity manager is not supported`
        : manager.value === 'dummy'
          ? 'the dummy identity manager signs anybody in without a password and is not available'
          : `unknown identity manager "${String(manager.value)}"`;
    problems.push(`${manager.origin}: ${why}; use ldap or builtin`);
  }
  if (problems.length > 0) throw new RefusedError(problems);
}

function isActive(name: string, setting: Setting): boolean {
  const { value } = setting;
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.length > 0;
  return name === 'uri-base-path' ? value !== '' && value !== '/' : value !== '';
}

function noEffectNotes(settings: ReadonlyMap<string, Setting>): string[] {
  const notes: string[] = [];
  for (const [name, setting] of settings) {
    const spec = SERVE_FLAGS[name];
    if (spec?.status === 'no-effect')
      notes.push(`${setting.origin}: --${name} has no effect: ${spec.reason}`);
  }
  return notes;
}

function buildIdentity(
  sources: KonnectdSources,
  warnings: string[],
  problems: string[],
): IdentityConfig | null {
  if (sources.manager?.value === 'builtin') return { kind: 'builtin' };
  if (sources.managerArgs.length > 0) {
    warnings.push(`identity manager arguments ignored for ldap: ${sources.managerArgs.join(' ')}`);
  }
  const insecureTls = sources.settings.get('insecure')?.value === true;
  try {
    const ldap = ldapConfigFromEnv(sources.env, { insecureTls });
    warnings.push(...ldap.warnings);
    return { kind: 'ldap', ldap: ldap.config };
  } catch (error) {
    if (error instanceof ConfigError) problems.push(...error.problems);
    else problems.push(`LDAP settings: ${(error as Error).message}`);
    return null;
  }
}

/** Sesame's native default, in seconds or as a count, from the one table of defaults. */
function nativeDefault(path: string): number {
  const value = CONFIG_KEYS.find((key) => key.path === path)?.default;
  const parsed = typeof value === 'number' ? value : parseDuration(String(value));
  if (parsed === null) throw new TypeError(`no numeric default for ${path}`);
  return parsed;
}

function nativeLifetimes(): Omit<Config['lifetimes'], 'accessToken' | 'idToken' | 'refreshToken'> {
  return {
    code: nativeDefault('lifetimes.code'),
    interaction: nativeDefault('lifetimes.interaction'),
    sessionIdle: nativeDefault('lifetimes.session_idle'),
    sessionAbsolute: nativeDefault('lifetimes.session_absolute'),
    refreshGrace: nativeDefault('lifetimes.refresh_grace'),
  };
}
