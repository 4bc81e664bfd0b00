import { isIP } from 'node:net';
import { z } from 'zod';
import { parseDuration } from '../lib/duration.js';
import type { StorageConfig } from './types.js';

/**
 * The shape of sesame.yaml once defaults are filled in (see `CONFIG_KEYS`): strict objects,
 * so unknown keys are reported. Values are checked and normalised here; what needs the file
 * system (resolving paths, checking files exist) happens in `load.ts`.
 */

/** True for hosts that never leave the machine: localhost, 127.0.0.0/8 and ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** A nested mapping; unknown keys are errors. */
const section = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z.strictObject(shape, {
    error: (iss) => (iss.code === 'invalid_type' ? 'must be a mapping of keys' : undefined),
  });

const text = (what: string) =>
  z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}, not empty` });

/** OIDC Core §2 / Discovery §3: an https URL with no query or fragment; http only on loopback. */
const issuer = text('a URL such as https://id.example.com').transform((value, ctx) => {
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (!URL.canParse(value)) return fail(`"${value}" is not an absolute URL`);
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail('must be an https URL');
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return fail('must use https; http is accepted only for localhost, 127.0.0.0/8 and ::1');
  }
  if (url.search !== '' || value.includes('?')) return fail('must not have a query');
  if (url.hash !== '' || value.includes('#')) return fail('must not have a fragment');
  if (url.username !== '' || url.password !== '') return fail('must not contain credentials');
  return url.href.replace(/\/+$/, '');
});

const listen = z.union([z.string(), z.number()], { error: 'must be host:port' }).transform((raw, ctx) => {
  const value = String(raw);
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(value) ?? /^([^:[\]\s]+):(\d{1,5})$/.exec(value);
  const host = m?.[1];
  const port = Number(m?.[2]);
  if (host === undefined || (value.startsWith('[') && isIP(host) !== 6)) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not host:port or [ipv6]:port` });
    return z.NEVER;
  }
  if (port > 65535) {
    ctx.addIssue({ code: 'custom', message: `port ${port} is not between 0 and 65535` });
    return z.NEVER;
  }
  return { host, port };
});

/**
 * `sqlite:<path>` keeps the path as written; the loader resolves it and adds the pool size to a
 * postgres URL.
 */
const storage = text('sqlite:<path>, memory or a postgres:// URL').transform((value, ctx): StorageConfig => {
  if (value === 'memory') return { kind: 'memory' };
  if (value.startsWith('sqlite:') && value.length > 'sqlite:'.length) {
    return { kind: 'sqlite', path: value.slice('sqlite:'.length) };
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    if (URL.canParse(value)) return { kind: 'postgres', url: value };
    ctx.addIssue({ code: 'custom', message: 'is not a valid postgres:// URL' });
    return z.NEVER;
  }
  ctx.addIssue({
    code: 'custom',
    message: `"${value}" is not sqlite:<path>, memory, or a postgres:// or postgresql:// URL`,
  });
  return z.NEVER;
});

const identity = text('builtin').transform((value, ctx) => {
  if (value === 'builtin' || value === 'ldap') return value;
  ctx.addIssue({ code: 'custom', message: `"${value}" is not an identity backend; use builtin or ldap` });
  return z.NEVER;
});

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

/** A duration in seconds: an integer, or a string such as `10m`, `12h`, `30d`. */
const duration = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .union([z.number(), z.string()], { error: 'must be a duration such as 600, 10m, 12h or 30d' })
    .transform((value, ctx) => {
      const seconds = parseDuration(value);
      if (seconds === null) {
        ctx.addIssue({
          code: 'custom',
          message: `"${value}" is not a duration such as 600, 10m, 12h or 30d`,
        });
      } else if (seconds < min || seconds > max) {
        ctx.addIssue({
          code: 'custom',
          message:
            max === Number.MAX_SAFE_INTEGER
              ? `must be at least ${min}s`
              : `must be between ${min}s and ${max}s`,
        });
      } else {
        return seconds;
      }
      return z.NEVER;
    });

const count = z
  .number({ error: 'must be a whole number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be at least 1' });

