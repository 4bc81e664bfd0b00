import type { Config, StorageConfig } from './config/types.js';
import { loadRegistrationFile } from './clients/load-registration.js';
import { RegistrationFileError } from './clients/registration-error.js';
import { verifyPassword } from './identity/builtin/passwords.js';
import type { Storage } from './storage/types.js';

/** The demo account an earlier start created, as kept in `demo-credentials.json`. */
interface KnownDemoAccount {
  readonly username: string;
  readonly password: string;
  readonly clientId: string;
}

/**
 * Demo mode was refused: the data it would add a demo user to belongs to a real instance.
 * `message` says what was found and what to do, for the operator.
 */
export class DemoRefusedError extends Error {
  /** One line per finding, e.g. `2 users other than the demo user in /srv/data/sesame.db (alice, bob)`. */
  readonly found: readonly string[];

  constructor(found: readonly string[]) {
    super(
      [
        'not starting a demo instance: its data belongs to a real instance.',
        ...found.map((line) => `  found: ${line}`),
        'A demo adds a user "demo" whose password it prints, so it starts only on data with no',
        'other users or clients. To start this instance, give it its configuration:',
        'sesame serve --config <file> (or SESAME_CONFIG=<file>), or run sesame serve in the',
        'directory that holds its sesame.yaml. To serve this data without a demo, set',
        'demo: false (SESAME_DEMO=false).',
        'For a demo, start Sesame in an empty directory.',
      ].join('\n'),
    );
    this.name = 'DemoRefusedError';
    this.found = found;
  }
}

/**
 * Refuses demo mode unless storage holds no users other than the demo user and the configured
 * registration file (if any) no clients other than the demo client. The demo user is the
 * user named as in `known` whose password is still the printed one; with no `known` account
 * (no `demo-credentials.json` yet), every user is someone else's. Nothing is written.
 *
 * A registration file that cannot be read, or is larger than `limits.registrationFileBytes`,
 * or does not parse is not judged here: the registry refuses it when it opens.
 *
 * @throws DemoRefusedError listing what was found.
 */
export async function refuseDemoOnRealData(
  config: Pick<Config, 'storage' | 'registration' | 'issuer' | 'limits'>,
  storage: Pick<Storage, 'users'>,
  known: KnownDemoAccount | null,
): Promise<void> {
  const found: string[] = [];
  const users = await otherUsers(storage, known);
  if (users.length > 0) {
    found.push(
      `${count(users.length, 'user')} other than the demo user in ${describeStorage(config.storage)} (${sample(users)})`,
    );
  }
  if (config.registration !== null) {
    const clients = await otherClients(config.registration, config, known?.clientId ?? null);
    if (clients.length > 0) {
      found.push(`${count(clients.length, 'client')} in ${config.registration} (${sample(clients)})`);
    }
  }
  if (found.length > 0) throw new DemoRefusedError(found);
}

async function otherUsers(
  storage: Pick<Storage, 'users'>,
  known: KnownDemoAccount | null,
): Promise<string[]> {
  const others: string[] = [];
  for (const user of await storage.users.list()) {
    const isDemo =
      known !== null &&
      user.username.toLowerCase() === known.username.toLowerCase() &&
      (await verifyPassword(user.passwordHash, known.password));
    if (!isDemo) others.push(user.username);
  }
  return others;
}

async function otherClients(
  file: string,
  config: Pick<Config, 'issuer' | 'limits'>,
  demoClientId: string | null,
): Promise<string[]> {
  try {
    const { clients } = await loadRegistrationFile(file, {
      issuer: config.issuer,
      maxFileBytes: config.limits.registrationFileBytes,
    });
    return clients.map((client) => client.id).filter((id) => id !== demoClientId);
  } catch (error) {
    if (error instanceof RegistrationFileError) return [];
    throw error;
  }
}

function describeStorage(storage: StorageConfig): string {
  switch (storage.kind) {
    case 'sqlite':
      return storage.path;
    case 'postgres':
      return 'the PostgreSQL database';
    case 'memory':
      return 'memory storage';
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The first few names, enough to recognise whose data it is. */
function sample(names: readonly string[]): string {
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown}, …` : shown;
}
