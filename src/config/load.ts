import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_KEYS } from './defaults.js';
import { configuringSettings, demoByDefault } from './demo-default.js';
import { readEnvOverrides, type EnvOverride } from './env.js';
import { ConfigError } from './errors.js';
import { deepFreeze } from './freeze.js';
import { ldapConfigFromEnv } from './ldap-env.js';
import { readLogo } from './logo.js';
import { weakPasswordHashingWarning } from './password-hashing.js';
import { ProblemReporter, sortProblems, type Problem } from './problems.js';
import { configSchema, isLoopbackHost, type ParsedConfig } from './schema.js';
import type { Config, IdentityConfig, StorageConfig } from './types.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

export interface LoadConfigOptions {
  /**
   * Path of sesame.yaml; none means defaults and environment only (a development instance
   * unless a `SESAME_*` setting configures one: see `demo-default.ts`). Callers that look for
   * `./sesame.yaml` themselves use `locateConfigFile`.
   */
  readonly file?: string;
  /** The environment to read `SESAME_*` overrides from; the caller passes `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory that relative paths are resolved against; defaults to the process's. */
  readonly cwd?: string;
}

export interface LoadedConfig {
  readonly config: Config;
  /** Things that are allowed but worth telling the operator at start. */
  readonly warnings: string[];
  /**
   * The `SESAME_*` variables, sorted, that configure an instance rather than a development one
   * (`configuringSettings`): with no file, why `demo` did not default to true.
   */
  readonly configuringSettings: readonly string[];
}

/**
 * Builds the frozen `Config` from sesame.yaml, `SESAME_*` environment variables (which win over
 * the file) and the defaults in `CONFIG_KEYS`.
 *
 * Relative paths written in the file resolve against the file's directory; relative paths from
 * the environment, or with no file, resolve against `cwd`. `demo` defaults to true only with
 * no configuration at all: no file, and no `SESAME_*` setting other than those a development
 * instance may have (`demoByDefault`).
 *
 * @throws ConfigError listing every problem found, each with file:line:column or env name.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const cwd = resolve(options.cwd ?? process.cwd());
  const warnings: string[] = [];
  const source = options.file === undefined ? null : readSource(resolve(cwd, options.file), warnings);
  const env = readEnvOverrides(options.env ?? {});
  warnings.push(...env.warnings);

  const report = new ProblemReporter(source, env.overrides);
  if (source !== null && source.value !== null && !isRecord(source.value)) {
    throw new ConfigError(sortProblems([report.at([], 'the file must be a mapping of keys')]));
  }
  const fileDir = options.file === undefined ? cwd : dirname(resolve(cwd, options.file));
  const baseFor = (path: string) => (env.overrides.has(path) ? cwd : fileDir);

  const raw = assemble(source?.value, env.overrides);
  const parsed = configSchema.safeParse(raw);
  const problems: Problem[] = parsed.success
    ? []
    : parsed.error.issues.flatMap((issue) => report.fromIssue(issue));
  problems.push(...checkFilesExist(raw, baseFor, report));
  if (!parsed.success || problems.length > 0) throw new ConfigError(sortProblems(problems));

  const built = build(parsed.data, baseFor, demoByDefault(source !== null, env.overrides));
  const fileIssuer = isRecord(source?.value) ? source.value.issuer : undefined;
  const issuerGiven = env.overrides.has('issuer') || (fileIssuer !== undefined && fileIssuer !== null);
  const config = {
    ...built,
    issuer: issuerGiven ? built.issuer : issuerFromListen(built.listen, warnings),
    identity: identityConfig(parsed.data.identity, options.env ?? {}, warnings),
  };
  if (config.issuer.startsWith('http:')) {
    const problem = report.at(['issuer'], 'uses http; this is only for development, use https');
    warnings.push(problem.text);
  }
  // Only the built-in user store hashes passwords; LDAP checks them in the directory.
  const weakHashing =
    config.identity.kind === 'builtin' ? weakPasswordHashingWarning(config.passwords) : null;
  if (weakHashing !== null) warnings.push(weakHashing);
  if (config.metrics && !isLoopbackHost(config.metrics.listen.host)) {
    const problem = report.at(
      ['metrics', 'listen'],
      'is not a loopback address; anyone who can reach it can read the metrics, so keep it on an internal network',
    );
    warnings.push(problem.text);
  }
  return { config: deepFreeze(config), warnings, configuringSettings: configuringSettings(env.overrides) };
}

const ISSUER_DEFAULT = CONFIG_KEYS.find((key) => key.path === 'issuer')?.default;

/**
 * With no issuer configured, the URL a browser on this machine reaches the listener at, so that
 * setting only `listen` (say SESAME_LISTEN=0.0.0.0:9000) prints URLs that work. http on
 * localhost is all a derived issuer can be: one listening on another address gets a warning
 * saying to set the public URL.
 */
