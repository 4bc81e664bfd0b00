/**
 * Row types of the SQL engines, as kysely sees them. Conventions shared by every dialect:
 * times are integer epoch milliseconds, booleans are 0/1 integers, scope lists, the
 * interaction request, a grant's claims request and guest, a user's address, a dynamic
 * client's metadata and a pushed request's parameters are JSON text, secrets appear only as
 * hashes.
 */

export interface UsersTable {
  id: string;
  username: string;
  /** Lower-cased username; unique index, so usernames are unique case-insensitively. */
  username_key: string;
  email: string | null;
  email_verified: number;
  name: string | null;
  given_name: string | null;
  family_name: string | null;
  password_hash: string;
  created_at: number;
  updated_at: number;
  /** The `phone_number` claim (migration 0004). */
  phone_number: string | null;
  /** JSON text: a `PostalAddress` (migration 0004). */
  address: string | null;
}

export interface SessionsTable {
  id: string;
  secret_hash: string;
  user_id: string;
  auth_time: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface InteractionsTable {
  id: string;
  /** JSON text. */
  request: string;
  session_id: string | null;
  created_at: number;
  expires_at: number;
  /** The throttle's address key of the client that started it (migration 0003). */
  client_address: string | null;
}

export interface AuthorizationCodesTable {
  code_hash: string;
  client_id: string;
  redirect_uri: string;
  user_id: string;
  /** Null for a guest's code (migration 0002). */
  session_id: string | null;
  grant_id: string;
  /** JSON text: string[]. */
  scopes: string;
  nonce: string | null;
  code_challenge: string | null;
  code_challenge_method: string | null;
  auth_time: number;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface GrantsTable {
  id: string;
  user_id: string;
  client_id: string;
  /** JSON text: string[]. */
  scopes: string;
  session_id: string | null;
  auth_time: number;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** JSON text: the authorized claims request, an object (migration 0002). */
  claims: string | null;
  /** JSON text: a `GuestRecord` (migration 0002). */
  guest: string | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  /** References grants(id), deleted with it. */
  grant_id: string;
  client_id: string;
  user_id: string;
  /** JSON text: string[]. */
  scopes: string;
  created_at: number;
  expires_at: number;
  rotated_at: number | null;
  replaced_by: string | null;
  withdrawn_at: number | null;
}

export interface ConsentsTable {
  user_id: string;
  client_id: string;
  /** JSON text: string[]. */
  scopes: string;
  created_at: number;
}

export interface ThrottleHitsTable {
  key: string;
  at: number;
}

/** Back-channel logout tokens waiting to be delivered (migration 0004). */
export interface BackchannelDeliveriesTable {
  id: string;
  client_id: string;
  uri: string;
  logout_token: string;
  attempts: number;
  /** Due from then; moved forward by a claim's lease. Indexed for `claimDue`. */
  next_attempt_at: number;
  created_at: number;
  expires_at: number;
}

/** Dynamically registered clients (migration 0004). */
export interface DynamicClientsTable {
  client_id: string;
  /** JSON text: the client metadata, an object. */
  metadata: string;
  secret_hash: string | null;
  registration_token_hash: string;
  created_at: number;
  updated_at: number;
}

/** Values used once, until they expire (migration 0004). */
export interface OnceKeysTable {
  key: string;
  expires_at: number;
}

/** Pushed authorization requests (migration 0004). */
export interface PushedRequestsTable {
  request_uri_hash: string;
  client_id: string;
  /** JSON text: an object of string values. */
  params: string;
  created_at: number;
  expires_at: number;
}

/**
 * Generated signing keys, one per algorithm, shared by the instances (migration 0005).
 * Superseded by `generated_key_ring` (migration 0006), which copied its keys: no longer written,
 * kept for instances of the previous Sesame during a rolling upgrade, and for that migration.
 */
export interface GeneratedKeysTable {
  alg: string;
  kid: string;
  /** The private key sealed with the instance secret (`tokens/sealed-key.ts`). */
  sealed_key: string;
  created_at: number;
}

/**
 * Generated signing keys, a ring per algorithm numbered by `seq` from 1, shared by the instances
 * (migration 0006). Primary key (alg, seq); (alg, kid) unique.
 */
export interface GeneratedKeyRingTable {
  alg: string;
  seq: number;
  kid: string;
  /** The private key sealed with the instance secret (`tokens/sealed-key.ts`); '' once retired. */
  sealed_key: string;
  created_at: number;
  signs_from: number;
  /** Null until the key is retired. */
  retired_at: number | null;
}

export interface MigrationsTable {
  id: number;
  name: string;
  applied_at: number;
}

/** The whole schema, for `Kysely<Database>`. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  interactions: InteractionsTable;
  authorization_codes: AuthorizationCodesTable;
  grants: GrantsTable;
  refresh_tokens: RefreshTokensTable;
  consents: ConsentsTable;
  throttle_hits: ThrottleHitsTable;
  backchannel_deliveries: BackchannelDeliveriesTable;
  dynamic_clients: DynamicClientsTable;
  once_keys: OnceKeysTable;
  pushed_requests: PushedRequestsTable;
  generated_keys: GeneratedKeysTable;
  generated_key_ring: GeneratedKeyRingTable;
  sesame_migrations: MigrationsTable;
}
