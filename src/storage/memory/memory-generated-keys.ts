import { checkFirstKey } from '../generated-key-rules.js';
import { StorageError, type GeneratedKeyRecord, type GeneratedKeyStore } from '../types.js';

/**
 * `GeneratedKeyStore` in process memory: a ring per algorithm, in `seq` order. Every method
 * checks and writes with no `await` in between, so each is atomic within the process; records
 * are copied in and out.
 */
export function createMemoryGeneratedKeyStore(): GeneratedKeyStore {
  const rings = new Map<string, GeneratedKeyRecord[]>();
  const ringOf = (alg: string): GeneratedKeyRecord[] => rings.get(alg) ?? [];
  /** Stores `key` unless its `seq` or its `kid` is taken in its ring, as SQL's two keys refuse it. */
  const insert = (key: GeneratedKeyRecord): boolean => {
    const ring = ringOf(key.alg);
    if (ring.some((k) => k.seq === key.seq || k.kid === key.kid)) return false;
    const added = [...ring, { ...key }].sort((a, b) => a.seq - b.seq);
    rings.set(key.alg, added);
    return true;
  };
  return {
    async list(alg) {
      return ringOf(alg).map((k) => ({ ...k }));
    },
    async insertIfAbsent(key) {
      checkFirstKey(key);
      insert(key);
      const first = ringOf(key.alg).find((k) => k.seq === 1);
      // Only when the ring holds `key.kid` at a later place but has no first key, as in SQL.
      if (first === undefined) {
        throw new StorageError('corrupt', `no first ${key.alg} key found after storing one`);
      }
      return { ...first };
    },
    async add(key) {
      return insert(key);
    },
    async retire(alg, kid, at) {
      const ring = ringOf(alg);
      const index = ring.findIndex((k) => k.kid === kid);
      const key = ring[index];
      if (key === undefined || key.retiredAt !== null) return false;
      rings.set(alg, ring.with(index, { ...key, sealedKey: '', retiredAt: at }));
      return true;
    },
  };
}