function issuerFromListen(listen: Config['listen'], warnings: string[]): string {
  if (listen.port === 0) return String(ISSUER_DEFAULT);
  const issuer = `http://localhost:${listen.port}`;
  if (!isLoopbackOrWildcard(listen.host)) {
    warnings.push(
      `issuer is not set: using ${issuer}, which only this machine reaches; set issuer (SESAME_ISSUER) to the URL users open`,
    );
  }
  return issuer;
}

function isLoopbackOrWildcard(host: string): boolean {
  return (
    host === 'localhost' || host === '::1' || host === '::' || host === '0.0.0.0' || host.startsWith('127.')
  );
}

/** `loadConfig` with this process's environment and working directory. */
export function loadConfigFromProcess(file?: string): LoadedConfig {
  return loadConfig({ file, env: process.env, cwd: process.cwd() });
}

function readSource(file: string, warnings: string[]): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError([`${file}: cannot read the config file (${reason})`]);
  }
  const parsed = parseYamlSource(file, text);
  warnings.push(...parsed.warnings);
  if (parsed.source === null) throw new ConfigError(parsed.problems);
  return parsed.source;
}

/**
 * The file's content with environment overrides applied and missing (or null) keys filled
 * from `CONFIG_KEYS`. Keys with derived defaults are left absent.
 */
function assemble(fileValue: unknown, overrides: ReadonlyMap<string, EnvOverride>): Record<string, unknown> {
  const raw: Record<string, unknown> = isRecord(fileValue) ? structuredClone(fileValue) : {};
  for (const key of CONFIG_KEYS) {
    const path = key.path.split('.');
    const override = overrides.get(key.path);
    if (override !== undefined) setAt(raw, path, override.value);
    else if (getAt(raw, path) === null) setAt(raw, path, structuredClone(key.default));
  }
  return raw;
}

/**
 * `registration`, `identifier_scopes` and `signing.keys` must name existing files; `branding.logo`
 * an image small enough and of the type its name says.
 */
function checkFilesExist(
  raw: Record<string, unknown>,
  baseFor: (path: string) => string,
  report: ProblemReporter,
): Problem[] {
  const problems: Problem[] = [];
  const check = (key: string, at: PropertyKey[], value: unknown) => {
    if (typeof value !== 'string' || value === '') return;
    const file = resolve(baseFor(key), value);
    if (!isFile(file)) problems.push(report.at(at, `file not found: ${file}`));
  };
  check('registration', ['registration'], raw.registration);
  const logo = getAt(raw, ['branding', 'logo']);
  if (typeof logo === 'string' && /\.(png|svg|jpe?g|webp)$/i.test(logo)) {
    const read = readLogo(resolve(baseFor('branding.logo'), logo));
    if (typeof read === 'string') problems.push(report.at(['branding', 'logo'], read));
  }
  check('identifier_scopes', ['identifier_scopes'], raw.identifier_scopes);
  const keys = getAt(raw, ['signing', 'keys']);
  if (Array.isArray(keys)) keys.forEach((k, i) => check('signing.keys', ['signing', 'keys', i], k));
  return problems;
}

/**
 * `identity: ldap` takes the directory settings from Konnect's `LDAP_*` variables (or
 * Cloudron's `CLOUDRON_LDAP_*`), exactly as `konnectd serve ldap` does, so both front doors
 * describe a directory the same way.
 */
function identityConfig(
  kind: 'builtin' | 'ldap',
  env: Readonly<Record<string, string | undefined>>,
  warnings: string[],
): IdentityConfig {
  if (kind === 'builtin') return { kind };
  const ldap = ldapConfigFromEnv(env, { insecureTls: false });
  warnings.push(...ldap.warnings);
  return { kind, ldap: ldap.config };
}

