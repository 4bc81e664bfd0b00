/** Spent queue slots are cut off only past this many, so short queues are never copied. */
const COMPACT_AFTER = 1024;

/**
 * Runs at most `max` tasks at once; the others wait their turn, first come first served. A
 * finished task hands its place straight to the one waiting longest, so a task arriving then
 * cannot overtake it.
 */
export class ConcurrencyLimit {
  readonly max: number;
  #running = 0;
  // A queue as an array and a head index (`shift` on a long array copies it); the spent slots
  // before the head are cut off once they are half the array, so a queue that never empties
  // (a flood of sign-ins) does not grow the array for ever.
  #waiting: ((() => void) | undefined)[] = [];
  #head = 0;

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new TypeError('ConcurrencyLimit needs an integer max >= 1');
    this.max = max;
  }

  /** Resolves or rejects as `task` does, once it could start and has run. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running < this.max) this.#running++;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running;
  }

  /** Tasks waiting for a place. */
  get waiting(): number {
    return this.#waiting.length - this.#head;
  }

  /** Slots the queue's array holds, spent ones included: for tests of its bound. */
  get queueCapacity(): number {
    return this.#waiting.length;
  }

  #release(): void {
    const next = this.#waiting[this.#head];
    if (next === undefined) {
      this.#running--;
      return;
    }
    this.#waiting[this.#head] = undefined;
    this.#head++;
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    } else if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
    next();
  }
}
