import { isIPv6 } from 'node:net';
import type { Clock } from '../../lib/clock.js';
import type { ThrottleStore } from '../../storage/types.js';

export interface LoginThrottleOptions {
  readonly throttle: ThrottleStore;
  /** Length of the sliding window failures are counted over, seconds. */
  readonly windowSeconds: number;
  /** Failures for one username within the window after which sign-in is refused. */
  readonly maxPerAccount: number;
  /** Failures from one address within the window after which sign-in is refused. */
  readonly maxPerAddress: number;
  readonly clock: Clock;
}

/**
 * Limits password guessing at sign-in (OWASP ASVS V2.2.1; RFC 6749 §10.10 asks for the
 * same at any password check). Failures are counted over a sliding window per account
 * (`acct:<lower-cased username>`) and per address (`addr:<address>`); once either has
 * reached its limit, further attempts are refused until old failures leave the window.
 * Attempts are counted before the password check and withdrawn when they turn out not to
 * be failures, so concurrent guesses are limited too.
 *
 * Unknown usernames are counted exactly like known ones, so the throttle's answers reveal
 * nothing about which accounts exist. IPv6 addresses are counted per /64 (one customer's
 * allocation, which an attacker can rotate through freely) and IPv4-mapped IPv6 addresses
 * as the IPv4 address, so `addr:` keys hold e.g. `2001:db8:0:1::/64` or `192.0.2.7`.
 */
export class LoginThrottle {
  readonly #store: ThrottleStore;
  readonly #clock: Clock;
  readonly #windowMs: number;
  readonly #maxPerAccount: number;
  readonly #maxPerAddress: number;
  #lastAt = 0;

  /** @throws TypeError when the window is not positive or a limit is not a positive integer. */
  constructor(options: LoginThrottleOptions) {
    if (!Number.isFinite(options.windowSeconds) || options.windowSeconds <= 0) {
      throw new TypeError('windowSeconds must be a positive number');
    }
    for (const [name, value] of [
      ['maxPerAccount', options.maxPerAccount],
      ['maxPerAddress', options.maxPerAddress],
    ] as const) {
      if (!Number.isSafeInteger(value) || value <= 0)
        throw new TypeError(`${name} must be a positive integer`);
    }
    this.#store = options.throttle;
    this.#clock = options.clock;
    this.#windowMs = options.windowSeconds * 1000;
    this.#maxPerAccount = options.maxPerAccount;
    this.#maxPerAddress = options.maxPerAddress;
  }

  /**
   * Counts a sign-in attempt before the password is checked, so that parallel guesses cannot
   * all pass a check made before any of them is recorded. The attempt is `blocked` when the
   * account or the address has more than its limit within the window; a blocked attempt is
   * withdrawn again, so the lock ends one window after the last real failure. A failed
   * password needs nothing more: it stays counted.
   */
  async begin(username: string, address: string): Promise<SignInAttempt> {
    // Each attempt gets its own millisecond, so withdrawing one never withdraws another.
    const at = Math.max(this.#clock.now(), this.#lastAt + 1);
    this.#lastAt = at;
    const keys = { account: accountKey(username), address: addressKey(address) };
    const [account, fromAddress] = await Promise.all([
      this.#store.hit(keys.account, at, this.#windowMs),
      this.#store.hit(keys.address, at, this.#windowMs),
    ]);
    const attempt = { at, keys, blocked: account > this.#maxPerAccount || fromAddress > this.#maxPerAddress };
    if (attempt.blocked) await this.#withdraw(attempt);
    return attempt;
  }

  /**
   * The password was right: the account's failures are forgotten, and this attempt is taken
   * off the address counter. Earlier failures from the address stay: one valid sign-in must
   * not reset an attacker's budget for guessing other accounts.
   */
  async succeeded(attempt: SignInAttempt): Promise<void> {
    await Promise.all([
      this.#store.clear(attempt.keys.account),
      this.#store.release(attempt.keys.address, attempt.at),
    ]);
  }

  /** The password could not be checked (backend unavailable): the attempt does not count. */
  async abandoned(attempt: SignInAttempt): Promise<void> {
    await this.#withdraw(attempt);
  }

  async #withdraw(attempt: SignInAttempt): Promise<void> {
    await Promise.all([
      this.#store.release(attempt.keys.account, attempt.at),
      this.#store.release(attempt.keys.address, attempt.at),
    ]);
  }
}

/** A sign-in attempt counted by {@link LoginThrottle.begin}. */
export interface SignInAttempt {
  readonly at: number;
  readonly keys: { readonly account: string; readonly address: string };
  readonly blocked: boolean;
}

function accountKey(username: string): string {
  return `acct:${username.toLowerCase()}`;
}

function addressKey(address: string): string {
  const unzoned = address.split('%')[0] ?? address;
  if (!isIPv6(unzoned)) return `addr:${address}`;
  const groups = ipv6Groups(unzoned);
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const [high = 0, low = 0] = groups.slice(6);
    return `addr:${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  return `addr:${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid (`isIPv6`) address, `::` and dotted tails expanded. */
function ipv6Groups(text: string): number[] {
  let head = text;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
    tail.push((a << 8) | b, (c << 8) | d);
    head = text.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left = '', right] = head.split('::');
  const leftGroups = left === '' ? [] : left.split(':');
  const rightGroups = right === undefined || right === '' ? [] : right.split(':');
  const missing = 8 - tail.length - leftGroups.length - rightGroups.length;
  const zeros: string[] = right === undefined ? [] : new Array<string>(missing).fill('0');
  return [...leftGroups, ...zeros, ...rightGroups].map((g) => parseInt(g, 16)).concat(tail);
}
