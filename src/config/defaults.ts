import { stringify } from 'yaml';

/** How a key's value is read from an environment variable. */
export type ConfigKeyKind = 'string' | 'list' | 'duration' | 'integer' | 'boolean';

/** A value as written in sesame.yaml. */
export type YamlValue = string | number | boolean | readonly string[];

/** One key of sesame.yaml. */
export interface ConfigKey {
  /** Dotted path in the YAML file, e.g. `lifetimes.access_token`. */
  readonly path: string;
  readonly kind: ConfigKeyKind;
  /**
   * The default exactly as a user would write it. Absent when the default is derived at load
   * time; then `derived` says how, for people.
   */
  readonly default?: YamlValue;
  readonly derived?: string;
  /** One line, shown by `sesame config defaults`. */
  readonly description: string;
}

/**
 * Every key of sesame.yaml, in file order (keys of one section are contiguous). This table is
 * the single source of defaults: the loader fills missing keys from it before validation, and
 * a test checks that its paths are exactly the schema's leaves.
 */
export const CONFIG_KEYS: readonly ConfigKey[] = [
  {
    path: 'issuer',
    kind: 'string',
    default: 'http://localhost:8777',
    description: 'Public URL of this provider (OIDC Core §2 `iss`); https, or http for localhost only.',
  },
  {
    path: 'listen',
    kind: 'string',
    default: '127.0.0.1:8777',
    description: 'Address the HTTP server binds to: host:port or [ipv6]:port.',
  },
  {
    path: 'data_dir',
    kind: 'string',
    default: './data',
    description: 'Directory for the database and generated keys; relative to this file.',
  },
  {
    path: 'storage',
    kind: 'string',
    derived: 'sqlite:<data_dir>/sesame.db',
    description:
      'Where state lives: sqlite:<path>, memory, or a postgres://user:password@host:port/database URL (several instances may share one PostgreSQL database; add ?options=-c%20search_path%3D<schema> for a schema).',
  },
  {
    path: 'storage_pool_size',
    kind: 'integer',
    default: 10,
    description:
      'Connections each instance keeps open to PostgreSQL, at most; unused with SQLite and memory.',
  },
  {
    path: 'identity',
    kind: 'string',
    default: 'builtin',
    description:
      'Where users come from: builtin (users kept in storage) or ldap (configured by the LDAP_* variables, see docs/migrating-from-konnect.md).',
  },
  {
    path: 'registration',
    kind: 'string',
    derived: '<file>',
    description: 'Konnect-format client registry file, relative to this file; default: none.',
  },
  {
    path: 'identifier_scopes',
    kind: 'string',
    derived: '<file>',
    description:
      "Konnect-format identifier-scopes.yaml: extra scopes to offer (e.g. Kopano Meet's kopano/kwm) and their consent-page descriptions; relative to this file; default: none.",
  },
  {
    path: 'signing.keys',
    kind: 'list',
    default: [],
    description:
      'PEM private key files; empty means a key is generated and kept in data_dir, or with PostgreSQL storage in the database, sealed with secret.key.',
  },
  {
    path: 'signing.alg',
    kind: 'string',
    default: 'RS256',
    description: 'JWS algorithm for ID and access tokens: RS256, PS256, ES256 or EdDSA.',
  },
  {
    path: 'signing.publish_delay',
    kind: 'duration',
    default: '10m',
    description:
      'How long a key made by sesame keys rotate is published before it signs, so that apps caching the JWKS know it first.',
  },
  {
    path: 'lifetimes.access_token',
    kind: 'duration',
    default: '10m',
    description: 'Access token lifetime (seconds, or with unit s, m, h, d).',
  },
  {
    path: 'lifetimes.id_token',
    kind: 'duration',
    default: '1h',
    description: 'ID token lifetime.',
  },
  {
    path: 'lifetimes.refresh_token',
    kind: 'duration',
    default: '30d',
    description: 'Refresh token lifetime.',
  },
  {
    path: 'lifetimes.code',
    kind: 'duration',
    default: '60s',
    description: 'Authorization code lifetime; at most 120s.',
  },
  {
    path: 'lifetimes.interaction',
    kind: 'duration',
    default: '15m',
    description: 'How long a pending sign-in (login or consent page) stays valid.',
  },
  {
    path: 'lifetimes.session_idle',
    kind: 'duration',
    default: '8h',
    description: 'A browser session ends after this long without use.',
  },
  {
    path: 'lifetimes.session_absolute',
    kind: 'duration',
    default: '7d',
    description: 'A browser session ends this long after sign-in, used or not.',
  },
  {
    path: 'lifetimes.refresh_grace',
    kind: 'duration',
    default: '10s',
    description: 'A rotated refresh token may be presented once more within this time (retries).',
  },
  {
    path: 'compat',
    kind: 'string',
    default: 'none',
    description: 'none, or konnect to enable the Konnect-compatibility relaxations.',
  },
  {
    path: 'access_token_format',
    kind: 'string',
    derived: 'konnect when compat is konnect, else rfc9068',
    description:
      "rfc9068 (only the hashed subject and a grant id) or konnect (Konnect's kc.* claims, which Kopano Meet's kwmserver and kapi need; they reveal the user's id, username and name).",
  },
  {
    path: 'session_management',
    kind: 'boolean',
    default: true,
    description:
      'OpenID Connect Session Management: publish check_session_iframe and return session_state, as Konnect did.',
  },
  {
    path: 'allow_client_guests',
    kind: 'boolean',
    default: false,
    description:
      "Let a registered client's signed request object sign in a guest without an account (Konnect's guests, for Kopano Meet).",
  },
  {
    path: 'allow_dynamic_client_registration',
    kind: 'boolean',
    default: false,
    description:
      'Let anyone register a client at the registration endpoint (RFC 7591); such clients get no trust and no compatibility relaxations.',
  },
  {
    path: 'log.level',
    kind: 'string',
    default: 'info',
    description: 'fatal, error, warn, info, debug or trace.',
  },
  {
    path: 'log.format',
    kind: 'string',
    default: 'json',
    description: 'json (one object per line) or text.',
  },
  {
    path: 'demo',
    kind: 'boolean',
    default: false,
    description:
      'Create and print a demo user and client; by default true only with no config file, no SESAME_* settings but issuer, listen and log, and no other users or clients in the data.',
  },
  {
    path: 'branding.product_name',
    kind: 'string',
    default: 'Sesame',
    description: 'Name shown in the title and header of every page.',
  },
  {
    path: 'branding.logo',
    kind: 'string',
    derived: '<file>',
    description:
      "Logo shown in the header instead of Sesame's mark: a PNG, SVG, JPEG or WebP file of at most 256 KiB, relative to this file; default: none.",
  },
  {
    path: 'branding.accent_color',
    kind: 'string',
    derived: '#rrggbb',
    description: "Colour of buttons and links, as #rrggbb; default: Sesame's blue.",
  },
  {
    path: 'branding.forgot_password_url',
    kind: 'string',
    derived: '<https URL>',
    description:
      'Where a "Forgot password?" link on the sign-in page leads (passwords reset elsewhere, e.g. Cloudron or an LDAP tool); default: no link.',
  },
  {
    path: 'branding.imprint_url',
    kind: 'string',
    derived: '<https URL>',
    description: 'Imprint link in the footer of every page; default: none.',
  },
  {
    path: 'branding.privacy_url',
    kind: 'string',
    derived: '<https URL>',
    description: 'Privacy policy link in the footer of every page; default: none.',
  },
  {
    path: 'trusted_proxies',
    kind: 'list',
    default: [],
    description: 'Proxies (IPs or CIDRs) whose X-Forwarded-For and -Proto headers are believed.',
  },
  {
    path: 'throttle.window',
    kind: 'duration',
    default: '15m',
    description: 'Window over which failed sign-ins are counted.',
  },
  {
    path: 'throttle.max_failures_per_account_address',
    kind: 'integer',
    default: 5,
    description:
      'Failed sign-ins for one account from one address within the window before that pair is locked.',
  },
  {
    path: 'throttle.max_failures_per_account',
    kind: 'integer',
    default: 10,
    description:
      'Failed sign-ins for one account from all addresses within the window after which its attempts are slowed down (never locked).',
  },
  {
    path: 'throttle.account_interval',
    kind: 'duration',
    default: '10s',
    description: 'Once an account is slowed down, attempts for it must be this far apart.',
  },
  {
    path: 'throttle.max_failures_per_address',
    kind: 'integer',
    default: 20,
    description:
      'Failed sign-ins from one client address within the window before it is locked; set trusted_proxies behind a reverse proxy.',
  },
  {
    path: 'passwords.memory_kib',
    kind: 'integer',
    default: 19456,
    description:
      "argon2id memory (m) for new hashes of built-in users' passwords, KiB; the default is OWASP's (5–9 ms of one core and 19 MiB per sign-in). A hash made with other settings is redone at the user's next sign-in.",
  },
  {
    path: 'passwords.iterations',
    kind: 'integer',
    default: 2,
    description:
      "argon2id passes over that memory (t); a setting below all of OWASP's pairs (m=47104 t=1 … m=7168 t=5, docs/security.md) is allowed but warned about.",
  },
  {
    path: 'passwords.parallelism',
    kind: 'integer',
    default: 1,
    description: 'argon2id lanes (p), 1 to 16; memory_kib must be at least 8 per lane.',
  },
  {
    path: 'http.request_timeout',
    kind: 'duration',
    default: '30s',
    description: 'A request, headers and body, must arrive within this time.',
  },
  {
    path: 'http.headers_timeout',
    kind: 'duration',
    default: '10s',
    description: 'Request headers must arrive within this time.',
  },
  {
    path: 'http.keep_alive_timeout',
    kind: 'duration',
    default: '5s',
    description: 'An idle keep-alive connection is closed after this time.',
  },
  {
    path: 'http.max_connections',
    kind: 'integer',
    default: 1000,
    description: 'Connections open at once; further ones are refused.',
  },
  {
    path: 'limits.pending_sign_ins',
    kind: 'integer',
    default: 10000,
    description: 'Pending sign-ins (authorization requests waiting for the user) kept at once, in total.',
  },
  {
    path: 'limits.pending_sign_ins_per_address',
    kind: 'integer',
    default: 100,
    description: 'Pending sign-ins kept at once for one client address.',
  },
  {
    path: 'limits.registration_file_bytes',
    kind: 'integer',
    default: 1048576,
    description: 'Largest identifier-registration.yaml accepted, in bytes.',
  },
  {
    path: 'metrics.listen',
    kind: 'string',
    derived: '127.0.0.1:9090',
    description:
      'Serve Prometheus metrics at /metrics on this host:port, a listener of its own without authentication (keep it on loopback or an internal network); default: off.',
  },
];

