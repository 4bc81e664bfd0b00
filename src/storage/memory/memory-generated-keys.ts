import type { GeneratedKeyRecord, GeneratedKeyStore } from '../types.js';

/**
 * `GeneratedKeyStore` in process memory: `insertIfAbsent` checks and writes with no `await` in
 * between, so it is atomic within the process; records are copied in and out.
 */
export function createMemoryGeneratedKeyStore(): GeneratedKeyStore {
  const keys = new Map<string, GeneratedKeyRecord>();
  return {
    async get(alg) {
      const key = keys.get(alg);
      return key === undefined ? null : { ...key };
    },
    async insertIfAbsent(key) {
      const stored = keys.get(key.alg) ?? { ...key };
      keys.set(key.alg, stored);
      return { ...stored };
    },
  };
}
