import type { Logger } from 'pino';
import type { Config } from '../../config/types.js';
import type { Clock } from '../../lib/clock.js';
import type { ThrottleStore } from '../../storage/types.js';
import { noMetrics, type Metrics } from '../../metrics/metrics.js';
import { throttleKeysOf, type ThrottleKeys } from './throttle-keys.js';

/** The limit that refused an attempt, named after its part of `throttle` in sesame.yaml. */
export type ThrottleLimit = 'account_address' | 'account' | 'address';

export interface LoginThrottleOptions {
  readonly store: ThrottleStore;
  /** `config.throttle`: the window, the three limits and the account's interval. */
  readonly limits: Config['throttle'];
  readonly clock: Clock;
  /** Where each refusal is reported: at warn once per limit and key per window, else at debug. */
  readonly log: Logger;
  /** Counts each trip (a refusal reported at warn); absent, none are. */
  readonly metrics?: Pick<Metrics, 'throttleTrip'>;
}

/** What the throttle knows of the browser an attempt comes from. */
export interface AttemptContext {
  /**
   * The browser carries a valid device token for the account it signs in to (it signed in as
   * that account before: sessions/device-cookie.ts). Exempts the attempt from the account
   * slowdown only.
   */
  readonly knownDevice?: boolean;
}

/** A sign-in attempt counted by {@link LoginThrottle.begin}. */
export type SignInAttempt = PermittedAttempt | RefusedAttempt;

/** The password may be checked; report the outcome with `succeeded` or `abandoned` (a failure needs nothing). */
export interface PermittedAttempt {
  readonly blocked: false;
  readonly at: number;
  readonly keys: ThrottleKeys;
}

/** Refused before the password was checked; the attempt was not counted. */
export interface RefusedAttempt {
  readonly blocked: true;
  readonly at: number;
  readonly keys: ThrottleKeys;
  readonly limit: ThrottleLimit;
  /** When a new attempt can succeed at the latest, if known: seconds. */
  readonly retryAfterSeconds: number | null;
}

const SETTING: Readonly<Record<ThrottleLimit, string>> = {
  account_address: 'throttle.max_failures_per_account_address',
  account: 'throttle.max_failures_per_account',
  address: 'throttle.max_failures_per_address',
};

/** Keys remembered as already reported at warn; beyond this the oldest are forgotten. */
const MAX_REPORTED = 10_000;

/** How many lock ends `LoginThrottle` remembers (`#lockedUntil`), the oldest dropped first. */
const MAX_LOCKS_REMEMBERED = 10_000;

/**
 * Limits password guessing at sign-in (OWASP ASVS V2.2.1; RFC 6749 §10.10 asks for the same at
 * any password check) without letting anyone lock an account's owner out. Failures are counted
 * over a sliding window (`windowSeconds`), under the keys of `throttle-keys.ts`:
 *
 * - per account and address: beyond `maxFailuresPerAccountAddress` that pair is refused;
 * - per address (IPv6 per /64): beyond `maxFailuresPerAddress` the address is refused;
 * - per account from all addresses: beyond `maxFailuresPerAccount` the account is slowed down,
 *   never locked — an attempt for it is refused unless `accountIntervalSeconds` have passed
 *   since its last counted attempt, by anyone. Guesses from many addresses are held to one per
 *   interval. An attempt from a browser that signed in as the account before (`knownDevice`,
 *   OWASP's device cookie) is exempt, so the owner's own browser gets in however closely an
 *   attacker paces its guesses; a browser new to the account has to find a free interval.
 *
 * The pair and address limits apply to every attempt, a known device's included, and a known
 * device's failures count like any other.
 *
 * Attempts are counted, at the clock's time, before the password check and withdrawn when
 * refused or when they turn out not to be failures, so parallel guesses are held to the limits
 * too. Unknown usernames are counted exactly like known ones (keys are the typed username,
 * lower-cased), so the throttle's answers reveal nothing about which accounts exist. A success
 * forgets the account's failures from that address, not those from elsewhere, and not the
 * address's failures for other accounts.
 */
export class LoginThrottle {
  readonly #store: ThrottleStore;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #metrics: Pick<Metrics, 'throttleTrip'>;
  readonly #windowMs: number;
  readonly #intervalMs: number;
  readonly #max: Readonly<Record<ThrottleLimit, number>>;
  /** Refused keys already reported at warn, with when, oldest first. */
  readonly #reported = new Map<string, number>();
  /**
   * When the lock on an address and pair ends, as last worked out: refused attempts are not
   * counted, so it holds until then, and repeated refusals reuse it instead of reading again.
   * Bounded like `#reported`; safe to lose.
   */
  readonly #lockedUntil = new Map<string, number>();

