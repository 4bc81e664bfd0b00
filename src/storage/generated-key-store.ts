/**
 * The store of generated signing keys (issues 9 and 10): with no key files configured, the
 * instances on one database sign with generated keys kept here, sealed with the instance secret
 * (`tokens/sealed-key.ts`). Each algorithm has a ring of keys numbered from 1: `sesame keys
 * rotate` adds the next one, which is published at once and signs from `signsFrom`; `sesame keys
 * retire` (or the instance, once no token the key signed can still be valid) retires one.
 * Re-exported from `types.ts`, whose invariants it shares.
 */

/** A signing key Sesame generated (or imported from a data directory). */
export interface GeneratedKeyRecord {
  /** The JWS algorithm the key signs (RFC 7518 §3.1), e.g. `RS256`. */
  readonly alg: string;
  /**
   * The key's place in its algorithm's ring: 1 for the first key, one more for each key added
   * after it. Unique per algorithm.
   */
  readonly seq: number;
  /** The key's RFC 7638 JWK thumbprint, published as its `kid`. Unique per algorithm. */
  readonly kid: string;
  /**
   * The private key sealed with the instance secret; storage keeps the text as given. Empty once
   * the key is retired: a retired key's private half is erased.
   */
  readonly sealedKey: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /**
   * Epoch milliseconds from which the key may sign. Before then it is only published, so that
   * relying parties that cache the JWKS know it before they see a token it signed.
   */
  readonly signsFrom: number;
  /** Epoch milliseconds when the key was retired (no longer published or trusted); null: not. */
  readonly retiredAt: number | null;
}

export interface GeneratedKeyStore {
  /** Every key stored for `alg`, retired ones included, by `seq` ascending; empty when none. */
  list(alg: string): Promise<GeneratedKeyRecord[]>;
  /**
   * Stores `key` — whose `seq` must be 1, else TypeError — unless a key for its `alg` is stored
   * already, and returns the record stored for that `alg` with `seq` 1 afterwards: `key` when it
   * was the first, else the earlier one, unchanged. Atomic: concurrent callers — in any number
   * of processes sharing the database — all get the same record back, so every instance starts
   * signing with one key. Keys never expire: `purgeExpired` leaves them.
   */
  insertIfAbsent(key: GeneratedKeyRecord): Promise<GeneratedKeyRecord>;
  /**
   * Stores `key` at its `seq` (a rotation). Returns false, storing nothing, when that `alg` and
   * `seq` — or that `alg` and `kid` — is taken already: of two rotations racing for one place,
   * exactly one is stored.
   */
  add(key: GeneratedKeyRecord): Promise<boolean>;
  /**
   * Retires the key `alg`/`kid` at `at`: sets `retiredAt` and erases `sealedKey` (to ''), unless
   * it is retired already. True when this call retired it; false when no such key is stored or
   * it was retired before, in which case its `retiredAt` stays as it was.
   */
  retire(alg: string, kid: string, at: number): Promise<boolean>;
}
