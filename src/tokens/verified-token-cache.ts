import { createHash } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import type { AccessTokenClaims, VerificationKey } from './types.js';

export interface VerifiedTokenCacheOptions {
  readonly clock: Clock;
  /** The most tokens kept; the oldest verified is dropped first. */
  readonly maxEntries?: number;
}

/** Default size bound: about 3 MB of entries at most. */
export const VERIFIED_TOKEN_CACHE_MAX_ENTRIES = 10_000;

/**
 * The access tokens this instance verified lately, so that a client calling userinfo,
 * introspection or revocation with one token again and again pays for one signature check
 * (with jose, about 40 % of a userinfo request's CPU with RS256: issue 11). What a hit skips is
 * only what cannot change while the token lives:
 *
 * - The signature, issuer and algorithm: entries are by the token's exact bytes (its SHA-256,
 *   so no bearer token is kept in memory), and one cache serves one token service, whose
 *   issuer and algorithm are fixed.
 * - The keys: the cache remembers the key set its entries were verified under and is emptied
 *   when another set is given — a key retired (a leaked one with `sesame keys retire --force`)
 *   or added. Key objects are compared, not kids.
 * - The expiry is checked on every hit as jose checks it (`exp` after the current second), so
 *   a token expires at the same second with or without the cache; `nbf` and `iat` cannot stop
 *   holding once they held.
 *
 * Whether the token's grant still stands is not the cache's business: every caller reads the
 * grant on every request, so revocation ends a token at once. A token that failed is never
 * kept; concurrent first uses of one token each verify it. The claims are frozen, since every
 * caller shares them.
 */
export class VerifiedTokenCache {
  readonly #clock: Clock;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, AccessTokenClaims>();
  #keys: readonly VerificationKey[] = [];

  constructor(options: VerifiedTokenCacheOptions) {
    const { maxEntries = VERIFIED_TOKEN_CACHE_MAX_ENTRIES } = options;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError('VerifiedTokenCache needs an integer maxEntries >= 1');
    }
    this.#clock = options.clock;
    this.#maxEntries = maxEntries;
  }

  /**
   * The claims of `token` if it was verified under `keys` and has not expired; else what
   * `verify` resolves to (kept when the keys did not change meanwhile). Rejects as `verify`.
   */
  async verify(
    token: string,
    keys: readonly VerificationKey[],
    verify: () => Promise<AccessTokenClaims>,
  ): Promise<AccessTokenClaims> {
    this.#useKeys(keys);
    const digest = createHash('sha256').update(token, 'utf8').digest('base64url');
    const kept = this.#entries.get(digest);
    if (kept !== undefined) {
      if (kept.exp > this.#nowSeconds()) return kept;
      this.#entries.delete(digest);
    }
    const claims = freezeClaims(await verify());
    if (sameKeys(this.#keys, keys)) this.#keep(digest, claims);
    return claims;
  }

  /** How many tokens are kept (expired ones included until next presented or pushed out). */
  get size(): number {
    return this.#entries.size;
  }

  #useKeys(keys: readonly VerificationKey[]): void {
    if (!sameKeys(this.#keys, keys)) this.#entries.clear();
    this.#keys = keys;
  }

  /** The current second as jose reckons it for `exp` (`Math.floor(date / 1000)`). */
  #nowSeconds(): number {
    return Math.floor(this.#clock.now() / 1000);
  }

  #keep(digest: string, claims: AccessTokenClaims): void {
    // Map keeps insertion order: the first entry is the one verified longest ago.
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(digest, claims);
  }
}

/** The same keys under the same kids, in the same order: a key ring re-reads them as the same objects. */
function sameKeys(a: readonly VerificationKey[], b: readonly VerificationKey[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((key, i) => key.kid === b[i]!.kid && key.publicKey === b[i]!.publicKey);
}

function freezeClaims(claims: AccessTokenClaims): AccessTokenClaims {
  return Object.isFrozen(claims)
    ? claims
    : Object.freeze({ ...claims, scopes: Object.freeze([...claims.scopes]) });
}
