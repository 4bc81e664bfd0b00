import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { parseCfgFile } from './cfg-file.js';
import type { Env } from './env.js';
import { parseFlags, UsageError, type FlagSpec } from './flags.js';

const HEALTHCHECK_FLAGS: Readonly<Record<string, FlagSpec>> = {
  url: { kind: 'string', status: 'implemented' },
  hostname: { kind: 'string', status: 'implemented' },
  port: { kind: 'string', status: 'implemented' },
  path: { kind: 'string', status: 'implemented' },
  listen: { kind: 'string', status: 'implemented' },
  config: { kind: 'string', status: 'implemented' },
  insecure: { kind: 'bool', status: 'implemented' },
};

/**
 * The URL `konnectd healthcheck` requests (konnect-spec §1.1, §3 `/health-check`): `--url` as
 * given; else `http://<hostname>:<port><path>` where each part defaults to the serve address —
 * `--listen`, `KONNECTD_LISTEN`, `listen` in the konnectd.cfg named by `--config` or
 * `KONNECTD_CONFIG`, else `127.0.0.1:8777` — with a wildcard host (`0.0.0.0`, `::`, empty)
 * replaced by loopback, and path `/health-check`.
 *
 * @throws UsageError for unknown flags or arguments; ConfigError for an unreadable cfg file.
 */
export function healthCheckUrl(argv: readonly string[], options: { env: Env; cwd: string }): string {
  const { flags, positionals } = parseFlags(argv, HEALTHCHECK_FLAGS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const get = (name: string) => {
    const value = flags.get(name);
    return typeof value === 'string' && value !== '' ? value : null;
  };
  const url = get('url');
  if (url !== null) {
    if (!URL.canParse(url)) throw new UsageError(`--url ${url} is not an absolute URL`);
    return url;
  }
  const listen =
    get('listen') ??
    nonEmpty(options.env.KONNECTD_LISTEN) ??
    cfgListen(get('config'), options) ??
    '127.0.0.1:8777';
  const m = /^\[([^\]]*)\]:(\d+)$/.exec(listen) ?? /^([^:]*):(\d+)$/.exec(listen);
  let host = get('hostname') ?? m?.[1] ?? '127.0.0.1';
  if (host === '' || host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  const port = get('port') ?? m?.[2] ?? '8777';
  if (!/^\d{1,5}$/.test(port)) throw new UsageError(`--port ${port} is not a port number`);
  const path = get('path') ?? '/health-check';
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
}

function nonEmpty(value: string | undefined): string | null {
  return value !== undefined && value.trim() !== '' ? value.trim() : null;
}

function cfgListen(flag: string | null, options: { env: Env; cwd: string }): string | null {
  const file = flag ?? nonEmpty(options.env.KONNECTD_CONFIG);
  if (file === null) return null;
  const path = resolve(options.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([
      `${path}: cannot read the konnectd.cfg file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    ]);
  }
  return nonEmpty(parseCfgFile(path, text).entries.get('listen')?.value);
}
