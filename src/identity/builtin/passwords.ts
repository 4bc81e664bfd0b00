import type { Options } from '@node-rs/argon2';
import { availableParallelism } from 'node:os';
import { ConcurrencyLimit } from '../../lib/concurrency-limit.js';
import { MAX_PASSWORD_LENGTH, passwordTooLong } from '../password-length.js';

/**
 * argon2id with the OWASP Password Storage Cheat Sheet parameters (m=19 MiB, t=2, p=1).
 * Verification reads the parameters from the stored PHC string, so raising these later only
 * affects new hashes.
 */
const ARGON2ID_OPTIONS: Options = {
  // `Algorithm.Argon2id`: the package declares an ambient const enum, which
  // verbatimModuleSyntax cannot read, so its value is written out (the tests check the prefix).
  algorithm: 2,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};

/**
 * How many argon2id computations run at once: one fewer than the cores this process may use
 * (`availableParallelism` follows the CPU affinity), and at least one. Each takes 19 MiB and a
 * core for some milliseconds; run side by side on fewer cores, they slowed one another and the
 * event loop, and filled libuv's threadpool (four threads), which WebCrypto signing also
 * needs. Measured with `npm run bench` on one core, sixteen sign-ins at a time (issue 11): the
 * largest RSS under that load fell from 200 to 145 MiB, sign-ins per second stayed the same
 * within the noise. The others wait their turn, first come first served.
 */
const hashing = new ConcurrencyLimit(Math.max(1, availableParallelism() - 1));

/**
 * Hashes a password with argon2id; returns a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
 *
 * @throws TypeError when `password` is not a string or is longer than `MAX_PASSWORD_LENGTH`
 *   (callers refuse such a password first, with a message for the user).
 */
export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  if (passwordTooLong(password)) {
    throw new TypeError(`password must be at most ${MAX_PASSWORD_LENGTH} characters long`);
  }
  // Loaded on first use: a server starts without the binding until someone needs it (issue 11).
  const { hash } = await import('@node-rs/argon2');
  return hashing.run(() => hash(password, ARGON2ID_OPTIONS));
}

/**
 * Checks `password` against a PHC string made by `hashPassword`. Returns false for a wrong
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
