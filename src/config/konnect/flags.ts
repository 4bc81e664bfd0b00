import { suggestKey } from '../suggest.js';

/** How a flag takes its value: one string, a repeatable string, or a Go-style boolean. */
export type FlagKind = 'string' | 'list' | 'bool';

/**
 * What Sesame does with a flag: `implemented`; `no-effect` (accepted so that existing
 * installations keep starting, with a logged note); `refused` (when set to anything but its
 * harmless default, start-up stops with exit code 2 and a message naming the flag).
 */
export type FlagStatus = 'implemented' | 'no-effect' | 'refused';

export interface FlagSpec {
  readonly kind: FlagKind;
  readonly status: FlagStatus;
  /** Environment fallback (konnect-spec §1.3); lists are space separated there. */
  readonly env?: string;
  /** For `no-effect` and `refused`: why, in a few words. */
  readonly reason?: string;
}

const ok = (kind: FlagKind, env?: string): FlagSpec => ({
  kind,
  status: 'implemented',
  ...(env ? { env } : {}),
});
const noEffect = (kind: FlagKind, reason: string, env?: string): FlagSpec => ({
  kind,
  status: 'no-effect',
  reason,
  ...(env ? { env } : {}),
});
const refused = (kind: FlagKind, reason: string): FlagSpec => ({ kind, status: 'refused', reason });

/**
 * Every `konnectd serve` flag (konnect-spec §1.3 and the "other serve flags" list), plus
 * Sesame's own `--config`, `--log-format`, `--data-dir`, `--storage` and
 * `--access-token-format`.
 */
export const SERVE_FLAGS: Readonly<Record<string, FlagSpec>> = {
  iss: ok('string', 'OIDC_ISSUER_IDENTIFIER'),
  listen: ok('string', 'KONNECTD_LISTEN'),
  'identifier-registration-conf': ok('string', 'KONNECTD_IDENTIFIER_REGISTRATION_CONF'),
  'identifier-scopes-conf': ok('string', 'KONNECTD_IDENTIFIER_SCOPES_CONF'),
  'signing-private-key': ok('list', 'KONNECTD_SIGNING_PRIVATE_KEY'),
  'signing-kid': ok('string', 'KONNECTD_SIGNING_KID'),
  'signing-method': ok('string'),
  'validation-keys-path': ok('string', 'KONNECTD_VALIDATION_KEYS_PATH'),
  'encryption-secret': ok('string', 'KONNECTD_ENCRYPTION_SECRET'),
  'trusted-proxy': ok('list'),
  'allow-scope': ok('list'),
  'allow-client-guests': ok('bool'),
  'allow-dynamic-client-registration': ok('bool'),
  'access-token-expiration': ok('string'),
  'id-token-expiration': ok('string'),
  'refresh-token-expiration': ok('string'),
  'dynamic-client-secret-expiration': noEffect('string', 'dynamic client secrets do not expire in Sesame'),
  'log-level': ok('string', 'KONNECTD_LOG_LEVEL'),
  'log-timestamp': ok('bool'),
  insecure: ok('bool'),
  'uri-base-path': refused('string', 'Sesame serves at the root of the issuer only'),
  'identifier-client-path': noEffect(
    'string',
    "Sesame renders its own sign-in pages and does not use Konnect's web app",
    'KONNECTD_IDENTIFIER_CLIENT_PATH',
  ),
  'sign-in-uri': refused('string', 'external sign-in pages are not supported'),
  'signed-out-uri': refused('string', 'external signed-out pages are not supported'),
  'authorization-endpoint-uri': refused('string', 'external authorization endpoints are not supported'),
  'endsession-endpoint-uri': refused('string', 'external end-session endpoints are not supported'),
  'disable-identifier-client': refused('bool', 'the sign-in pages are part of Sesame'),
  'with-metrics': ok('bool'),
  'metrics-listen': ok('string'),
  'with-pprof': refused('bool', 'Go profiling does not exist in Sesame'),
  'pprof-listen': noEffect('string', 'there is no profiling listener'),
  config: ok('string', 'KONNECTD_CONFIG'),
  'log-format': ok('string', 'KONNECTD_LOG_FORMAT'),
  'data-dir': ok('string', 'KONNECTD_DATA_DIR'),
  storage: ok('string', 'KONNECTD_STORAGE'),
  'access-token-format': ok('string', 'KONNECTD_ACCESS_TOKEN_FORMAT'),
};

export type FlagValue = string | readonly string[] | boolean;

export interface ParsedFlags {
  /** Flags given on the command line, by name without dashes; lists in the order given. */
  readonly flags: ReadonlyMap<string, FlagValue>;
  /** Arguments that are not flags: the identity manager and its arguments. */
  readonly positionals: readonly string[];
  /** `-h` / `--help` was given. */
  readonly help: boolean;
}

/** A command line that cannot be understood; the CLI exits with code 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parses `konnectd serve` arguments the way Konnect's flag library does: `--flag value`,
 * `--flag=value` and Go's single-dash `-flag` forms; booleans are set by their bare name or
 * take `=true`/`=false` (never the next argument); repeatable flags collect every value;
 * flags and positionals may be mixed; `--` ends the flags.
 *
 * @throws UsageError naming an unknown flag (with a suggestion) or a flag without its value.
 */
export function parseFlags(
  argv: readonly string[],
  specs: Readonly<Record<string, FlagSpec>> = SERVE_FLAGS,
): ParsedFlags {
  const flags = new Map<string, FlagValue>();
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const inline = eq === -1 ? undefined : body.slice(eq + 1);
    if (name === 'h' || name === 'help') {
      help = true;
      continue;
    }
    const spec = specs[name];
    if (spec === undefined) throw new UsageError(unknownFlagMessage(name, Object.keys(specs)));
    if (spec.kind === 'bool') {
      flags.set(name, inline === undefined ? true : parseBool(name, inline));
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: --${name}`);
      value = argv[++i] as string;
    }
    if (spec.kind === 'list') {
      const previous = flags.get(name);
      flags.set(name, [...(Array.isArray(previous) ? previous : []), value]);
    } else {
      flags.set(name, value);
    }
  }
  return { flags, positionals, help };
}

/** Go's `strconv.ParseBool`, which Konnect's flag library uses. */
export function parseBool(name: string, value: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  throw new UsageError(`invalid boolean "${value}" for --${name}; use true or false`);
}

function unknownFlagMessage(name: string, known: readonly string[]): string {
  const underscored = known.map((k) => k.replaceAll('-', '_'));
  const hint = suggestKey(name, underscored, underscored);
  return `unknown flag: --${name}${hint === null ? '' : ` (did you mean --${hint.replaceAll('_', '-')}?)`}`;
}

/** A setting and where it came from (`--iss`, `env OIDC_ISSUER_IDENTIFIER`, `konnectd.cfg:3`), for messages. */
export interface Setting {
  readonly value: FlagValue;
  readonly origin: string;
}
