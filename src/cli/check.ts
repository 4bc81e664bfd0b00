import { join } from 'node:path';
import { loadCommandConfig } from './load-config.js';
import { ConfigError } from '../config/errors.js';
import type { Config } from '../config/types.js';
import { summarizeRegistry } from '../clients/registry-digest.js';
import type { Client } from '../clients/types.js';
import { readInstanceSecret } from '../secrets.js';
import { ArgsError, parseArgs } from './args.js';
import {
  checkInstanceUrls,
  compareRegistries,
  compareTimeoutMs,
  loadInstanceRegistries,
} from './check-compare.js';
import type { CliIo } from './io.js';
import { konnectdCheck } from './konnectd-check.js';
import { report, runPreflight } from './preflight.js';

const USAGE = `Usage:
  sesame check [--config sesame.yaml] [--compare URL [URL...]]
  sesame check --config konnectd.cfg      (the same as: konnectd check --config konnectd.cfg)

Checks what 'sesame serve' would use, without starting it: the configuration, the client
registration file, the storage (migrations included), the signing keys, and — for LDAP —
that the directory answers a search with the service account. Exit code 0 when all is well.

--compare asks each running instance (URL: its base URL, as its issuer) for the digest of
the clients it loaded (/health-check, ${compareTimeoutMs / 1000} s at most each) and compares it with the
digest of this configuration's registration file: exit code 1 when any instance loaded other
clients or cannot be asked.
`;

/**
 * `sesame check`: one line per part, ✓ or ✗, with the reason; with `--compare`, then a table of
 * the running instances' registry digests against the local file's.
 */
export async function checkCommand(argv: string[], io: CliIo): Promise<number> {
  let file: string | undefined;
  let compare: readonly string[] = [];
  try {
    const { options, positionals } = parseArgs(argv, {
      config: 'string',
      compare: 'string',
      help: 'boolean',
    } as const);
    if (options.help === true) {
      io.stdout.write(USAGE);
      return 0;
    }
    // `--compare A B C`: the option takes A, the rest are positionals.
    if (options.compare === undefined && positionals.length > 0) {
      throw new ArgsError(`unexpected argument ${positionals[0]}`);
    }
    if (options.compare !== undefined) compare = checkInstanceUrls([options.compare, ...positionals]);
    file = typeof options.config === 'string' ? options.config : undefined;
  } catch (error) {
    if (!(error instanceof ArgsError)) throw error;
    io.stderr.write(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (file !== undefined && isKonnectdCfg(file)) {
    // konnectd.cfg is read as `konnectd check --config` reads it: the Konnect front door.
    if (compare.length > 0) {
      io.stderr.write('error: --compare is not available for a konnectd.cfg\n');
      return 2;
    }
    return konnectdCheck(['--config', file], io);
  }
  let config: Config;
  try {
    const loaded = loadCommandConfig(file, io);
    config = loaded.config;
    report(io, {
      ok: true,
      text: `configuration${loaded.located.kind === 'none' ? ' (defaults and environment)' : ` ${loaded.located.file}`}`,
      details: loaded.warnings.map((warning) => `warning: ${warning}`),
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    report(io, { ok: false, text: 'configuration', details: error.problems });
    return 1;
  }
  return runChecks(config, io, compare);
}

/**
 * The checks after the configuration (`preflight.ts`), then `--compare`. Resolves to the exit
 * code: 0 when every part passed, else 1.
 */
async function runChecks(config: Config, io: CliIo, compare: readonly string[]): Promise<number> {
  const { healthy, clients } = await runPreflight(config, io);
  const agreed = compare.length === 0 || (await compareInstances(io, config, clients, compare));
  return healthy && agreed ? 0 : 1;
}

/** `--compare`: prints the table and the verdict; true when every instance agrees. */
async function compareInstances(
  io: CliIo,
  config: Config,
  clients: readonly Client[] | null,
  urls: readonly string[],
): Promise<boolean> {
  // The digests are keyed with the instance secret, which every instance shares.
  const key = await readInstanceSecret(config);
  if (key === null) {
    report(io, {
      ok: false,
      text: `registry: no instance secret at ${secretPathOf(config)}; run the comparison where an instance's data directory is (the digests are keyed with its secret.key, the same on every instance)`,
    });
    return false;
  }
  const file = config.registration;
  if (clients === null) {
    report(io, {
      ok: false,
      text: 'registry: the local registration file did not load; nothing to compare with',
    });
    return false;
  }
  const summary = summarizeRegistry(clients, key);
  const instances = await loadInstanceRegistries(urls);
  const { agreed, lines } = compareRegistries({ label: 'local file', file, summary }, instances);
  io.stdout.write('\n');
  for (const line of lines) io.stdout.write(`${line}\n`);
  return agreed;
}

/** A konnectd.cfg rather than a sesame.yaml: by its name (`*.cfg`), as Konnect ships it. */
function isKonnectdCfg(file: string): boolean {
  return file.endsWith('.cfg');
}

/** Where the instance secret is read from, for messages. */
function secretPathOf(config: Config): string {
  return config.instanceSecret?.kind === 'file'
    ? config.instanceSecret.path
    : join(config.dataDir, 'secret.key');
}
