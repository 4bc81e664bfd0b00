import type { Clock } from '../../lib/clock.js';
import type { GrantSubject } from '../grant-subject.js';

/** A backend user as userinfo serves them. */
export interface CachedUser {
  readonly subject: GrantSubject;
  /** `publicSubject(identity, namespace)`: a keyed BLAKE2b hash, computed once per read. */
  readonly publicSub: string;
}

export interface UserCacheOptions {
  readonly clock: Clock;
  /** How long a user read from the identity backend is served without asking again, ms. */
  readonly ttlMs?: number;
  /** The most users kept; the oldest read is dropped first. */
  readonly maxEntries?: number;
}

/** Default lifetime of a read: how stale userinfo's claims may be after a change in the directory. */
export const USER_CACHE_TTL_MS = 2_000;
/** Default size bound. */
export const USER_CACHE_MAX_ENTRIES = 10_000;

interface Entry {
  readonly expiresAt: number;
  readonly user: Promise<CachedUser | null>;
}

/**
 * The backend users userinfo read lately, by raw id, so a burst of requests for one user reads
 * the directory once (issue 11). Bounded in time and in size:
 *
 * - A read is served for at most `ttlMs` after it started. Removing a user or changing their
 *   claims happens outside this process (the `sesame user` CLI, the LDAP directory, another
 *   instance), where no cache can hear it; the TTL bounds how long userinfo may answer the
 *   claims of before. Nothing in this process changes a user's claims.
 * - At most `maxEntries` users are kept; the oldest read is dropped first.
 * - A missing user (null) and a failed read are never kept: the next request asks again.
 * - Concurrent requests for a user who is not cached share one read.
 *
 * It holds identities only, never whether a grant stands: userinfo reads the grant on every
 * request, so a revocation, a reused refresh token or a removed user (whose grants storage
 * deletes) ends access tokens at once, in every instance.
 */
export class UserCache {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: UserCacheOptions) {
    const { ttlMs = USER_CACHE_TTL_MS, maxEntries = USER_CACHE_MAX_ENTRIES } = options;
    if (!(ttlMs >= 0) || !Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError('UserCache needs ttlMs >= 0 and an integer maxEntries >= 1');
    }
    this.#clock = options.clock;
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
  }

  /**
   * The user `id`: the kept read while it is younger than the TTL, else what `read` resolves
   * to. Rejects as `read` does.
   */
  get(id: string, read: () => Promise<CachedUser | null>): Promise<CachedUser | null> {
    const now = this.#clock.now();
    const kept = this.#entries.get(id);
    if (kept !== undefined && now < kept.expiresAt) return kept.user;
    if (kept !== undefined) this.#entries.delete(id);
    const user = read();
    const entry: Entry = { expiresAt: now + this.#ttlMs, user };
    if (this.#ttlMs > 0) this.#keep(id, entry);
    const drop = (): void => {
      if (this.#entries.get(id) === entry) this.#entries.delete(id);
    };
    user.then((found) => (found === null ? drop() : undefined), drop);
    return user;
  }

  /** Forgets `id`, so the next request reads it again. */
  forget(id: string): void {
    this.#entries.delete(id);
  }

  /** How many users are kept (expired ones included until next asked for or pushed out). */
  get size(): number {
    return this.#entries.size;
  }

  #keep(id: string, entry: Entry): void {
    // Map keeps insertion order, and every entry lives as long: the first is the oldest.
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(id, entry);
  }
}