  /** @throws TypeError when the window or interval is not positive or a limit is not a positive integer. */
  constructor(options: LoginThrottleOptions) {
    const { limits } = options;
    for (const [name, value] of [
      ['windowSeconds', limits.windowSeconds],
      ['accountIntervalSeconds', limits.accountIntervalSeconds],
    ] as const) {
      if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number`);
    }
    this.#max = {
      account_address: limits.maxFailuresPerAccountAddress,
      account: limits.maxFailuresPerAccount,
      address: limits.maxFailuresPerAddress,
    };
    for (const [limit, value] of Object.entries(this.#max)) {
      if (!Number.isSafeInteger(value) || value <= 0) {
        throw new TypeError(`the ${limit} limit must be a positive integer`);
      }
    }
    this.#store = options.store;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#metrics = options.metrics ?? noMetrics;
    this.#windowMs = limits.windowSeconds * 1000;
    this.#intervalMs = limits.accountIntervalSeconds * 1000;
  }

  /**
   * Counts a sign-in attempt for the typed `username` from the client `address`, before the
   * password is checked. A refused (`blocked`) attempt is withdrawn again, so a lock ends one
   * window after the last real failure and a slowed-down account's interval runs from its last
   * counted attempt. A failed password needs nothing more: it stays counted. A `knownDevice`
   * is not held to the account's interval; the other limits hold it as they hold anyone.
   */
  async begin(username: string, address: string, context: AttemptContext = {}): Promise<SignInAttempt> {
    const at = this.#clock.now();
    const keys = throttleKeysOf(username, address);
    const [pair, account, fromAddress] = await Promise.all([
      this.#store.hit(keys.pair, at, this.#windowMs),
      this.#store.hit(keys.account, at, this.#windowMs),
      this.#store.hit(keys.address, at, this.#windowMs),
    ]);
    let limit: ThrottleLimit | null = null;
    if (fromAddress > this.#max.address) limit = 'address';
    else if (pair > this.#max.account_address) limit = 'account_address';
    else if (account > this.#max.account && context.knownDevice !== true) {
      if (await this.#tooSoonForAccount(keys, at)) limit = 'account';
    }
    if (limit === null) return { blocked: false, at, keys };

    await this.#withdraw(keys, at);
    this.#report(limit, username, address, keys, at);
    const retryAfterSeconds = limit === 'account' ? this.#intervalMs / 1000 : await this.#lockedFor(keys, at);
    return { blocked: true, at, keys, limit, retryAfterSeconds };
  }

  /**
   * The password was right: the account's failures from this address are forgotten, and this
   * attempt is taken off the other counters. Failures from other addresses stay, as do the
   * address's failures for other accounts: one valid sign-in must not reset anyone's budget.
   */
  async succeeded(attempt: PermittedAttempt): Promise<void> {
    await Promise.all([
      this.#store.clear(attempt.keys.pair),
      this.#store.release(attempt.keys.account, attempt.at),
      this.#store.release(attempt.keys.address, attempt.at),
    ]);
  }

  /** The password could not be checked (backend unavailable): the attempt does not count. */
  async abandoned(attempt: PermittedAttempt): Promise<void> {
    await this.#withdraw(attempt.keys, attempt.at);
  }

  /**
   * Seconds until an attempt for this pair from this address is no longer refused by a lock,
   * assuming no new failures: until enough of the failures leave the window that one more
   * attempt stays within both limits. Found by bisecting over `count` with shorter windows, to
   * the second (about a dozen reads, and only for a refused attempt).
   */
  async #lockedFor(keys: ThrottleKeys, at: number): Promise<number> {
    const cacheKey = `${keys.address}\n${keys.pair}`;
    const until = this.#lockedUntil.get(cacheKey);
    if (until !== undefined && at < until) return Math.max(Math.ceil((until - at) / 1000), 1);
    const waits = await Promise.all([
      this.#waitUntilBelow(keys.address, this.#max.address, at),
      this.#waitUntilBelow(keys.pair, this.#max.account_address, at),
    ]);
    const wait = Math.max(...waits, 1);
    this.#lockedUntil.delete(cacheKey);
    if (this.#lockedUntil.size >= MAX_LOCKS_REMEMBERED) {
      const oldest = this.#lockedUntil.keys().next().value;
      if (oldest !== undefined) this.#lockedUntil.delete(oldest);
    }
    this.#lockedUntil.set(cacheKey, at + wait * 1000);
    return wait;
  }

  /** Seconds until `key` has fewer than `max` failures within the window (0: it already has). */
  async #waitUntilBelow(key: string, max: number, at: number): Promise<number> {
    const within = (ms: number) => this.#store.count(key, at, ms);
    if ((await within(this.#windowMs)) < max) return 0;
    // Failures newer than `at - window + wait` number `within(window - wait)`; find the
    // smallest wait (to a second) after which fewer than `max` of them remain.
    let low = 0;
    let high = Math.ceil(this.#windowMs / 1000);
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if ((await within(this.#windowMs - mid * 1000)) < max) high = mid;
      else low = mid;
    }
    return high;
  }

  /** Whether the account had another counted attempt within the interval before this one. */
  async #tooSoonForAccount(keys: ThrottleKeys, at: number): Promise<boolean> {
    return (await this.#store.count(keys.account, at, this.#intervalMs)) > 1;
  }

  async #withdraw(keys: ThrottleKeys, at: number): Promise<void> {
    await Promise.all([
      this.#store.release(keys.pair, at),
      this.#store.release(keys.account, at),
      this.#store.release(keys.address, at),
    ]);
  }

  /** At warn the first time a key is refused within a window (a trip); at debug the rest. */
  #report(limit: ThrottleLimit, account: string, address: string, keys: ThrottleKeys, at: number): void {
    const key = keys[limit === 'account_address' ? 'pair' : limit];
    const fields = { limit, account, address, setting: SETTING[limit] };
    const reportedAt = this.#reported.get(key);
    if (reportedAt !== undefined && at - reportedAt < this.#windowMs) {
      this.#log.debug(fields, 'sign-in throttled');
      return;
    }
    this.#reported.delete(key);
    this.#reported.set(key, at);
    for (const [old, when] of this.#reported) {
      if (this.#reported.size <= MAX_REPORTED && at - when < this.#windowMs) break;
      this.#reported.delete(old);
    }
    this.#log.warn(fields, `sign-in throttled: ${describe(limit)}`);
    this.#metrics.throttleTrip(limit);
  }
}

function describe(limit: ThrottleLimit): string {
  switch (limit) {
    case 'account_address':
      return 'too many failures for this account from this address';
    case 'account':
      return 'too many failures for this account; its attempts are slowed down';
    case 'address':
      return 'too many failures from this address';
  }
}
