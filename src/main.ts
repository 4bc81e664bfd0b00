import type { CliIo } from './cli/io.js';
import { runCommand } from './cli/process-io.js';
import { version } from './version.js';

export { version };

const usage = `usage: sesame <command>

  serve [--config sesame.yaml]     run the provider (default: ./sesame.yaml when present; with no
                                   configuration at all, a development instance with a demo user and client)
  check [--config sesame.yaml]     check the configuration, clients file, storage, keys and directory
  migrate [--config sesame.yaml]   bring the storage's schema up to date (serve also does, at start)
  backup <file> [--config …]       copy the SQLite database while the server runs (see: sesame backup --help)
  keys list|rotate|retire          rotate the generated signing keys with no downtime (see: sesame keys --help)
  config defaults                  print every configuration key with its default and description
  user add|passwd|list|remove|revoke   manage built-in users (see: sesame user --help)
  throttle list|clear [<username>]     show or clear the sign-in throttle (see: sesame throttle --help)
  client add|list|show|remove      connect an app in one command: nextcloud, rocketchat, gitlab, grafana, …
                                   (see: sesame client --help)
  clients reload --force           make the running server apply its registration file (see: sesame clients --help)
  ldap whois <username>            print the sub Sesame (and Konnect) issue for an LDAP user
  version                          print the version
`;

/**
 * The `sesame` command line; returns the exit code. Each command's module is imported when that
 * command runs, so `serve` starts without the others' dependencies (issue 11).
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return (await import('./cli/serve.js')).serveCommand(rest, io);
    case 'config':
      if (rest[0] === 'defaults' && rest.length === 1) {
        io.stdout.write((await import('./config/defaults.js')).formatDefaults());
        return 0;
      }
      io.stderr.write('usage: sesame config defaults\n');
      return 2;
    case 'user':
      return (await import('./cli/user.js')).userCommand(rest, io);
    case 'throttle':
      return (await import('./cli/throttle.js')).throttleCommand(rest, io);
    case 'client':
      return (await import('./cli/client.js')).clientCommand(rest, io);
    case 'clients':
      return (await import('./cli/clients.js')).clientsCommand(rest, io);
    case 'ldap':
      return (await import('./cli/ldap.js')).ldapCommand(rest, io);
    case 'check':
      return (await import('./cli/check.js')).checkCommand(rest, io);
    case 'migrate':
      return (await import('./cli/migrate.js')).migrateCommand(rest, io);
    case 'backup':
      return (await import('./cli/backup.js')).backupCommand(rest, io);
    case 'keys':
      return (await import('./cli/keys.js')).keysCommand(rest, io);
    case 'version':
    case '--version':
      io.stdout.write(`sesame ${version()}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(usage);
      return command === undefined ? 2 : 0;
    default:
      io.stderr.write(`sesame: unknown command ${command}\n\n${usage}`);
      return 2;
  }
}

/** Runs `main` for the real process. */
export async function run(argv: string[]): Promise<void> {
  await runCommand('sesame', (io) => main(argv, io));
}
