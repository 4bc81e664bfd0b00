import type { Options } from '@node-rs/argon2';
import { availableParallelism } from 'node:os';
import type { PasswordHashing } from '../../config/types.js';
import { ConcurrencyLimit } from '../../lib/concurrency-limit.js';
import { MAX_PASSWORD_LENGTH, passwordTooLong } from '../password-length.js';

/**
 * How many argon2id computations run at once: one fewer than the cores this process may use
 * (`availableParallelism` follows the CPU affinity), and at least one. Each takes
 * `passwords.memory_kib` (19 MiB by default) and a core for some milliseconds; run side by side
 * on fewer cores, they slowed one another and the event loop, and filled libuv's threadpool
 * (four threads), which WebCrypto signing also needs. Measured with `npm run bench` on one
 * core, sixteen sign-ins at a time (issue 11): the largest RSS under that load fell from 200 to
 * 145 MiB, sign-ins per second stayed the same within the noise. The others wait their turn,
 * first come first served.
 */
const hashing = new ConcurrencyLimit(Math.max(1, availableParallelism() - 1));

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
  return hashing.run(() => hash(password, argon2idOptions(parameters)));
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
    return await hashing.run(() => verify(passwordHash, password));
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
