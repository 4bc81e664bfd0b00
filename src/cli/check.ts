import { join } from 'node:path';
import pino from 'pino';
import { loadCommandConfig } from './load-config.js';
import { ConfigError } from '../config/errors.js';
import type { Config } from '../config/types.js';
import { RegistrationFileError } from '../clients/registry-file.js';
import { loadRegistrationFile } from '../clients/load-registration.js';
import { summarizeRegistry } from '../clients/registry-digest.js';
import type { Client } from '../clients/types.js';
import { readInstanceSecret } from '../secrets.js';
import { openStorage } from '../storage/open.js';
import { loadConfiguredKeys } from '../tokens/keys.js';
import { generatedKeyPlace } from '../tokens/shared-signing-key.js';
import { createLdapBackend } from '../identity/ldap/index.js';
import { ArgsError, parseArgs } from './args.js';
import {
  checkInstanceUrls,
  compareRegistries,
  compareTimeoutMs,
  loadInstanceRegistries,
} from './check-compare.js';
import type { CliIo } from './io.js';

const USAGE = `Usage:
  sesame check [--config sesame.yaml] [--compare URL [URL...]]

Checks what 'sesame serve' would use, without starting it: the configuration, the client
registration file, the storage (migrations included), the signing keys, and — for LDAP —
that the directory answers a search with the service account. Exit code 0 when all is well.

--compare asks each running instance (URL: its base URL, as its issuer) for the digest of
the clients it loaded (/health-check, ${compareTimeoutMs / 1000} s at most each) and compares it with the
digest of this configuration's registration file: exit code 1 when any instance loaded other
clients or cannot be asked.
`;

/** One part's result; `details` (e.g. warnings with their lines) are printed under it. */
interface Outcome {
  readonly ok: boolean;
  readonly text: string;
  readonly details?: readonly string[];
}

/** The outcome of the registration file, with its clients when they loaded. */
interface RegistrationOutcome extends Outcome {
  readonly clients: readonly Client[] | null;
}

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
  const registration = await checkRegistration(config);
  report(io, registration);
  let healthy = registration.ok;
  for (const check of [checkStorage, checkKeys, checkIdentity]) {
    const outcome = await check(config);
    report(io, outcome);
    healthy &&= outcome.ok;
  }
  if (compare.length > 0) {
    const agreed = await compareInstances(io, config, registration.clients, compare);
    healthy &&= agreed;
  }
  return healthy ? 0 : 1;
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

function report(io: CliIo, outcome: Outcome): void {
  io.stdout.write(`${outcome.ok ? '✓' : '✗'} ${outcome.text}\n`);
  for (const detail of outcome.details ?? []) io.stdout.write(`    ${detail}\n`);
}

async function checkRegistration(config: Config): Promise<RegistrationOutcome> {
  if (config.registration === null) {
    return { ok: true, text: 'clients: no registration file configured', clients: [] };
  }
  try {
    const parsed = await loadRegistrationFile(config.registration, {
      issuer: config.issuer,
      maxFileBytes: config.limits.registrationFileBytes,
    });
    return {
      ok: true,
      text: `clients: ${parsed.clients.length} registered from ${config.registration}`,
      details: parsed.warnings.map((warning) => `warning: ${warning}`),
      clients: parsed.clients,
    };
  } catch (error) {
    const messages = error instanceof RegistrationFileError ? error.messages.join('; ') : String(error);
    return { ok: false, text: `clients: ${messages}`, clients: null };
  }
}

async function checkStorage(config: Config): Promise<Outcome> {
  try {
    const storage = await openStorage(config.storage);
    try {
      const users = await storage.users.list();
      return { ok: true, text: `storage: ${config.storage.kind}, ${users.length} built-in user(s)` };
    } finally {
      await storage.close();
    }
  } catch (error) {
    return { ok: false, text: `storage: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function checkKeys(config: Config): Promise<Outcome> {
  if (config.signing.keys.length === 0) {
    const place =
      generatedKeyPlace(config) === 'storage'
        ? 'storage, sealed with the instance secret'
        : join(config.dataDir, 'keys');
    return { ok: true, text: `signing: ${config.signing.alg} with a generated key kept in ${place}` };
  }
  try {
    const keys = await loadConfiguredKeys(config, pino({ enabled: false }));
    const kids = keys.signing.map((k) => k.kid).join(', ');
    return {
      ok: true,
      text: `signing: ${config.signing.alg}, key id(s) ${kids}; ${keys.validation.length} validation key(s)`,
    };
  } catch (error) {
    return { ok: false, text: `signing: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function checkIdentity(config: Config): Promise<Outcome> {
  if (config.identity.kind === 'builtin') return { ok: true, text: 'identity: built-in users' };
  const ldap = config.identity.ldap;
  const backend = createLdapBackend(ldap, pino({ enabled: false }));
  try {
    // A search for a name no one has: exercises the connection, the service bind and the base.
    await backend.findByUsername('sesame-check-no-such-user');
    return { ok: true, text: `identity: LDAP ${ldap.uri} answers searches under ${ldap.baseDn}` };
  } catch (error) {
    return {
      ok: false,
      text: `identity: LDAP ${ldap.uri}: ${error instanceof Error ? error.message : String(error)}`,
    };
  } finally {
    await backend.close();
  }
}

/** Where the instance secret is read from, for messages. */
function secretPathOf(config: Config): string {
  return config.instanceSecret?.kind === 'file'
    ? config.instanceSecret.path
    : join(config.dataDir, 'secret.key');
}
