/**
 * The store of generated signing keys (issue 9): with no key files configured, the instances on
 * one PostgreSQL database sign with one generated key, kept here sealed with the instance secret
 * (`tokens/sealed-key.ts`). Re-exported from `types.ts`, whose invariants it shares.
 */

/** A signing key Sesame generated (or imported from a data directory), one per algorithm. */
export interface GeneratedKeyRecord {
  /** The JWS algorithm the key signs (RFC 7518 §3.1), e.g. `RS256`; at most one record each. */
  readonly alg: string;
  /** The key's RFC 7638 JWK thumbprint, published as its `kid`. */
  readonly kid: string;
  /** The private key sealed with the instance secret; storage keeps the text as given. */
  readonly sealedKey: string;
  readonly createdAt: number;
}

export interface GeneratedKeyStore {
  /** The key stored for `alg`, or null. */
  get(alg: string): Promise<GeneratedKeyRecord | null>;
  /**
   * Stores `key` unless a key for its `alg` is stored already, and returns the key stored for
   * that `alg` afterwards: `key` when it was the first, else the earlier one, unchanged. Atomic:
   * concurrent callers — in any number of processes sharing the database — all get the same
   * record back, so every instance signs with one key. Keys never expire: `purgeExpired`
   * leaves them.
   */
  insertIfAbsent(key: GeneratedKeyRecord): Promise<GeneratedKeyRecord>;
}
