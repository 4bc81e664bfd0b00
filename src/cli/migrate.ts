import { openStorage } from '../storage/open.js';
import { migrations } from '../storage/sql/migrations/index.js';
import { describeStorage } from '../storage/describe.js';
import { ArgsError, parseArgs } from './args.js';
import type { CliIo } from './io.js';
import { reportCommonError } from './command-errors.js';
import { loadCommandConfig } from './load-config.js';

const USAGE = `Usage:
  sesame migrate [--config FILE]
      bring the configured storage's schema up to date and say which migrations it applied

\`sesame serve\` migrates at start too; this runs the migrations on their own, e.g. before
starting several instances on a new PostgreSQL database. Instances starting at the same time
wait for each other, so each migration is applied once.
`;

/**
 * `sesame migrate`: applies the migrations the configured storage lacks and prints them, or
 * that there were none. Resolves to the exit code: 0 on success, 1 on any error (printed to
 * stderr), 2 on a bad command line.
 */
export async function migrateCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv[0] === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  let file: string | undefined;
  try {
    const { options, positionals } = parseArgs(argv, { config: 'string' } as const);
    if (positionals.length > 0) throw new ArgsError(`unexpected argument "${positionals[0]}"`);
    file = options.config;
  } catch (error) {
    if (!(error instanceof ArgsError)) throw error;
    io.stderr.write(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  try {
    const { config, warnings } = loadCommandConfig(file, io);
    for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
    const where = describeStorage(config.storage);
    if (config.storage.kind === 'memory') {
      io.stdout.write('Memory storage keeps nothing between runs: there is nothing to migrate.\n');
      return 0;
    }
    let ran: readonly number[] = [];
    const storage = await openStorage(config.storage, { onMigrated: (ids) => (ran = ids) });
    await storage.close();
    io.stdout.write(report(where, ran));
    return 0;
  } catch (error) {
    const code = reportCommonError(error, io);
    if (code !== null) return code;
    throw error;
  }
}

function report(where: string, ran: readonly number[]): string {
  const latest = migrations.reduce((max, m) => Math.max(max, m.id), 0);
  if (ran.length === 0) return `${where} is up to date (migration ${latest}); nothing to apply.\n`;
  const names = new Map(migrations.map((m) => [m.id, m.name]));
  const lines = ran.map((id) => `  ${names.get(id) ?? String(id)}\n`);
  const count = ran.length === 1 ? '1 migration' : `${ran.length} migrations`;
  return `Applied ${count} to ${where}:\n${lines.join('')}It is now at migration ${latest}.\n`;
}
