/**
 * The storage contract. Every engine (memory, SQLite, PostgreSQL) implements it and passes the
 * one conformance suite in `conformance/`. Invariants:
 * - absent records are returned as `null`, never thrown;
 * - engines throw only `StorageError`;
 * - timestamps are epoch milliseconds; lists of scopes keep their order;
 * - optional record fields (a grant's `claims` and `guest`, an interaction's `clientAddress`)
 *   may be left out when creating a record, but are always present on what storage returns, as
 *   `null` when absent;
 * - secrets (codes, refresh tokens, session ids) are stored only as hashes — callers pass the
 *   hash (`lib/ids.hashToken`), storage never sees the secret itself;
 * - `codes.consume` and `refreshTokens.rotate` are atomic: of two concurrent callers exactly
 *   one succeeds, across processes sharing one database; so are `backchannelDeliveries.claimDue`,
 *   `once.use` and `pushedRequests.take` (see `protocol-stores.ts`), and of concurrent
 *   `generatedKeys.insertIfAbsent` calls for one algorithm exactly one stores its key.
 */

import type { GeneratedKeyStore } from './generated-key-store.js';
import type {
  BackchannelDeliveryStore,
  DynamicClientStore,
  OnceStore,
  PushedRequestStore,
} from './protocol-stores.js';

export type { GeneratedKeyRecord, GeneratedKeyStore } from './generated-key-store.js';

export type {
  BackchannelDeliveryRecord,
  BackchannelDeliveryStore,
  DynamicClientRecord,
  DynamicClientStamp,
  DynamicClientStore,
  OnceStore,
  PushedRequestRecord,
  PushedRequestStore,
} from './protocol-stores.js';

/**
 * A postal address, as the OIDC `address` claim has it (OIDC Core §5.1.1); every member
 * optional, names as in the claim.
 */
export interface PostalAddress {
  /** The full address for display; may contain line breaks. */
  readonly formatted?: string;
  readonly street_address?: string;
  readonly locality?: string;
  readonly region?: string;
  readonly postal_code?: string;
  readonly country?: string;
}

export interface UserRecord {
  /** Stable id; never changes, used as the raw subject. */
  readonly id: string;
  /** Unique, compared case-insensitively (stored as given, looked up lower-cased). */
  readonly username: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly name: string | null;
  readonly givenName: string | null;
  readonly familyName: string | null;
  /** argon2id PHC string. */
  readonly passwordHash: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /**
   * The `phone_number` claim (OIDC Core §5.1), as given. Optional when created (absent means
   * null), always present on what storage returns: see `StoredUserRecord`.
   */
  readonly phoneNumber?: string | null;
  /**
   * The `address` claim (OIDC Core §5.1.1). Only the members `PostalAddress` names are kept.
   * Optional when created (absent means null), always present on what storage returns.
   */
  readonly address?: PostalAddress | null;
}

/** A user as storage returns it: `phoneNumber` and `address` always present, null when absent. */
export interface StoredUserRecord extends UserRecord {
  readonly phoneNumber: string | null;
  readonly address: PostalAddress | null;
}

export interface SessionRecord {
  /** Public session id, used as the ID token `sid`. */
  readonly id: string;
  /** Hash of the secret cookie value; lookups go through it. */
  readonly secretHash: string;
  readonly userId: string;
  /** When the user last typed their password (OIDC `auth_time`), ms. */
  readonly authTime: number;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  /** Absolute end of the session, ms. */
  readonly expiresAt: number;
}

/** A pending authorization request waiting for sign-in, account choice or consent. */
export interface InteractionRecord {
  readonly id: string;
  /** The validated authorization request, as JSON-serialisable data owned by the authorize endpoint. */
  readonly request: Readonly<Record<string, unknown>>;
  /** Set once the user has signed in (or chosen to continue) within this interaction. */
  readonly sessionId: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  /**
   * The throttle's address key of the client that started the interaction (IPv6 per /64), so
   * pending sign-ins can be capped per address. Optional when created (absent means null), always
   * present on what storage returns: see `StoredInteractionRecord`.
   */
  readonly clientAddress?: string | null;
}

