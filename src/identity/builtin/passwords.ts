import type { Options } from '@node-rs/argon2';
import { availableParallelism } from 'node:os';
import type { PasswordHashing } from '../../config/types.js';
import { ConcurrencyLimit } from '../../lib/concurrency-limit.js';
import { MAX_PASSWORD_LENGTH, passwordTooLong } from '../password-length.js';

/**
 * How many argon2id computations run at once: one fewer than the cores this process may use
 * (`availableParallelism` follows the CPU affinity) and one fewer than libuv's threadpool
 * threads (4 unless `UV_THREADPOOL_SIZE` says otherwise), and at least one. Each takes
 * `passwords.memory_kib` (19 MiB by default) and a core for some milliseconds. Run side by side
 * on fewer cores, they slowed one another and the event loop, and they filled the threadpool,
 * which WebCrypto's RSA signing and verifying also need. The price: on two cores, sign-ins are
 * hashed on one core at a time, leaving the other to everything else. Measured with
 * `npm run bench` on one core, sixteen sign-ins at a time (issue 11): in a run of sign-ins
 * alone the largest RSS fell from 200 to 145 MiB, in the full run from 229 to 166 MiB, with
 * the same sign-ins per second within the noise. The others wait their turn, first come first
 * served. One limit for the process, not one per app, because the cores and the threadpool are
 * the process's.
 */
const argon2Slots = new ConcurrencyLimit(
  Math.max(1, Math.min(availableParallelism() - 1, threadpoolSize() - 1)),
);

/** libuv's threadpool size as libuv reads it: `UV_THREADPOOL_SIZE`, else 4 (at most 1024). */
function threadpoolSize(): number {
  const configured = Number.parseInt(process.env.UV_THREADPOOL_SIZE ?? '', 10);
  return Number.isInteger(configured) && configured > 0 ? Math.min(configured, 1024) : 4;
}

/**
 * Hashes a password with argon2id and `parameters` (the configured `passwords.*`); returns a PHC
 * string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
 *
 * @throws TypeError when `password` is not a string or is longer than `MAX_PASSWORD_LENGTH`
 *   (callers refuse such a password first, with a message for the user).
 */
export async function hashPassword(password: string, parameters: PasswordHashing): Promise<string> {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  if (passwordTooLong(password)) {
    throw new TypeError(`password must be at most ${MAX_PASSWORD_LENGTH} characters long`);
  }
  // Loaded on first use: a server starts without the binding until someone needs it (issue 11).
  const { hash } = await import('@node-rs/argon2');
  return argon2Slots.run(() => hash(password, argon2idOptions(parameters)));
}

/**
 * Checks `password` against a PHC string made by `hashPassword`, with the parameters the string
 * names (whatever `passwords.*` says now). Returns false for a wrong
 * password, for one longer than `MAX_PASSWORD_LENGTH` (none can have been set), and for a
 * malformed hash (a corrupt record must not let anyone in).
 */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (passwordTooLong(password)) return false;
  const { verify } = await import('@node-rs/argon2');
  try {
    return await argon2Slots.run(() => verify(passwordHash, password));
  } catch {
    return false;
  }
}

/**
 * The argon2id parameters a PHC string was made with; null for anything but argon2id version
 * 19 (0x13, RFC 9106 §3.1): another algorithm, another version, or no hash at all.
 */
export function hashParameters(passwordHash: string): PasswordHashing | null {
  const match = /^\$argon2id\$v=19\$m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,10})\$/.exec(passwordHash);
  if (match === null) return null;
  return { memoryKib: Number(match[1]), iterations: Number(match[2]), parallelism: Number(match[3]) };
}

/** True when `passwordHash` is argon2id version 19 made with exactly `parameters`. */
export function hashedWith(passwordHash: string, parameters: PasswordHashing): boolean {
  const stored = hashParameters(passwordHash);
  return (
    stored !== null &&
    stored.memoryKib === parameters.memoryKib &&
    stored.iterations === parameters.iterations &&
    stored.parallelism === parameters.parallelism
  );
}

/** `m=19456,t=2,p=1`: parameters as a PHC string writes them, for logs. */
export function formatParameters(parameters: PasswordHashing): string {
  return `m=${parameters.memoryKib},t=${parameters.iterations},p=${parameters.parallelism}`;
}

function argon2idOptions(parameters: PasswordHashing): Options {
  return {
    // `Algorithm.Argon2id`: the package declares an ambient const enum, which
    // verbatimModuleSyntax cannot read, so its value is written out (the tests check the prefix).
    algorithm: 2,
    memoryCost: parameters.memoryKib,
    timeCost: parameters.iterations,
    parallelism: parameters.parallelism,
  };
}
