import { addressKey } from '../../lib/address-key.js';

/**
 * The storage keys of the sign-in throttle (`ThrottleStore`), one per limit:
 *
 * - `pair:<account>|<address>` — failures of one account from one address;
 * - `acct:<account>` — failures of one account from all addresses;
 * - `addr:<address>` — failures from one address, for any account.
 *
 * `<account>` is the typed username, lower-cased, with `%` and `|` percent-encoded (so the `|`
 * that ends it in a pair key is never part of it); `<address>` is the client's `addressKey`
 * (lib/address-key.ts: IPv6 per /64).
 * All of one account's keys are the account key itself and the keys starting with its
 * {@link AccountKeys.pairPrefix}: no other account's key starts with that prefix.
 */
export interface ThrottleKeys {
  readonly pair: string;
  readonly account: string;
  readonly address: string;
}

/** The keys an account's failures are stored under, whatever the address. */
export interface AccountKeys {
  /** The account's own key (exact: other accounts' keys may start with it). */
  readonly account: string;
  /** Every pair key of the account, and no other key, starts with this. */
  readonly pairPrefix: string;
}

/** The keys one sign-in attempt for `username` from `address` (as the socket gave it) counts under. */
export function throttleKeysOf(username: string, address: string): ThrottleKeys {
  const account = encodeAccount(username);
  const where = addressKey(address);
  return { pair: `pair:${account}|${where}`, account: `acct:${account}`, address: `addr:${where}` };
}

/** The keys that hold `username`'s failures (compared as sign-in does: case-insensitively). */
export function accountKeysOf(username: string): AccountKeys {
  const account = encodeAccount(username);
  return { account: `acct:${account}`, pairPrefix: `pair:${account}|` };
}

/** What a stored key counts, for people to read; `other` for a key this module did not make. */
export type DescribedKey =
  | { readonly kind: 'pair'; readonly account: string; readonly address: string }
  | { readonly kind: 'account'; readonly account: string }
  | { readonly kind: 'address'; readonly address: string }
  | { readonly kind: 'other'; readonly key: string };

/** The account and address a stored key is about (the inverse of {@link throttleKeysOf}). */
export function describeThrottleKey(key: string): DescribedKey {
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  const rest = key.slice(colon + 1);
  if (kind === 'addr') return { kind: 'address', address: rest };
  const account = decodeAccount(kind === 'pair' ? rest.slice(0, rest.indexOf('|')) : rest);
  if (kind === 'acct' && account !== null) return { kind: 'account', account };
  if (kind === 'pair' && account !== null && rest.includes('|')) {
    return { kind: 'pair', account, address: rest.slice(rest.indexOf('|') + 1) };
  }
  return { kind: 'other', key };
}

function encodeAccount(username: string): string {
  return username.toLowerCase().replace(/[%|]/g, (c) => (c === '%' ? '%25' : '%7C'));
}

function decodeAccount(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