/** An interaction as storage returns it: `clientAddress` always present, null when absent. */
export interface StoredInteractionRecord extends InteractionRecord {
  readonly clientAddress: string | null;
}

export interface AuthorizationCodeRecord {
  readonly codeHash: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly userId: string;
  /** The browser session that authorized the code; null for a guest, who has none (kopano-meet.md req. 38). */
  readonly sessionId: string | null;
  readonly grantId: string;
  readonly scopes: readonly string[];
  readonly nonce: string | null;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: 'S256' | 'plain' | null;
  /** ms */
  readonly authTime: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Set by the first successful `consume`. */
  readonly consumedAt: number | null;
}

export type ConsumeCodeResult =
  | { readonly kind: 'consumed'; readonly code: AuthorizationCodeRecord }
  /** The code had been consumed before: the caller must revoke `code.grantId`. */
  | { readonly kind: 'reused'; readonly code: AuthorizationCodeRecord }
  | { readonly kind: 'expired'; readonly code: AuthorizationCodeRecord }
  | { readonly kind: 'not_found' };

/**
 * A Konnect guest (kopano-meet.md req. 38; konnect identity/managers/guest.go): someone who
 * signs in with no account, through a request object signed by the client (Kopano Meet's
 * kwmserver), and who exists only in the grant made for them — never in an identity backend.
 * The fields are taken from the values of the signed ID token claims request.
 */
export interface GuestRecord {
  /** The `claims.id_token.guest.value` of the signed request object (e.g. `…@1.kwmguest`); never empty. */
  readonly id: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly givenName: string | null;
  readonly familyName: string | null;
}

/**
 * What one authorization produced: the root of a family of access and refresh tokens.
 * Revoking it invalidates every token of the family (userinfo checks it).
 *
 * `claims` and `guest` are optional when a grant is created (absent means null) but always
 * present on a grant storage returns, as null when absent: see `StoredGrantRecord`.
 */
export interface GrantRecord {
  readonly id: string;
  readonly userId: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly sessionId: string | null;
  /** ms */
  readonly authTime: number;
  readonly createdAt: number;
  /** ms; the grant ends with its last possible token. */
  readonly expiresAt: number;
  readonly revokedAt: number | null;
  /**
   * The authorized claims request (OIDC Core §5.5): a JSON object, kept as given, including
   * Konnect's `passthru` member with arbitrary JSON (kopano-meet.md req. 37–38). Null when the
   * authorization requested no claims.
   */
  readonly claims?: Readonly<Record<string, unknown>> | null;
  /** The guest the grant was made for (kopano-meet.md req. 38); null for a user's grant. */
  readonly guest?: GuestRecord | null;
}

/** A grant as storage returns it: `claims` and `guest` always present, null when absent. */
export interface StoredGrantRecord extends GrantRecord {
  readonly claims: Readonly<Record<string, unknown>> | null;
  readonly guest: GuestRecord | null;
}

export interface RefreshTokenRecord {
  readonly tokenHash: string;
  readonly grantId: string;
  readonly clientId: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Set when this token was exchanged for a successor. */
  readonly rotatedAt: number | null;
  /** Hash of the successor issued at rotation. */
  readonly replacedBy: string | null;
  /**
   * Set when a retry of this token's predecessor within the grace window replaced it before
   * it was used. Presenting it afterwards is reuse: it was handed to whoever made the first
   * request, and someone else holds its replacement.
   */
  readonly withdrawnAt: number | null;
}

export type RotateResult =
  /** The presented token was active and is now replaced by the new one. */
  | { readonly kind: 'rotated'; readonly previous: RefreshTokenRecord }
  /**
   * The presented token had been rotated less than `graceMs` ago (a client retrying a request
   * whose answer it lost): its earlier successor is withdrawn (kept, marked `withdrawnAt`, so
   * presenting it later is reported as reuse) and replaced by the new one.
   */
  | { readonly kind: 'grace'; readonly previous: RefreshTokenRecord }
  /** Rotated longer ago than the grace window, or withdrawn: reuse. The caller must revoke the grant. */
  | { readonly kind: 'reused'; readonly previous: RefreshTokenRecord }
  | { readonly kind: 'expired'; readonly previous: RefreshTokenRecord }
  | { readonly kind: 'not_found' };

