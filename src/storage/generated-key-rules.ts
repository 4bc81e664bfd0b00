import type { GeneratedKeyRecord } from './generated-key-store.js';

/**
 * The misuse every engine's `generatedKeys` refuses alike (see `generated-key-store.ts`):
 * `insertIfAbsent` stores the first key of a ring only. A TypeError (STYLE.md: programmer misuse),
 * never a `StorageError`: no storage failed.
 */
export function checkFirstKey(key: GeneratedKeyRecord): void {
  if (key.seq !== 1) {
    throw new TypeError(
      `insertIfAbsent stores the first key of a ring, at seq 1; ${key.alg} key has seq ${key.seq}`,
    );
  }
}
