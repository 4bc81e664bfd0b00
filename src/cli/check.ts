import { join } from 'node:path';
import pino from 'pino';
import { loadCommandConfig } from './load-config.js';
import { ConfigError } from '../config/errors.js';
import type { Config } from '../config/types.js';
import { RegistrationFileError } from '../clients/registry-file.js';
import { loadRegistrationFile } from '../clients/load-registration.js';
import { openStorage } from '../storage/open.js';
import { loadConfiguredKeys } from '../tokens/keys.js';
import { createLdapBackend } from '../identity/ldap/index.js';
import { ArgsError, parseArgs } from './args.js';
import type { CliIo } from './io.js';

const USAGE = `Usage:
  sesame check [--config sesame.yaml]

Checks what 'sesame serve' would use, without starting it: the configuration, the client
registration file, the storage (migrations included), the signing keys, and — for LDAP —
that the directory answers a search with the service account. Exit code 0 when all is well.
`;

/** One part's result; `details` (e.g. warnings with their lines) are printed under it. */
interface Outcome {
  readonly ok: boolean;
  readonly text: string;
  readonly details?: readonly string[];
}

/** `sesame check`: one line per part, ✓ or ✗, with the reason. */
export async function checkCommand(argv: string[], io: CliIo): Promise<number> {
  let file: string | undefined;
  try {
    const { options, positionals } = parseArgs(argv, { config: 'string', help: 'boolean' } as const);
    if (options.help === true) {
      io.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length > 0) throw new ArgsError(`unexpected argument ${positionals[0]}`);
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
  let healthy = true;
  for (const check of [checkRegistration, checkStorage, checkKeys, checkIdentity]) {
    const outcome = await check(config);
    report(io, outcome);
    healthy &&= outcome.ok;
  }
  return healthy ? 0 : 1;
}

function report(io: CliIo, outcome: Outcome): void {
  io.stdout.write(`${outcome.ok ? '✓' : '✗'} ${outcome.text}\n`);
  for (const detail of outcome.details ?? []) io.stdout.write(`    ${detail}\n`);
}

async function checkRegistration(config: Config): Promise<Outcome> {
  if (config.registration === null) return { ok: true, text: 'clients: no registration file configured' };
  try {
    const parsed = await loadRegistrationFile(config.registration, {
      issuer: config.issuer,
      maxFileBytes: config.limits.registrationFileBytes,
    });
    return {
      ok: true,
      text: `clients: ${parsed.clients.length} registered from ${config.registration}`,
      details: parsed.warnings.map((warning) => `warning: ${warning}`),
    };
  } catch (error) {
    const messages = error instanceof RegistrationFileError ? error.messages.join('; ') : String(error);
    return { ok: false, text: `clients: ${messages}` };
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
    return {
      ok: true,
      text: `signing: ${config.signing.alg} with a generated key kept in ${join(config.dataDir, 'keys')}`,
    };
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
