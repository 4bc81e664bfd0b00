import { THROTTLE_RETENTION_MS, byThrottleKey } from '../rules.js';
import type { ThrottleKeyFailures, ThrottleStore } from '../types.js';

/** The memory engine's throttle, and the purge `purgeExpired` runs over it. */
export interface MemoryThrottle {
  readonly store: ThrottleStore;
  /** Drops hits older than `THROTTLE_RETENTION_MS` before `now`, and keys left with none. */
  purge(now: number): void;
}

/**
 * A `ThrottleStore` in process memory: the times of each key's failures. A key with no failures
 * left is removed from the map, so `clearPrefix` counts only keys that had some.
 */
export function createMemoryThrottle(): MemoryThrottle {
  const hitsByKey = new Map<string, number[]>();

  const within = (hits: readonly number[], now: number, windowMs: number): number[] =>
    hits.filter((at) => at > now - windowMs);

  function keep(key: string, hits: number[]): void {
    if (hits.length === 0) hitsByKey.delete(key);
    else hitsByKey.set(key, hits);
  }

  const store: ThrottleStore = {
    async hit(key, now, windowMs) {
      const hits = within(hitsByKey.get(key) ?? [], now, Math.max(windowMs, THROTTLE_RETENTION_MS));
      hits.push(now);
      hitsByKey.set(key, hits);
      return within(hits, now, windowMs).length;
    },
    async count(key, now, windowMs) {
      return within(hitsByKey.get(key) ?? [], now, windowMs).length;
    },
    async clear(key) {
      hitsByKey.delete(key);
    },
    async release(key, at) {
      const hits = hitsByKey.get(key) ?? [];
      const index = hits.indexOf(at);
      if (index !== -1) keep(key, hits.toSpliced(index, 1));
    },
    async list(now, windowMs) {
      const listed: ThrottleKeyFailures[] = [];
      for (const [key, hits] of hitsByKey) {
        const recent = within(hits, now, windowMs);
        if (recent.length > 0)
          listed.push({ key, count: recent.length, lastAt: recent.reduce((a, b) => Math.max(a, b)) });
      }
      return listed.sort(byThrottleKey);
    },
    async clearPrefix(prefix) {
      const keys = [...hitsByKey.keys()].filter((key) => key.startsWith(prefix));
      for (const key of keys) hitsByKey.delete(key);
      return keys.length;
    },
  };

  return {
    store,
    purge(now) {
      for (const [key, hits] of hitsByKey) keep(key, within(hits, now, THROTTLE_RETENTION_MS));
    },
  };
}