/**
 * The environment variable that overrides a key: `SESAME_` + the path upper-cased, with dots
 * and dashes turned into underscores (`lifetimes.access_token` → `SESAME_LIFETIMES_ACCESS_TOKEN`).
 */
export function envName(path: string): string {
  return `SESAME_${path.toUpperCase().replace(/[.-]/g, '_')}`;
}

/**
 * Every key with its default and description as commented YAML — a starter sesame.yaml, and
 * what `sesame config defaults` prints. Loading the output gives the same `Config` as an
 * empty config file; keys with derived defaults are printed commented out.
 */
export function formatDefaults(): string {
  const lines = [
    '# sesame.yaml: Sesame configuration. Every key is shown with its default.',
    '# Each key can be overridden by the environment variable named after it.',
    '# Durations are seconds, or a number with a unit: 90s, 10m, 12h, 30d.',
  ];
  let section: string | null = null;
  for (const key of CONFIG_KEYS) {
    const dot = key.path.indexOf('.');
    const parent = dot === -1 ? null : key.path.slice(0, dot);
    const name = dot === -1 ? key.path : key.path.slice(dot + 1);
    if (parent !== section || parent === null) lines.push('');
    if (parent !== null && parent !== section) lines.push(`${parent}:`);
    section = parent;
    const indent = parent === null ? '' : '  ';
    lines.push(`${indent}# ${key.description} (env ${envName(key.path)})`);
    lines.push(
      key.default === undefined
        ? `${indent}# ${name}: ${key.derived ?? ''}`
        : `${indent}${name}: ${formatValue(key.default)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function formatValue(value: YamlValue): string {
  return stringify(value, { flowCollectionPadding: false }).trimEnd();
}