/** A user's remembered consent for one client. */
export interface ConsentRecord {
  readonly userId: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly createdAt: number;
}

export interface UserStore {
  /** Throws StorageError('conflict') when the username is taken (case-insensitively). */
  create(user: UserRecord): Promise<void>;
  getById(id: string): Promise<StoredUserRecord | null>;
  getByUsername(username: string): Promise<StoredUserRecord | null>;
  /** Ordered by username. */
  list(): Promise<StoredUserRecord[]>;
  /** Returns false when no such user. Fields left undefined are kept; null clears a nullable one. */
  update(
    id: string,
    changes: Partial<
      Pick<
        UserRecord,
        | 'email'
        | 'emailVerified'
        | 'name'
        | 'givenName'
        | 'familyName'
        | 'passwordHash'
        | 'phoneNumber'
        | 'address'
      >
    >,
    now: number,
  ): Promise<boolean>;
  /**
   * Sets the user's password hash to `newHash` (and `updatedAt` to `now`) only while it is still
   * `expectedHash`, in one atomic compare-and-set, so that rehashing a verified password can
   * never undo a password change made meanwhile. Returns false, changing nothing, when there is
   * no such user or the stored hash is another.
   */
  replacePasswordHash(id: string, expectedHash: string, newHash: string, now: number): Promise<boolean>;
  /** Returns false when no such user. Also removes the user's sessions, consents and grants. */
  remove(id: string): Promise<boolean>;
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  /** Returns the session only while `now` is before `expiresAt`. */
  getBySecretHash(secretHash: string, now: number): Promise<SessionRecord | null>;
  get(id: string, now: number): Promise<SessionRecord | null>;
  touch(id: string, now: number): Promise<void>;
  delete(id: string): Promise<void>;
  /**
   * Every session of `userId` live at `now` (as `get` sees them), for ending them all ("sign
   * out everywhere", a changed password). Sorted by id in UTF-16 code unit order, the same in
   * every engine.
   */
  listByUser(userId: string, now: number): Promise<SessionRecord[]>;
}

export interface InteractionStore {
  create(interaction: InteractionRecord): Promise<void>;
  /**
   * Returns the interaction only while `now` is before `expiresAt`; `clientAddress` always
   * present, null when it was created without one.
   */
  get(id: string, now: number): Promise<StoredInteractionRecord | null>;
  setSession(id: string, sessionId: string | null): Promise<void>;
  delete(id: string): Promise<void>;
  /**
   * How many interactions are live at `now` (`now` before `expiresAt`, as `get` sees them): all
   * of them, or only those created with `clientAddress`. Interactions without an address count
   * only in the total. Cheap enough to call on every authorization request (SQL: a COUNT over an
   * index).
   */
  countLive(now: number, clientAddress?: string): Promise<number>;
}

export interface CodeStore {
  create(code: AuthorizationCodeRecord): Promise<void>;
  /** Atomic: exactly one concurrent caller gets `consumed` for a given code. */
  consume(codeHash: string, now: number): Promise<ConsumeCodeResult>;
  /**
   * The code's record whatever its state — live, consumed or expired (until purged) — without
   * changing it: a peek, so the caller can check who presents a code before spending it
   * (issue 7 item 4). Null for an unknown hash.
   */
  get(codeHash: string): Promise<AuthorizationCodeRecord | null>;
}

export interface GrantStore {
  create(grant: GrantRecord): Promise<void>;
  /** Always returns `claims` and `guest`, as null when the grant was created without them. */
  get(id: string): Promise<StoredGrantRecord | null>;
  /** Idempotent; also ends every refresh token of the grant. */
  revoke(id: string, now: number): Promise<void>;
  /** Revokes every grant of a user for a client (consent withdrawn). */
  revokeForUserClient(userId: string, clientId: string, now: number): Promise<void>;
  /**
   * The distinct ids of the clients with a grant made in browser session `sessionId` — the
   * clients the session signed in to, to be told of its logout (OpenID Connect Back-Channel
   * Logout 1.0 §2.7) — whatever the grant's state: revoked and expired grants count until
   * purged. Sorted in UTF-16 code unit order, the same in every engine.
   */
  clientsOfSession(sessionId: string): Promise<string[]>;
}

