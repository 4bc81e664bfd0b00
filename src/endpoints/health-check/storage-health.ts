import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { WarningGate } from '../../lib/warning-gate.js';
import { formatDuration } from '../../identity/ldap/directory-health.js';
import { RETRY_AFTER_SECONDS } from '../../oauth/storage-outage.js';
import type { Storage } from '../../storage/types.js';

/** How long one answer of storage serves every health check. */
const CHECK_CACHE_MS = 1000;
/** A grant id no grant has: looking it up is a primary-key read that finds nothing. */
const PING_GRANT_ID = 'sesame-health-check';

/** What a health check found: storage answered, or not (the reason is for the log only). */
export type StorageStatus = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface StorageHealthOptions {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly log: Logger;
  /** How often storage is tried while it is down, to find it back; ms. */
  readonly probeIntervalMs?: number;
}

/**
 * Whether storage can be used, as requests and health checks find it, logged when that changes
 * rather than per request:
 * - the first failure starts an outage: "storage unavailable since <ISO time>: <reason>" (warn);
 *   further failures log nothing;
 * - while it lasts, storage is tried every `probeIntervalMs` (a cheap read); the first answer
 *   ends it: "storage back after <duration>" (warn);
 * - a database that flaps writes each of those lines at most once a minute ({@link WarningGate}).
 *
 * {@link check} serves `/health-check`: one read at most per second, shared by concurrent
 * callers, so a flood of health checks never piles up on a struggling database. Requests need
 * no check first: they fail by themselves and recover as soon as the database answers again.
 */
export class StorageHealth {
  readonly #options: StorageHealthOptions;
  readonly #gate = new WarningGate();
  /** When the outage under way began, and whether its first line was logged; null when none. */
  #outage: { readonly since: number; readonly logged: boolean } | null = null;
  #last: { readonly at: number; readonly status: StorageStatus } | null = null;
  #pending: Promise<StorageStatus> | null = null;
  #probe: ReturnType<typeof setInterval> | null = null;

  constructor(options: StorageHealthOptions) {
    this.#options = options;
  }

  /** A request found storage unavailable (`reason`: the storage error's message). */
  failed(reason: string): void {
    const now = this.#options.clock.now();
    this.#last = { at: now, status: { ok: false, reason } };
    if (this.#outage !== null) return;
    const logged = this.#gate.allows('unavailable', now);
    this.#outage = { since: now, logged };
    if (logged) {
      const since = new Date(now).toISOString();
      this.#options.log.warn({ since, reason }, `storage unavailable since ${since}: ${reason}`);
    }
    this.#startProbing();
  }

  /**
   * Whether storage answers now: a cheap read, made at most once per second (earlier answers,
   * and a request's failure within that second, are reused), shared by concurrent callers.
   */
  check(): Promise<StorageStatus> {
    const last = this.#last;
    if (last !== null && this.#options.clock.now() - last.at < CHECK_CACHE_MS) {
      return Promise.resolve(last.status);
    }
    this.#pending ??= this.#ping().finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  /** Stops trying storage; for shutdown. */
  stop(): void {
    if (this.#probe !== null) clearInterval(this.#probe);
    this.#probe = null;
  }

  async #ping(): Promise<StorageStatus> {
    try {
      await this.#options.storage.grants.get(PING_GRANT_ID);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.failed(reason);
      return { ok: false, reason };
    }
    const now = this.#options.clock.now();
    this.#last = { at: now, status: { ok: true } };
    this.#recovered(now);
    return { ok: true };
  }

  #recovered(now: number): void {
    const outage = this.#outage;
    if (outage === null) return;
    this.#outage = null;
    this.stop();
    if (!outage.logged || !this.#gate.allows('back', now)) return;
    const downMs = now - outage.since;
    this.#options.log.warn({ downMs }, `storage back after ${formatDuration(downMs)}`);
  }

  #startProbing(): void {
    if (this.#probe !== null) return;
    const interval = this.#options.probeIntervalMs ?? RETRY_AFTER_SECONDS * 1000;
    this.#probe = setInterval(() => void this.check(), interval);
    this.#probe.unref();
  }
}
