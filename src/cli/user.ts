import { loadCommandConfig } from './load-config.js';
import type { Config } from '../config/types.js';
import { hashPassword } from '../identity/builtin/passwords.js';
import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  passwordTooLong,
  passwordTooShort,
} from '../identity/password-length.js';
import { withdrawConsent } from '../oauth/withdraw-consent.js';
import { systemClock } from '../lib/clock.js';
import { randomId } from '../lib/ids.js';
import { openStorage } from '../storage/open.js';
import { StorageError, type Storage, type UserRecord } from '../storage/types.js';
import { ArgsError, parseArgs } from './args.js';
import { textTable } from './text-table.js';
import type { CliIo } from './io.js';
import { reportCommonError } from './command-errors.js';
import { CONTACT_OPTIONS, CONTACT_USAGE, readContactOptions } from './user-contact.js';

const USAGE = `Usage:
  sesame user add <username> --email E --name N [--given-name G] [--family-name F]
                  [--email-verified] [--phone P] [--address-… A] --password-stdin [--config FILE]
  sesame user update <username> [--phone P | --no-phone] [--address-… A | --no-address] [--config FILE]
      set or clear the phone number and postal address; the --address-… options given
      replace the whole stored address
  sesame user passwd <username> --password-stdin [--config FILE]
  sesame user list [--json] [--config FILE]
  sesame user remove <username> [--config FILE]
  sesame user revoke <username> <client_id> [--config FILE]
      forget the user's consent for the client and revoke its tokens

Passwords are read from the first line of standard input, never from the command line.

${CONTACT_USAGE}`;

/** Usernames: 1–64 ASCII letters, digits, `.`, `_`, `@` or `-`. */
const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;
/** Standard input read before giving up on finding a line end: bounded, and past any password. */
const MAX_STDIN_READ = 4 * MAX_PASSWORD_LENGTH;

/** A problem the user can fix; its message is printed as is and the command exits with 1. */
class UserCommandError extends Error {
  override name = 'UserCommandError';
}

/**
 * `sesame user add|update|passwd|list|remove|revoke`: manages the built-in users in the configured storage.
 * Resolves to the process exit code: 0 on success, 1 on any error (already printed to stderr).
 * Storage is always closed before returning.
 */