function isAddressOrCidr(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const proxy = z
  .string({ error: 'must be an IP address or CIDR' })
  .refine(isAddressOrCidr, { error: (iss) => `"${String(iss.input)}" is not an IP address or CIDR` });

/** An absolute http(s) URL for a link on the pages; nothing a browser would run (`javascript:`). */
const linkUrl = text('an absolute https URL').refine(
  (value) => URL.canParse(value) && ['https:', 'http:'].includes(new URL(value).protocol),
  { error: (iss) => `"${String(iss.input)}" is not an absolute http(s) URL` },
);

/** The pages' look: `branding.*` (docs/configuration.md). */
const branding = section({
  product_name: text('a name').max(60, { error: 'must be at most 60 characters' }),
  logo: text('a file path')
    .refine((value) => /\.(png|svg|jpe?g|webp)$/i.test(value), {
      error: 'must be a .png, .svg, .jpg, .jpeg or .webp file',
    })
    .optional(),
  accent_color: z
    .string({ error: 'must be a colour such as #1f4fd6' })
    .regex(/^#[0-9a-fA-F]{6}$/, { error: (iss) => `"${String(iss.input)}" is not a colour such as #1f4fd6` })
    .optional(),
  forgot_password_url: linkUrl.optional(),
  imprint_url: linkUrl.optional(),
  privacy_url: linkUrl.optional(),
});

const lifetimes = section({
  access_token: duration(1),
  id_token: duration(1),
  refresh_token: duration(1),
  code: duration(1, 120),
  interaction: duration(1),
  session_idle: duration(1),
  session_absolute: duration(1),
  refresh_grace: duration(0),
}).refine((l) => l.session_idle <= l.session_absolute, {
  path: ['session_idle'],
  error: 'must not be longer than lifetimes.session_absolute',
});

/** A whole number from `min` to `max`. */
const wholeNumber = (min: number, max: number) =>
  z
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be between ${min} and ${max}` })
    .max(max, { error: `must be between ${min} and ${max}` });

/**
 * argon2id's cost for new built-in password hashes, RFC 9106 §3.1 (`passwords.*`,
 * docs/security.md). argon2 needs 8 KiB of memory per lane; 4 GiB bounds mistakes.
 */
const passwords = section({
  memory_kib: z
    .number({ error: 'must be a whole number of KiB' })
    .int({ error: 'must be a whole number of KiB' })
    .min(8, { error: 'must be at least 8 KiB' })
    .max(4194304, { error: 'must be at most 4194304 KiB (4 GiB)' }),
  iterations: wholeNumber(1, 64),
  parallelism: wholeNumber(1, 16),
}).superRefine((p, ctx) => {
  if (p.memory_kib < 8 * p.parallelism) {
    ctx.addIssue({
      code: 'custom',
      path: ['memory_kib'],
      message: `must be at least ${8 * p.parallelism} KiB: 8 KiB for each of the ${p.parallelism} lanes of passwords.parallelism`,
    });
  }
});

/** The whole file, defaults already filled in; `storage` and `registration` may be absent. */
export const configSchema = section({
  issuer,
  listen,
  data_dir: text('a directory path'),
  storage: storage.optional(),
  storage_pool_size: count,
  identity,
  registration: text('a file path').optional(),
  identifier_scopes: text('a file path').optional(),
  signing: section({
    keys: z.array(text('a file path'), { error: 'must be a list of PEM file paths' }),
    alg: oneOf(['RS256', 'PS256', 'ES256', 'EdDSA']),
    publish_delay: duration(0),
  }),
  lifetimes,
  compat: oneOf(['none', 'konnect']),
  access_token_format: oneOf(['rfc9068', 'konnect']).optional(),
  session_management: z.boolean({ error: 'must be true or false' }),
  allow_client_guests: z.boolean({ error: 'must be true or false' }),
  allow_dynamic_client_registration: z.boolean({ error: 'must be true or false' }),
  log: section({
    level: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace']),
    format: oneOf(['json', 'text']),
  }),
  demo: z.boolean({ error: 'must be true or false' }),
  branding,
  trusted_proxies: z.array(proxy, { error: 'must be a list of IP addresses or CIDRs' }),
  throttle: section({
    window: duration(1),
    max_failures_per_account_address: count,
    max_failures_per_account: count,
    account_interval: duration(1),
    max_failures_per_address: count,
  }),
  passwords,
  http: section({
    request_timeout: duration(1),
    headers_timeout: duration(1),
    keep_alive_timeout: duration(1),
    max_connections: count,
  }),
  limits: section({
    pending_sign_ins: count,
    pending_sign_ins_per_address: count,
    registration_file_bytes: count,
  }),
  metrics: section({
    listen: listen.optional(),
  }),
}).refine((c) => !sameAddress(c.metrics.listen, c.listen), {
  path: ['metrics', 'listen'],
  error: 'must differ from listen: metrics are served on a port of their own, never the public one',
});

function sameAddress(
  a: { host: string; port: number } | undefined,
  b: { host: string; port: number },
): boolean {
  return (
    a !== undefined && a.port !== 0 && a.port === b.port && a.host.toLowerCase() === b.host.toLowerCase()
  );
}

/** sesame.yaml after validation and normalisation, before paths are resolved. */
export type ParsedConfig = z.output<typeof configSchema>;
