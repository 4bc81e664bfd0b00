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
 * (`acct:<lower-cased username>`) and per address (`addr:<address>`); when either reaches
 * its limit, further attempts are refused until old failures leave the window.
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

  /** True when the account or the address has used up its failures for the window. */
  async isBlocked(username: string, address: string): Promise<boolean> {
    const now = this.#clock.now();
    const [account, fromAddress] = await Promise.all([
      this.#store.count(accountKey(username), now, this.#windowMs),
      this.#store.count(addressKey(address), now, this.#windowMs),
    ]);
    return account >= this.#maxPerAccount || fromAddress >= this.#maxPerAddress;
  }

  /** Counts one failed sign-in against both the username (known or not) and the address. */
  async recordFailure(username: string, address: string): Promise<void> {
    const now = this.#clock.now();
    await Promise.all([
      this.#store.hit(accountKey(username), now, this.#windowMs),
      this.#store.hit(addressKey(address), now, this.#windowMs),
    ]);
  }

  /**
   * Clears the account's failures after a successful sign-in. The address counter stays:
   * one valid login must not reset an attacker's budget for guessing other accounts.
   */
  async recordSuccess(username: string): Promise<void> {
    await this.#store.clear(accountKey(username));
  }
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