export interface RefreshTokenStore {
  create(token: RefreshTokenRecord): Promise<void>;
  get(tokenHash: string): Promise<RefreshTokenRecord | null>;
  /**
   * Atomically exchanges `tokenHash` for `next`. `next` is stored only for `rotated` and
   * `grace`. A token whose grant is revoked is reported as `not_found`. An engine that retries
   * a rotation which lost to concurrent ones may give up: StorageError 'contended', with
   * nothing stored and the token as the winners left it — neither reuse nor an outage.
   */
  rotate(tokenHash: string, next: RefreshTokenRecord, now: number, graceMs: number): Promise<RotateResult>;
}

export interface ConsentStore {
  get(userId: string, clientId: string): Promise<ConsentRecord | null>;
  /** Replaces any earlier consent of this user for this client. */
  put(consent: ConsentRecord): Promise<void>;
  delete(userId: string, clientId: string): Promise<void>;
  /**
   * Every consent of `userId`, for the account page. Sorted by client id in UTF-16 code unit
   * order, the same in every engine.
   */
  listByUser(userId: string): Promise<ConsentRecord[]>;
}

/** One throttle key's failures within a window, as `ThrottleStore.list` reports them. */
export interface ThrottleKeyFailures {
  readonly key: string;
  /** Failures within the window. */
  readonly count: number;
  /** When the latest of them was recorded, ms. */
  readonly lastAt: number;
}

/** Counters for the sign-in throttle, over a sliding window. */
export interface ThrottleStore {
  /** Records one failure for `key` and returns the failures within the last `windowMs`. */
  hit(key: string, now: number, windowMs: number): Promise<number>;
  /** Failures for `key` within the last `windowMs`. */
  count(key: string, now: number, windowMs: number): Promise<number>;
  clear(key: string): Promise<void>;
  /**
   * Withdraws one hit recorded for `key` at exactly `at` (an attempt counted in advance that
   * turned out not to be a failure), and only one: of several hits of `key` at the same
   * millisecond the others stay. Nothing happens when there is none.
   */
  release(key: string, at: number): Promise<void>;
  /**
   * Every key with at least one failure within the last `windowMs` (as `count` sees them), with
   * that count and its latest failure; keys whose failures all left the window are left out.
   * Sorted by key in UTF-16 code unit order (JavaScript's `<`), the same in every engine.
   */
  list(now: number, windowMs: number): Promise<ThrottleKeyFailures[]>;
  /**
   * Forgets every failure of every key that starts with `prefix`, compared literally and
   * case-sensitively (no character is a wildcard: `%` and `_` are themselves); the empty prefix
   * clears every key. Returns how many keys had failures stored and now have none.
   */
  clearPrefix(prefix: string): Promise<number>;
}

export interface Storage {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly interactions: InteractionStore;
  readonly codes: CodeStore;
  readonly grants: GrantStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly consents: ConsentStore;
  readonly throttle: ThrottleStore;
  readonly backchannelDeliveries: BackchannelDeliveryStore;
  readonly dynamicClients: DynamicClientStore;
  readonly once: OnceStore;
  readonly pushedRequests: PushedRequestStore;
  /** Generated signing keys shared by the instances on one database (`generated-key-store.ts`). */
  readonly generatedKeys: GeneratedKeyStore;
  /**
   * Deletes expired sessions, interactions, codes, grants, refresh tokens, back-channel logout
   * deliveries, once-used values and pushed requests, and old throttle hits.
   */
  purgeExpired(now: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Why a storage call failed:
 * - `conflict`: a record with that key exists (or one it refers to does not);
 * - `unavailable`: the database cannot be reached or cannot serve — an outage, answered with
 *   503 and logged once by the health check;
 * - `contended`: the call kept losing to concurrent writers of the same records and gave up,
 *   leaving them as the winners wrote them — not an outage; for `refreshTokens.rotate` it
 *   means the presented token was not exchanged for this caller;
 * - `corrupt`: the stored data or schema cannot be read (e.g. written by a newer Sesame).
 */
export type StorageErrorKind = 'conflict' | 'unavailable' | 'contended' | 'corrupt';

export class StorageError extends Error {
  constructor(
    readonly kind: StorageErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}
