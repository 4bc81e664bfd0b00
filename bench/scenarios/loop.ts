import { performance } from 'node:perf_hooks';
import type { RunResult } from './plan.js';

/** How many distinct failure messages a run keeps. */
const KEPT_FAILURES = 5;

/** What one operation found beyond success: the signatures in a token response, a rotation. */
export interface Observed {
  readonly signatures?: number;
  readonly rotated?: boolean;
}

/**
 * Runs `operation(user, n)` with `users` virtual users, one operation at a time each, until
 * `count` have been started or `seconds` have passed, and counts those that resolved. A
 * rejection is a failure: counted, its message kept (a few distinct ones).
 */
export async function runLoop(
  users: number,
  bounds: { readonly count: number; readonly seconds: number },
  operation: (user: number, n: number) => Promise<Observed | void>,
): Promise<RunResult> {
  const failures = new Map<string, number>();
  let next = 0;
  let succeeded = 0;
  let failed = 0;
  let signatures: number | null = null;
  let rotations = 0;
  let refreshes = 0;
  const started = performance.now();
  const deadline = started + bounds.seconds * 1000;
  await Promise.all(
    Array.from({ length: users }, async (_, user) => {
      while (next < bounds.count && performance.now() < deadline) {
        const n = next++;
        try {
          const observed = await operation(user, n);
          succeeded++;
          if (observed?.signatures !== undefined) signatures ??= observed.signatures;
          if (observed?.rotated !== undefined) {
            refreshes++;
            if (observed.rotated) rotations++;
          }
        } catch (error) {
          failed++;
          const message = error instanceof Error ? error.message : String(error);
          if (failures.has(message) || failures.size < KEPT_FAILURES)
            failures.set(message, (failures.get(message) ?? 0) + 1);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    succeeded,
    failed,
    seconds: Math.round(seconds * 1000) / 1000,
    perSecond: seconds > 0 ? Math.round((succeeded / seconds) * 10) / 10 : 0,
    failures: [...failures].map(([message, count]) => ({ message, count })),
    signaturesPerResponse: signatures,
    rotates: refreshes === 0 ? null : rotations === refreshes ? true : rotations === 0 ? false : null,
  };
}

/** `count` things made `users` at a time (preparation, not measured); rejects on the first failure. */
export async function makeMany<T>(
  users: number,
  count: number,
  make: (n: number) => Promise<T>,
): Promise<T[]> {
  const made: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(users, count) }, async () => {
      while (next < count) {
        const n = next++;
        made[n] = await make(n);
      }
    }),
  );
  return made;
}