function build(data: ParsedConfig, baseFor: (path: string) => string, demoByDefault: boolean): Config {
  const dataDir = resolve(baseFor('data_dir'), data.data_dir);
  const konnect = data.compat === 'konnect';
  return {
    issuer: data.issuer,
    listen: data.listen,
    dataDir,
    storage: resolveStorage(data.storage, data.storage_pool_size, dataDir, baseFor('storage')),
    identity: { kind: 'builtin' },
    registration:
      data.registration === undefined ? null : resolve(baseFor('registration'), data.registration),
    identifierScopes:
      data.identifier_scopes === undefined
        ? null
        : resolve(baseFor('identifier_scopes'), data.identifier_scopes),
    signing: {
      alg: data.signing.alg,
      keys: data.signing.keys.map((key) => resolve(baseFor('signing.keys'), key)),
      publishDelay: data.signing.publish_delay,
    },
    lifetimes: {
      accessToken: data.lifetimes.access_token,
      idToken: data.lifetimes.id_token,
      refreshToken: data.lifetimes.refresh_token,
      code: data.lifetimes.code,
      interaction: data.lifetimes.interaction,
      sessionIdle: data.lifetimes.session_idle,
      sessionAbsolute: data.lifetimes.session_absolute,
      refreshGrace: data.lifetimes.refresh_grace,
    },
    compat: {
      anySecretForSecretlessClients: konnect,
      redirectUriIgnoresQuery: konnect,
      implicitTrustOnIssuerHost: konnect,
      lenientTokenRequests: konnect,
      trustedClientsGetAllScopes: konnect,
    },
    accessTokenFormat: data.access_token_format ?? (konnect ? 'konnect' : 'rfc9068'),
    sessionManagement: data.session_management,
    allowClientGuests: data.allow_client_guests,
    allowDynamicClientRegistration: data.allow_dynamic_client_registration,
    log: { level: data.log.level, format: data.log.format },
    demo: demoByDefault ? true : data.demo,
    branding: {
      productName: data.branding.product_name,
      logo: data.branding.logo === undefined ? null : resolve(baseFor('branding.logo'), data.branding.logo),
      accentColor: data.branding.accent_color?.toLowerCase() ?? null,
      forgotPasswordUrl: data.branding.forgot_password_url ?? null,
      imprintUrl: data.branding.imprint_url ?? null,
      privacyUrl: data.branding.privacy_url ?? null,
    },
    trustedProxies: data.trusted_proxies,
    throttle: {
      windowSeconds: data.throttle.window,
      maxFailuresPerAccountAddress: data.throttle.max_failures_per_account_address,
      maxFailuresPerAccount: data.throttle.max_failures_per_account,
      accountIntervalSeconds: data.throttle.account_interval,
      maxFailuresPerAddress: data.throttle.max_failures_per_address,
    },
    passwords: {
      memoryKib: data.passwords.memory_kib,
      iterations: data.passwords.iterations,
      parallelism: data.passwords.parallelism,
    },
    http: {
      requestTimeoutSeconds: data.http.request_timeout,
      headersTimeoutSeconds: data.http.headers_timeout,
      keepAliveTimeoutSeconds: data.http.keep_alive_timeout,
      maxConnections: data.http.max_connections,
    },
    limits: {
      pendingSignIns: data.limits.pending_sign_ins,
      pendingSignInsPerAddress: data.limits.pending_sign_ins_per_address,
      registrationFileBytes: data.limits.registration_file_bytes,
    },
    metrics: data.metrics.listen === undefined ? null : { listen: data.metrics.listen },
  };
}

function resolveStorage(
  storage: StorageConfig | undefined,
  poolSize: number,
  dataDir: string,
  base: string,
): StorageConfig {
  if (storage === undefined) return { kind: 'sqlite', path: join(dataDir, 'sesame.db') };
  if (storage.kind === 'postgres') return { ...storage, poolSize };
  if (storage.kind !== 'sqlite' || storage.path === ':memory:') return storage;
  return { kind: 'sqlite', path: resolve(base, storage.path) };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path`, or null when it (or a parent) is absent or null. */
function getAt(root: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = root;
  for (const segment of path) {
    if (!isRecord(value)) return null;
    value = value[segment];
  }
  return value ?? null;
}

/**
 * Sets the value at `path`, creating absent or null parents. A parent of the wrong type is left
 * alone (the schema reports it); `undefined` deletes the key.
 */
function setAt(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let parent = root;
  for (const segment of path.slice(0, -1)) {
    const next = parent[segment] ?? {};
    if (!isRecord(next)) return;
    parent[segment] = next;
    parent = next;
  }
  const last = path[path.length - 1] ?? '';
  if (value === undefined) delete parent[last];
  else parent[last] = value;
}
