import { join } from 'node:path';
import pino from 'pino';
import { RegistrationFileError } from '../clients/registry-file.js';
import { loadRegistrationFile } from '../clients/load-registration.js';
import type { Client } from '../clients/types.js';
import type { Config } from '../config/types.js';
import { createLdapBackend } from '../identity/ldap/index.js';
import { openStorage } from '../storage/open.js';
import { loadConfiguredKeys } from '../tokens/keys.js';
import { generatedKeyPlace } from '../tokens/shared-signing-key.js';
import type { CliIo } from './io.js';

// The dry run behind `sesame check` and `konnectd check`: what `serve` would use, each part
// tried without starting a server, one line per part.

/** One part's result; `details` (e.g. warnings with their lines) are printed under it. */
export interface Outcome {
  readonly ok: boolean;
  readonly text: string;
  readonly details?: readonly string[];
}

/** The outcome of the registration file, with its clients when they loaded. */
export interface RegistrationOutcome extends Outcome {
  readonly clients: readonly Client[] | null;
}

/** Prints one outcome: ✓ or ✗ and its text, then its details indented. */
export function report(io: CliIo, outcome: Outcome): void {
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
    // A skipped entry is an app that cannot sign in: the server starts without it, but the
    // check fails so that a deployment script stops here.
    const skipped = new Set(parsed.skipped);
    return {
      ok: skipped.size === 0,
      text:
        `clients: ${parsed.clients.length} registered from ${config.registration}` +
        (skipped.size === 0 ? '' : `, ${skipped.size} skipped`),
      details: [
        ...parsed.skipped.map((message) => `error: ${message}`),
        ...parsed.warnings.filter((w) => !skipped.has(w)).map((warning) => `warning: ${warning}`),
      ],
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
    // The probe `serve` waits for (service bind, and a base that exists), then a search for a
    // name no one has: the user filter and attributes are accepted too.
    await backend.probe();
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

/**
 * Checks the registration file, storage, the signing keys and the identity backend of
 * `config`, printing one outcome each. `healthy` is false when any part failed; `clients` are
 * the registration file's when it loaded.
 */
export async function runPreflight(
  config: Config,
  io: CliIo,
): Promise<{ readonly healthy: boolean; readonly clients: readonly Client[] | null }> {
  const registration = await checkRegistration(config);
  report(io, registration);
  let healthy = registration.ok;
  for (const check of [checkStorage, checkKeys, checkIdentity]) {
    const outcome = await check(config);
    report(io, outcome);
    healthy &&= outcome.ok;
  }
  return { healthy, clients: registration.clients };
}