export async function userCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (rest.includes('--help')) {
    io.stdout.write(USAGE);
    return 0;
  }
  try {
    switch (sub) {
      case 'add':
        return await addUser(rest, io);
      case 'update':
        return await updateUser(rest, io);
      case 'passwd':
        return await changePassword(rest, io);
      case 'list':
        return await listUsers(rest, io);
      case 'remove':
        return await removeUser(rest, io);
      case 'revoke':
        return await revokeClient(rest, io);
      case undefined:
        io.stderr.write(USAGE);
        return 1;
      case 'help':
      case '--help':
        io.stdout.write(USAGE);
        return 0;
      default:
        throw new UserCommandError(`unknown command "user ${sub}"\n\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof UserCommandError || error instanceof ArgsError) {
      io.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    const code = reportCommonError(error, io);
    if (code !== null) return code;
    throw error;
  }
}

const CONFIG = { config: 'string' } as const;

async function addUser(argv: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parse(argv, {
    ...CONFIG,
    email: 'string',
    name: 'string',
    'given-name': 'string',
    'family-name': 'string',
    'email-verified': 'boolean',
    'password-stdin': 'boolean',
    ...CONTACT_OPTIONS,
  });
  const username = checkUsername(onePositional(positionals));
  const email = required(options.email, 'email');
  if (!/^[^\s@]+@[^\s@]+$/.test(email))
    throw new UserCommandError(`--email "${email}" is not an email address`);
  const name = required(options.name, 'name');
  const contact = readContactOptions(options);
  requirePasswordStdin(options['password-stdin']);
  const password = await readPassword(io.stdin);
  return withStorage(options.config, io, async (storage, config) => {
    if ((await storage.users.getByUsername(username)) !== null) throw userExists(username);
    const passwordHash = await hashPassword(password, config.passwords);
    const now = systemClock.now();
    const user: UserRecord = {
      id: randomId(),
      username,
      email,
      emailVerified: options['email-verified'] === true,
      name,
      givenName: options['given-name'] ?? null,
      familyName: options['family-name'] ?? null,
      passwordHash,
      createdAt: now,
      updatedAt: now,
      phoneNumber: contact.phoneNumber ?? null,
      address: contact.address ?? null,
    };
    try {
      await storage.users.create(user);
    } catch (error) {
      if (error instanceof StorageError && error.kind === 'conflict') throw userExists(username);
      throw error;
    }
    io.stdout.write(`Added user ${username} (id ${user.id}).\n`);
  });
}

/** Sets or clears the claims of scopes `phone` and `address` (OpenID Connect Core §5.1). */
async function updateUser(argv: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parse(argv, {
    ...CONFIG,
    ...CONTACT_OPTIONS,
    'no-phone': 'boolean',
    'no-address': 'boolean',
  });
  const username = onePositional(positionals);
  const contact = readContactOptions(options);
  if (options['no-phone'] === true && contact.phoneNumber !== undefined)
    throw new UserCommandError('--phone and --no-phone contradict each other');
  if (options['no-address'] === true && contact.address !== undefined)
    throw new UserCommandError('--address-… and --no-address contradict each other');
  // Undefined leaves a field as it is (UserStore.update), null clears it.
  const changes = {
    phoneNumber: options['no-phone'] === true ? null : contact.phoneNumber,
    address: options['no-address'] === true ? null : contact.address,
  };
  if (changes.phoneNumber === undefined && changes.address === undefined)
    throw new UserCommandError(
      `nothing to change: give --phone, --address-…, --no-phone or --no-address\n\n${USAGE}`,
    );
  return withStorage(options.config, io, async (storage) => {
    const user = await findUser(storage, username);
    if (!(await storage.users.update(user.id, changes, systemClock.now()))) throw noSuchUser(username);
    io.stdout.write(`Updated ${user.username}.\n`);
  });
}

async function changePassword(argv: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parse(argv, { ...CONFIG, 'password-stdin': 'boolean' });
  const username = onePositional(positionals);
  requirePasswordStdin(options['password-stdin']);
  const password = await readPassword(io.stdin);
  return withStorage(options.config, io, async (storage, config) => {
    const user = await findUser(storage, username);
    const passwordHash = await hashPassword(password, config.passwords);
    if (!(await storage.users.update(user.id, { passwordHash }, systemClock.now())))
      throw noSuchUser(username);
    io.stdout.write(`Changed the password of ${user.username}.\n`);
  });
}

async function listUsers(argv: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parse(argv, { ...CONFIG, json: 'boolean' });
  if (positionals.length > 0) throw new UserCommandError(`unexpected argument "${positionals[0]}"`);
  return withStorage(options.config, io, async (storage) => {
    const users = await storage.users.list();
    if (options.json === true) {
      io.stdout.write(`${JSON.stringify(users.map(publicView), null, 2)}\n`);
    } else if (users.length === 0) {
      io.stdout.write('No users.\n');
    } else {
      const rows = users.map((u) => [u.username, u.name ?? '', u.email ?? '']);
      io.stdout.write(textTable(['USERNAME', 'NAME', 'EMAIL'], rows));
    }
  });
}

async function removeUser(argv: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parse(argv, CONFIG);
  const username = onePositional(positionals);
  return withStorage(options.config, io, async (storage) => {
    const user = await findUser(storage, username);
    if (!(await storage.users.remove(user.id))) throw noSuchUser(username);
    io.stdout.write(`Removed user ${user.username}.\n`);
  });
}

/** Parses the options, refusing a password on the command line with a pointer to stdin. */
/** Withdraws consent: the consent page shows again, and every grant (and token) for the client ends. */
async function revokeClient(argv: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parse(argv, CONFIG);
  const [username, clientId] = positionals;
  if (positionals.length !== 2 || !username || !clientId)
    throw new UserCommandError(`expected <username> <client_id>\n\n${USAGE}`);
  return withStorage(options.config, io, async (storage) => {
    const user = await findUser(storage, username);
    await withdrawConsent(storage, user.id, clientId, systemClock.now());
    io.stdout.write(`Revoked ${clientId} for ${user.username}: consent forgotten, tokens revoked.\n`);
  });
}

function parse<const S extends Readonly<Record<string, 'string' | 'boolean'>>>(argv: string[], spec: S) {
  const passwordArg = argv.find((arg) => arg === '--password' || arg.startsWith('--password='));
  if (passwordArg !== undefined) {
    throw new UserCommandError(
      'passwords are not accepted on the command line (they end up in shell history and process lists); ' +
        'pipe the password in and use --password-stdin',
    );
  }
  return parseArgs(argv, spec);
}

/** Loads the configuration, opens its storage, runs `action`, and closes storage whatever happens. */
async function withStorage(
  file: string | undefined,
  io: CliIo,
  action: (storage: Storage, config: Config) => Promise<void>,
): Promise<number> {
  const config: Config = load(file, io);
  const storage = await open(config);
  try {
    await action(storage, config);
    return 0;
  } finally {
    await storage.close();
  }
}

async function open(config: Config): Promise<Storage> {
  try {
    return await openStorage(config.storage);
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw new UserCommandError(`cannot open ${config.storage.kind} storage: ${(error as Error).message}`);
  }
}

function load(file: string | undefined, io: CliIo): Config {
  const { config, warnings } = loadCommandConfig(file, io);
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
  return config;
}

async function findUser(storage: Storage, username: string): Promise<UserRecord> {
  const user = await storage.users.getByUsername(username);
  if (user === null) throw noSuchUser(username);
  return user;
}

/**
 * Reads the first line of `stdin`, without its line ending. Refuses an empty or short
 * password; reads no further than the first newline.
 */
async function readPassword(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes('\n') || text.length > MAX_STDIN_READ) break;
  }
  const newline = text.indexOf('\n');
  const password = (newline === -1 ? text : text.slice(0, newline)).replace(/\r$/, '');
  if (password.length === 0)
    throw new UserCommandError('no password on standard input (--password-stdin reads its first line)');
  if (passwordTooLong(password)) {
    throw new UserCommandError(
      `the password is longer than ${MAX_PASSWORD_LENGTH} characters, which sign-in accepts; choose a shorter one`,
    );
  }
  if (passwordTooShort(password)) {
    throw new UserCommandError(`the password must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  }
  return password;
}

function onePositional(positionals: readonly string[]): string {
  if (positionals.length === 0) throw new UserCommandError('missing <username>');
  if (positionals.length > 1) throw new UserCommandError(`unexpected argument "${positionals[1]}"`);
  return positionals[0] as string;
}

function checkUsername(username: string): string {
  if (!USERNAME.test(username)) {
    throw new UserCommandError(
      `invalid username "${username}": use 1 to 64 letters, digits, ".", "_", "@" or "-"`,
    );
  }
  return username;
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value.trim() === '') throw new UserCommandError(`missing option --${name}`);
  return value;
}

function requirePasswordStdin(given: boolean | undefined): void {
  if (given !== true) {
    throw new UserCommandError('missing option --password-stdin: pipe the password in on standard input');
  }
}

const userExists = (username: string) => new UserCommandError(`user "${username}" already exists`);
const noSuchUser = (username: string) => new UserCommandError(`no such user "${username}"`);

/** What `list --json` shows: every field except the password hash. */
function publicView(user: UserRecord) {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    givenName: user.givenName,
    familyName: user.familyName,
    email: user.email,
    emailVerified: user.emailVerified,
    phoneNumber: user.phoneNumber ?? null,
    address: user.address ?? null,
    createdAt: new Date(user.createdAt).toISOString(),
    updatedAt: new Date(user.updatedAt).toISOString(),
  };
}
