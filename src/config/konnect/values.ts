import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { isLoopbackHost } from '../schema.js';
import type { Config, StorageConfig } from '../types.js';
import type { Setting } from './flags.js';

/** Records a problem with a setting, prefixed with where the setting came from. */
export type Fail = (setting: Setting, message: string) => void;

/**
 * The issuer without a trailing slash (konnect-spec §1.3): https with a host, no query,
 * fragment or credentials; http only on loopback, with a warning. Unset: `https://localhost`,
 * with a warning.
 */
export function checkIssuer(s: Setting | null, fail: Fail, warnings: string[]): string {
  if (s === null) {
    warnings.push('no issuer set (--iss or OIDC_ISSUER_IDENTIFIER); using https://localhost');
    return 'https://localhost';
  }
  const value = s.value as string;
  if (!URL.canParse(value)) {
    fail(s, `issuer "${value}" is not an absolute URL`);
    return value;
  }
  const url = new URL(value);
  if (url.host === '' || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    fail(s, 'issuer must be an https URL with a host');
  } else if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname))
      warnings.push(`${s.origin}: issuer uses http; this is only for development, use https`);
    else fail(s, 'issuer must use https; http is accepted only for localhost, 127.0.0.0/8 and ::1');
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    fail(s, 'issuer must not have a query, fragment or credentials');
  }
  return url.href.replace(/\/+$/, '');
}

/** `host:port` or `[ipv6]:port`; Go's `:port` means every interface. Unset: 127.0.0.1:8777. */
export function parseListen(s: Setting | null, fail: Fail): Config['listen'] {
  if (s === null) return { host: '127.0.0.1', port: 8777 };
  const value = s.value as string;
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(value) ?? /^([^:[\]\s]*):(\d{1,5})$/.exec(value);
  const port = Number(m?.[2]);
  if (m === null || port > 65535 || (value.startsWith('[') && isIP(m[1] as string) !== 6)) {
    fail(s, `"${value}" is not host:port or [ipv6]:port`);
    return { host: '127.0.0.1', port: 8777 };
  }
  // Go listens on every interface for ":8777".
  return { host: m[1] === '' ? '0.0.0.0' : (m[1] as string), port };
}

/** `sqlite:<path>` (relative to `cwd`), `memory` or a postgres URL. Unset: `<dataDir>/sesame.db`. */
export function parseStorage(s: Setting | null, dataDir: string, cwd: string, fail: Fail): StorageConfig {
  const fallback: StorageConfig = { kind: 'sqlite', path: resolve(dataDir, 'sesame.db') };
  if (s === null) return fallback;
  const value = s.value as string;
  if (value === 'memory') return { kind: 'memory' };
  if (value.startsWith('sqlite:') && value.length > 7) {
    const file = value.slice(7);
    return { kind: 'sqlite', path: file === ':memory:' ? file : resolve(cwd, file) };
  }
  if (/^postgres(ql)?:\/\//.test(value) && URL.canParse(value)) return { kind: 'postgres', url: value };
  fail(s, `"${value}" is not sqlite:<path>, memory, or a postgres:// URL`);
  return fallback;
}

/** An IPv4/IPv6 address or CIDR, as `--trusted-proxy` takes. */
export function isAddressOrCidr(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}
