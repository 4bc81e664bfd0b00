import { loadCommandConfig } from './load-config.js';
import type { Config } from '../config/types.js';
import { accountKeysOf, describeThrottleKey, type DescribedKey } from '../endpoints/signin/throttle-keys.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { openStorage } from '../storage/open.js';
import { StorageError, type Storage, type ThrottleKeyFailures } from '../storage/types.js';
import { ArgsError, parseArgs } from './args.js';
import { textTable } from './text-table.js';
import type { CliIo } from './io.js';
import { reportCommonError } from './command-errors.js';

const USAGE = `Usage:
  sesame throttle list [--json] [--config FILE]
      every account, address, and account from an address with failed sign-ins in the
      window (throttle.window), with how many, the last one, and whether it is held back
  sesame throttle clear [<username>] [--config FILE]
      forget the failed sign-ins of one account, from every address; with no username,
      of every account and address

The throttle (docs/security.md): beyond throttle.max_failures_per_account_address an
account is locked from that address; beyond throttle.max_failures_per_account its
attempts are slowed down to one per throttle.account_interval (except from a browser
that signed in as the account before); beyond
throttle.max_failures_per_address the address is locked. Locks end by themselves
when failures leave the window.
`;

/** A problem the user can fix; its message is printed as is and the command exits with 1. */
class ThrottleCommandError extends Error {
  override name = 'ThrottleCommandError';
}

/**
 * `sesame throttle list|clear`: shows and clears the sign-in throttle's counters in the
 * configured storage, as a running server sees them (they live in storage, so they outlast
 * restarts). Resolves to the exit code: 0 on success, 1 on any error (printed to stderr).
 */
export async function throttleCommand(
  argv: string[],
  io: CliIo,
  clock: Clock = systemClock,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'help' || sub === '--help' || rest.includes('--help')) {
    io.stdout.write(USAGE);
    return 0;
  }
  try {
    switch (sub) {
      case 'list':
        return await list(rest, io, clock);
      case 'clear':
        return await clear(rest, io, clock);
      case undefined:
        io.stderr.write(USAGE);
        return 1;
      default:
        throw new ThrottleCommandError(`unknown command "throttle ${sub}"\n\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof ThrottleCommandError || error instanceof ArgsError) {
      io.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    const code = reportCommonError(error, io);
    if (code !== null) return code;
    throw error;
  }
}

async function list(argv: string[], io: CliIo, clock: Clock): Promise<number> {
  const { options, positionals } = parseArgs(argv, { config: 'string', json: 'boolean' } as const);
  if (positionals.length > 0) throw new ThrottleCommandError(`unexpected argument "${positionals[0]}"`);
  return withStorage(options.config, io, async (storage, config) => {
    const { windowSeconds } = config.throttle;
    const rows = (await storage.throttle.list(clock.now(), windowSeconds * 1000)).map((entry) =>
      rowOf(entry, config.throttle),
    );
    if (options.json === true) {
      io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    } else if (rows.length === 0) {
      io.stdout.write(`No failed sign-ins in the last ${windowSeconds} s.\n`);
    } else {
      io.stdout.write(
        textTable(
          ['LIMIT', 'ACCOUNT', 'ADDRESS', 'FAILURES', 'LAST FAILURE', 'STATE'],
          rows.map((row) => [
            row.limit,
            row.account === null ? '-' : printable(row.account),
            row.address ?? '-',
            String(row.failures),
            row.lastFailure,
            row.state,
          ]),
        ),
      );
    }
  });
}

async function clear(argv: string[], io: CliIo, clock: Clock): Promise<number> {
  const { options, positionals } = parseArgs(argv, { config: 'string' } as const);
  if (positionals.length > 1) throw new ThrottleCommandError(`unexpected argument "${positionals[1]}"`);
  const username = positionals[0];
  if (username === '') throw new ThrottleCommandError('the username is empty');
  return withStorage(options.config, io, async (storage, config) => {
    if (username === undefined) {
      const cleared = await storage.throttle.clearPrefix('');
      io.stdout.write(`Cleared every sign-in failure (${plural(cleared, 'counter')}).\n`);
      return;
    }
    const keys = accountKeysOf(username);
    const fromAddresses = await storage.throttle.clearPrefix(keys.pairPrefix);
    // The account's own key is matched exactly: other accounts' keys may start with it.
    const ownCount = await storage.throttle.count(
      keys.account,
      clock.now(),
      config.throttle.windowSeconds * 1000,
    );
    await storage.throttle.clear(keys.account);
    const cleared = fromAddresses + (ownCount > 0 ? 1 : 0);
    io.stdout.write(
      cleared === 0
        ? `No sign-in failures of ${printable(username)} to clear.\n`
        : `Cleared the sign-in failures of ${printable(username)} (${plural(cleared, 'counter')}).\n`,
    );
  });
}

/** One line of `throttle list`, and its `--json` form. */
interface Row {
  readonly key: string;
  readonly limit: 'account+address' | 'account' | 'address' | 'unknown';
  readonly account: string | null;
  readonly address: string | null;
  readonly failures: number;
  readonly lastFailure: string;
  /** Whether the limit now holds sign-ins back: `locked`, `slowed down`, or `counting`. */
  readonly state: string;
}

function rowOf(entry: ThrottleKeyFailures, limits: Config['throttle']): Row {
  const described: DescribedKey = describeThrottleKey(entry.key);
  const base = { key: entry.key, failures: entry.count, lastFailure: new Date(entry.lastAt).toISOString() };
  const state = (max: number, held: string): string => (entry.count >= max ? held : 'counting');
  switch (described.kind) {
    case 'pair':
      return {
        ...base,
        limit: 'account+address',
        account: described.account,
        address: described.address,
        state: state(limits.maxFailuresPerAccountAddress, 'locked'),
      };
    case 'account':
      return {
        ...base,
        limit: 'account',
        account: described.account,
        address: null,
        state: state(limits.maxFailuresPerAccount, 'slowed down'),
      };
    case 'address':
      return {
        ...base,
        limit: 'address',
        account: null,
        address: described.address,
        state: state(limits.maxFailuresPerAddress, 'locked'),
      };
    case 'other':
      return { ...base, limit: 'unknown', account: null, address: null, state: '-' };
  }
}

/** Loads the configuration, opens its storage, runs `action`, and closes storage whatever happens. */
async function withStorage(
  file: string | undefined,
  io: CliIo,
  action: (storage: Storage, config: Config) => Promise<void>,
): Promise<number> {
  const { config, warnings } = loadCommandConfig(file, io);
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
  let storage: Storage;
  try {
    storage = await openStorage(config.storage);
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw new ThrottleCommandError(`cannot open ${config.storage.kind} storage: ${(error as Error).message}`);
  }
  try {
    await action(storage, config);
    return 0;
  } finally {
    await storage.close();
  }
}

/** A username as typed, quoted when it holds spaces or characters a terminal would act on. */
function printable(text: string): string {
  return /^[\p{L}\p{N}\p{P}\p{S}]+$/u.test(text) ? text : JSON.stringify(text);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
