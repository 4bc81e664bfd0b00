import { resolve } from 'node:path';
import { loadCommandConfig } from './load-config.js';
import type { Config } from '../config/types.js';
import { loadRegistrationFile } from '../clients/load-registration.js';
import { RegistrationFileError } from '../clients/registration-error.js';
import { ArgsError, parseArgs } from './args.js';
import type { CliIo } from './io.js';
import { reportCommonError } from './command-errors.js';
import { NoServerError, pidFilePath, readServerPid } from './pid-file.js';

const USAGE = `Usage:
  sesame clients reload --force [--config sesame.yaml]
  sesame clients reload --force --data-dir <dir>
      make the running server apply its client registration file now, even when the file
      removes most of its clients

A change to the registration file is applied by itself — unless it would leave no
clients, or remove more than half of them (and at least 3) at once: the server then keeps
its clients and logs an error, because that is what an emptied or truncated file looks
like. This command confirms such a file.

With the configuration (--config, else SESAME_CONFIG, else ./sesame.yaml), it first reads
the file as the server would (it must parse, and be within limits.registration_file_bytes),
then sends the server SIGHUP, which applies whatever parses.

With --data-dir — for a server that has no sesame.yaml, such as konnectd (its --data-dir,
or data_dir in konnectd.cfg; by default /var/lib/sesame when that is writable, else ./data
where it started) — it only signals the server on that data directory, which then reads,
checks and applies the file itself, or keeps its clients and logs why.

How it reaches the server: a running server (sesame serve or konnectd serve) records its
process id in <data_dir>/sesame.pid and its start time in <data_dir>/sesame.pid.start
(mode 0600, removed when it stops); this command reads them and signals the process, as
\`kill -HUP $(cat <data_dir>/sesame.pid)\` would, after checking that the process exists
and started when the server that wrote the file did — so a stale file whose pid now
belongs to another program is never signalled. On a system without /proc, where start
times cannot be read, the process is signalled only if its command line (as ps shows it)
runs sesame or konnectd, and the command says so. Run it as the user the server runs as.
The server's log shows the outcome.
`;

/** A problem the user can fix; its message is printed as is and the command exits with 1. */
class ClientsCommandError extends Error {
  override name = 'ClientsCommandError';
}

/**
 * `sesame clients reload --force`: makes the running server apply its registration file now,
 * suspect or not. Resolves to the exit code: 0 once the server is signalled, 1 when the file
 * cannot be applied or no server runs, 2 on a usage error (all printed to stderr).
 */
export async function clientsCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === 'help' || sub === '--help' || rest.includes('--help')) {
    (sub === undefined ? io.stderr : io.stdout).write(USAGE);
    return sub === undefined ? 2 : 0;
  }
  try {
    if (sub !== 'reload') throw new ArgsError(`unknown command "clients ${sub}"`);
    return await reload(rest, io);
  } catch (error) {
    if (error instanceof ArgsError) {
      io.stderr.write(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof ClientsCommandError || error instanceof NoServerError) {
      io.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    if (reportCommonError(error, io) !== null) return 1;
    throw error;
  }
}

async function reload(argv: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parseArgs(argv, {
    config: 'string',
    'data-dir': 'string',
    force: 'boolean',
  } as const);
  if (positionals.length > 0) throw new ArgsError(`unexpected argument "${positionals[0]}"`);
  if (options.force !== true) {
    throw new ArgsError(
      'reload applies the file even when it removes most clients; add --force to confirm that',
    );
  }
  if (options.config !== undefined && options['data-dir'] !== undefined) {
    throw new ArgsError('give --config or --data-dir, not both');
  }
  if (options['data-dir'] !== undefined) {
    const dataDir = resolve(io.cwd, options['data-dir']);
    const pid = await signalServer(dataDir, io);
    io.stdout.write(
      `Sent SIGHUP to the Sesame server on ${dataDir} (pid ${pid}): it applies its registration file now if the file parses; its log confirms it.\n`,
    );
    return 0;
  }
  const config = load(options.config, io);
  const file = config.registration;
  if (file === null) {
    throw new ClientsCommandError('the configuration names no registration file (registration:)');
  }
  let clients: number;
  try {
    const parsed = await loadRegistrationFile(file, {
      issuer: config.issuer,
      maxFileBytes: config.limits.registrationFileBytes,
    });
    clients = parsed.clients.length;
    for (const warning of parsed.warnings) io.stderr.write(`warning: ${warning}\n`);
  } catch (error) {
    if (!(error instanceof RegistrationFileError)) throw error;
    throw new ClientsCommandError(
      `the server would refuse ${file}; not signalling it:\n${error.messages.map((m) => `  ${m}`).join('\n')}`,
    );
  }
  const pid = await signalServer(config.dataDir, io);
  io.stdout.write(
    `Sent SIGHUP to the Sesame server (pid ${pid}): it applies ${file} with ${clients} client(s) now; its log confirms it.\n`,
  );
  return 0;
}

/** Sends SIGHUP to the server that `<dataDir>/sesame.pid` names, once it is checked to be that server. */
async function signalServer(dataDir: string, io: CliIo): Promise<number> {
  const { pid, recognisedBy } = await readServerPid(dataDir);
  if (recognisedBy === 'command line') {
    io.stderr.write(
      `warning: this system has no /proc, so process ${pid} was recognised by its command line alone, not by its start time\n`,
    );
  }
  try {
    process.kill(pid, 'SIGHUP');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ClientsCommandError(`cannot signal process ${pid} named by ${pidFilePath(dataDir)} (${code})`);
  }
  return pid;
}

/** The configuration `sesame serve` would load from the same directory and arguments. */
function load(file: string | undefined, io: CliIo): Config {
  const { config, warnings } = loadCommandConfig(file, io);
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
  return config;
}
