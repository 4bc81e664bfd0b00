import { RefusedError } from '../config/konnect/to-config.js';
import { UsageError } from '../config/konnect/flags.js';
import { RegistrationEditError, removeClientEntries } from '../clients/registration-edit.js';
import { RegistrationFileError } from '../clients/registration-error.js';
import { suspectLoss } from '../clients/suspect-reload.js';
import { randomToken } from '../lib/ids.js';
import { ConcurrentChangeError } from '../lib/atomic-write.js';
import { ArgsError, parseArgs } from './args.js';
import { addClient } from './client-add.js';
import { clientJson, formatList, formatShow } from './client-output.js';
import {
  ClientCommandError,
  loadRegistration,
  loadTarget,
  TARGET_OPTIONS,
  writeRegistration,
} from './client-registration.js';
import type { CliIo } from './io.js';
import { reportCommonError } from './command-errors.js';
import { presets } from './presets/all.js';

const USAGE = `Usage:
  sesame client add <preset> --url <app URL> [--id ID] [--name NAME] [--provider-name NAME]
                    [--trusted | --consent] [--config sesame.yaml | --konnectd-config konnectd.cfg]
  sesame client add generic --redirect-uri URI [--redirect-uri URI …] [--id ID] [--name NAME] […]
      register an app in the registration file (registration: in sesame.yaml), with a new
      random secret, and print what to enter in the app's settings, field by field
  sesame client list [--json] [--config …]
      every client of the registration file: id, name, redirect URIs
  sesame client show <id> [--json] [--config …]
      one client's settings (never its secret)
  sesame client remove <id> [--config …]
      remove a client from the registration file; comments and other clients stay as they are

Presets: ${[...presets.keys()].join(', ')}

  --url             the address users open the app at, e.g. https://cloud.example.com
  --id              the client id (default: the preset's name; generic: the redirect URI's host)
  --name            the name users see on the consent and account pages
  --provider-name   the name the app gives Sesame (default: sesame) — Nextcloud's "Internal
                    name" (part of every user id: keep the one you have), Rocket.Chat's custom
                    OAuth name, Synapse's idp_id
  --trusted         skip the consent page (the default for every preset but generic)
  --consent         show the consent page (the default for generic)
  --konnectd-config use the registration file and issuer of a konnectd.cfg instead of sesame.yaml

The file is written as a whole new file renamed into place, with the old file's permissions;
a running server picks the change up by itself (it watches the file). Without --config, the
configuration is the one sesame serve would use (SESAME_CONFIG, else ./sesame.yaml).

Exit status: 0 done, 1 a problem to fix (printed), 2 a usage error.
`;

/** What the command takes from outside, so tests can fix the secret. */
export interface ClientCommandDeps {
  /** A new client secret: ≥ 32 bytes from the CSPRNG, base64url. */
  readonly newSecret: () => string;
}

const defaultDeps: ClientCommandDeps = { newSecret: () => randomToken(32) };

/**
 * `sesame client add|list|show|remove`: manages the clients of the registration file.
 * Resolves to the exit code: 0 done, 1 a problem the operator can fix, 2 a usage error (all
 * printed to stderr).
 */
export async function clientCommand(
  argv: string[],
  io: CliIo,
  deps: ClientCommandDeps = defaultDeps,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === 'help' || sub === '--help' || rest.includes('--help')) {
    (sub === undefined ? io.stderr : io.stdout).write(USAGE);
    return sub === undefined ? 2 : 0;
  }
  try {
    switch (sub) {
      case 'add':
        return await addClient(rest, io, deps.newSecret);
      case 'list':
        return await listClients(rest, io);
      case 'show':
        return await showClient(rest, io);
      case 'remove':
        return await removeClient(rest, io);
      default:
        throw new ArgsError(
          `unknown command "client ${sub}"${sub === 'reload' ? ' (did you mean sesame clients reload?)' : ''}`,
        );
    }
  } catch (error) {
    if (error instanceof ArgsError) {
      io.stderr.write(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (reportCommonError(error, io) !== null) return 1;
    if (error instanceof RegistrationFileError) {
      io.stderr.write(
        `error: fix the registration file first:\n${error.messages.map((m) => `  ${m}\n`).join('')}`,
      );
      return 1;
    }
    if (
      error instanceof ClientCommandError ||
      error instanceof RegistrationEditError ||
      error instanceof ConcurrentChangeError ||
      error instanceof UsageError ||
      error instanceof RefusedError
    ) {
      io.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && ['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'ENOENT'].includes(code)) {
      io.stderr.write(`error: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}

async function listClients(argv: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parseArgs(argv, { ...TARGET_OPTIONS, json: 'boolean' } as const);
  if (positionals.length > 0) throw new ArgsError(`unexpected argument "${positionals[0]}"`);
  const target = loadTarget(options, io);
  const { parsed } = await loadRegistration(target, io, { mustExist: true });
  io.stdout.write(
    options.json
      ? `${JSON.stringify(parsed.clients.map(clientJson), null, 2)}\n`
      : formatList(parsed.clients, target.file),
  );
  return 0;
}

async function showClient(argv: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parseArgs(argv, { ...TARGET_OPTIONS, json: 'boolean' } as const);
  const id = onlyId(positionals);
  const target = loadTarget(options, io);
  const { parsed } = await loadRegistration(target, io, { mustExist: true });
  const client = parsed.clients.find((c) => c.id === id);
  if (client === undefined) throw notFound(id, target.file, parsed.skipped);
  io.stdout.write(options.json ? `${JSON.stringify(clientJson(client), null, 2)}\n` : formatShow(client));
  return 0;
}

async function removeClient(argv: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parseArgs(argv, TARGET_OPTIONS);
  const id = onlyId(positionals);
  const target = loadTarget(options, io);
  const { text, parsed } = await loadRegistration(target, io, { mustExist: true });
  const edited = removeClientEntries(text ?? '', id);
  if (edited.removed === 0) throw notFound(id, target.file, []);
  const after = await writeRegistration(target, io, text, edited.text);
  const entries = edited.removed === 1 ? 'client' : `${edited.removed} entries of client`;
  io.stdout.write(`Removed ${entries} "${id}" from ${target.file}.\n`);
  const loss = suspectLoss(
    parsed.clients.map((c) => c.id),
    after.clients.map((c) => c.id),
  );
  if (loss === null) {
    io.stdout.write(
      'A running Sesame server drops it by itself within a second or two: it watches that file.\n',
    );
  } else {
    io.stdout.write(
      `This leaves ${loss.after} of ${loss.before} clients, which a running server takes for a damaged file:\n` +
        'it keeps serving its clients until you confirm with: sesame clients reload --force\n',
    );
  }
  return 0;
}

function onlyId(positionals: readonly string[]): string {
  const [id, extra] = positionals;
  if (id === undefined) throw new ArgsError('which client? give its id');
  if (extra !== undefined) throw new ArgsError(`unexpected argument "${extra}"`);
  return id;
}

function notFound(id: string, file: string, skipped: readonly string[]): ClientCommandError {
  const why = skipped.find((message) => message.includes(`client "${id}"`));
  return new ClientCommandError(
    why === undefined
      ? `there is no client "${id}" in ${file} (sesame client list shows them)`
      : `client "${id}" is in ${file} but the server skips it: ${why}`,
  );
}
