import type { PasswordHashing } from './types.js';

/**
 * The argon2id settings of OWASP's Password Storage Cheat Sheet, each with one lane: pairs of
 * memory (KiB) and iterations that OWASP considers equally strong.
 */
export const OWASP_ARGON2ID: readonly { readonly memoryKib: number; readonly iterations: number }[] = [
  { memoryKib: 47104, iterations: 1 },
  { memoryKib: 19456, iterations: 2 },
  { memoryKib: 12288, iterations: 3 },
  { memoryKib: 9216, iterations: 4 },
  { memoryKib: 7168, iterations: 5 },
];

/** True when `hashing` takes at least the memory and the iterations of one of OWASP's settings. */
export function meetsOwasp(hashing: PasswordHashing): boolean {
  return OWASP_ARGON2ID.some(
    (pair) => hashing.memoryKib >= pair.memoryKib && hashing.iterations >= pair.iterations,
  );
}

/**
 * The start-up warning for a setting that meets none of OWASP's (allowed, for tests and
 * benchmarks, but a relaxation): names the keys and their values. Null when it meets one.
 */
export function weakPasswordHashingWarning(hashing: PasswordHashing): string | null {
  if (meetsOwasp(hashing)) return null;
  const pairs = OWASP_ARGON2ID.map((pair) => `m=${pair.memoryKib} t=${pair.iterations}`).join(', ');
  return (
    `passwords.memory_kib ${hashing.memoryKib} with passwords.iterations ${hashing.iterations} meets none of ` +
    `OWASP's argon2id settings (${pairs}): new password hashes are cheaper to guess offline than ` +
    'OWASP recommends; use such a setting for tests and benchmarks only'
  );
}
