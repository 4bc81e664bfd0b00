/**
 * Decides whether a warning under a key may be logged now: once per `intervalMs` per key, in
 * bounded memory, so that a flood of refusals does not become a flood of log lines. Beyond
 * `maxKeys` keys within one interval, further keys are not logged until older ones age out.
 */
export class WarningGate {
  readonly #intervalMs: number;
  readonly #maxKeys: number;
  /** Key → when it was last logged, oldest first. */
  readonly #last = new Map<string, number>();

  constructor(intervalMs = 60_000, maxKeys = 10_000) {
    this.#intervalMs = intervalMs;
    this.#maxKeys = maxKeys;
  }

  /** True, and remembered, when `key` was not logged within the interval before `now` (ms). */
  allows(key: string, now: number): boolean {
    const last = this.#last.get(key);
    if (last !== undefined && now - last < this.#intervalMs) return false;
    this.#last.delete(key);
    for (const [old, at] of this.#last) {
      if (now - at < this.#intervalMs) break;
      this.#last.delete(old);
    }
    if (this.#last.size >= this.#maxKeys) return false;
    this.#last.set(key, now);
    return true;
  }
}
