/**
 * The stores issue 8 (protocol completeness) adds to the storage contract: back-channel logout
 * deliveries, dynamically registered clients, values usable once, and pushed authorization
 * requests. Re-exported from `types.ts`, whose invariants they share: absent records are null,
 * engines throw only `StorageError`, times are epoch milliseconds, secrets appear only as hashes.
 */

/**
 * OpenID Connect Back-Channel Logout 1.0 §2.7: a logout token waiting to be POSTed to a client's
 * `backchannel_logout_uri`. Kept in storage so that retries survive a restart.
 */
export interface BackchannelDeliveryRecord {
  readonly id: string;
  readonly clientId: string;
  /** The client's `backchannel_logout_uri` at the time of logout. */
  readonly uri: string;
  /** The signed logout token (§2.4), sent as the `logout_token` form parameter. */
  readonly logoutToken: string;
  /** How many deliveries were attempted so far. */
  readonly attempts: number;
  /** When the next attempt is due, ms. */
  readonly nextAttemptAt: number;
  readonly createdAt: number;
  /** When to give up, ms: an expired delivery is never claimed, and `purgeExpired` removes it. */
  readonly expiresAt: number;
}

/**
 * A queue of back-channel logout deliveries shared by every Sesame process on one database.
 * `claimDue` is atomic across those processes: a delivery is handed to one caller at a time.
 */
export interface BackchannelDeliveryStore {
  /** Stores a delivery; StorageError 'conflict' when its id is taken. */
  enqueue(delivery: BackchannelDeliveryRecord): Promise<void>;
  /**
   * Up to `limit` deliveries due at `now` (`nextAttemptAt <= now < expiresAt`), oldest first
   * (by `createdAt`, then `id`). Each is leased: atomically with the claim, its `nextAttemptAt`
   * moves to `now + leaseMs`, as the returned record shows. So two concurrent callers — in any
   * number of processes sharing the database — never receive one delivery within its lease, and
   * a worker that dies mid-delivery loses nothing: the delivery is due again once the lease ends.
   * The caller ends the lease with `delete` (delivered, or given up) or `reschedule` (failed). A
   * `limit` below 1 claims nothing.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<BackchannelDeliveryRecord[]>;
  /** Records a failed attempt: sets `attempts` and `nextAttemptAt`. Nothing happens for an unknown id. */
  reschedule(id: string, attempts: number, nextAttemptAt: number): Promise<void>;
  /** Idempotent. */
  delete(id: string): Promise<void>;
}

/** RFC 7591 / RFC 7592: a client registered through the registration endpoint. */
export interface DynamicClientRecord {
  readonly clientId: string;
  /** The client metadata as registered (RFC 7591 §2), a JSON object kept as given. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** SHA-256 of the client secret (`lib/ids` `hashToken`); null for a public client. */
  readonly secretHash: string | null;
  /** SHA-256 of the registration access token (RFC 7592 §3). */
  readonly registrationTokenHash: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * What tells one version of a stored dynamic client from another, without its metadata: every
 * change made through the store sets a new registration token hash and `updatedAt`.
 */
export interface DynamicClientStamp {
  readonly clientId: string;
  readonly registrationTokenHash: string;
  readonly updatedAt: number;
}

export interface DynamicClientStore {
  /** StorageError 'conflict' when the client id is taken. */
  create(client: DynamicClientRecord): Promise<void>;
  get(clientId: string): Promise<DynamicClientRecord | null>;
  /** Every registered client, sorted by `clientId` in UTF-16 code unit order, the same in every engine. */
  list(): Promise<DynamicClientRecord[]>;
  /**
   * The stamp of every registered client, in {@link list}'s order: cheap enough to read every
   * few seconds, so that processes sharing the database see each other's changes.
   */
  stamps(): Promise<DynamicClientStamp[]>;
  /**
   * Replaces the client's metadata, secret hash, registration token hash and `updatedAt` (RFC 7592
   * §2.2); `createdAt` stays as it was created. Compare-and-set, atomic in every engine: only
   * while the stored registration token hash is still `expectedTokenHash`, so of two changes
   * authorized with one token only the first is made, and a token replaced (RFC 7592 §2.1
   * rotation) authorizes nothing more. Returns false when no such client or the hash differs.
   */
  update(client: DynamicClientRecord, expectedTokenHash: string): Promise<boolean>;
  /**
   * RFC 7592 §2.3, compare-and-set as {@link update}: only while the stored registration token
   * hash is still `expectedTokenHash`. Returns false when no such client or the hash differs.
   */
  delete(clientId: string, expectedTokenHash: string): Promise<boolean>;
}

/** Values that may be used once until they expire: RFC 7523 §3 item 7, a client assertion's `jti`. */
export interface OnceStore {
  /**
   * Records `key` as used until `expiresAt` and returns true; returns false, changing nothing,
   * when it was already recorded and is still live (`now < expiresAt` of the earlier use). An
   * expired record may be used again. Atomic: of concurrent callers with one live key — in any
   * number of processes sharing the database — exactly one gets true. Callers build the key
   * (e.g. client id and `jti`) and keep it bounded.
   */
  use(key: string, expiresAt: number, now: number): Promise<boolean>;
}

/** RFC 9126 §2: an authorization request pushed to the PAR endpoint, waiting to be used. */
export interface PushedRequestRecord {
  /** SHA-256 of the `request_uri` handed to the client (§2.2). */
  readonly requestUriHash: string;
  /** The client that pushed it; only a `take` naming this client gets the request. */
  readonly clientId: string;
  /** The authorization request parameters as pushed, one value each. */
  readonly params: Readonly<Record<string, string>>;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface PushedRequestStore {
  /** StorageError 'conflict' when the hash is taken. */
  create(request: PushedRequestRecord): Promise<void>;
  /**
   * RFC 9126 §4 (a `request_uri` is used once, and only by the client that pushed it): returns
   * the request and deletes it, atomically, when it was pushed by `clientId` and `now <
   * expiresAt`; null otherwise. A take naming another client leaves the request untouched, so
   * whoever learns a `request_uri` cannot spend it for its client. Of concurrent takers exactly
   * one gets it. An expired request is left for `purgeExpired`.
   */
  take(requestUriHash: string, clientId: string, now: number): Promise<PushedRequestRecord | null>;
  /** How many requests are live (`now < expiresAt`): all of them, or those of one client. */
  countLive(now: number, clientId?: string): Promise<number>;
}
