import type { PostalAddress } from '../storage/types.js';

/**
 * A postal address as the `address` claim carries it (OpenID Connect Core §5.1.1): every
 * member optional, named as in the claim. `formatted` is the whole address for display and
 * may hold line breaks (`\n`). One type for storage and identity: storage keeps what a
 * backend releases.
 */
export type { PostalAddress };

/** The members of {@link PostalAddress}, in the order OpenID Connect Core §5.1.1 lists them. */
export const POSTAL_ADDRESS_MEMBERS = Object.freeze([
  'formatted',
  'street_address',
  'locality',
  'region',
  'postal_code',
  'country',
] as const);

/** A user as an identity backend knows them. No HTTP types here. */
export interface Identity {
  /**
   * The raw subject: stable for the life of the account. Builtin: the user's UUID; LDAP: the
   * entry DN as the server returns it (konnect-spec §5.1).
   */
  readonly id: string;
  readonly username: string;
  readonly name: string | null;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly groups?: readonly string[];
  /** LDAP_UUID_ATTRIBUTE value, for scope `konnect/uuid` (claim `kc.uuid`). */
  readonly uuid?: string | null;
  /** LDAP_UIDNUMBER_ATTRIBUTE value, for scope `konnect/id` (claim `id`). */
  readonly numericId?: number | null;
  /** The `phone_number` claim (scope `phone`, OpenID Connect Core §5.1), as the backend has it. */
  readonly phoneNumber?: string | null;
  /** The `phone_number_verified` claim; false when absent. */
  readonly phoneNumberVerified?: boolean;
  /** The `address` claim (scope `address`, OpenID Connect Core §5.1.1). */
  readonly address?: PostalAddress | null;
}

/**
 * Where users and their passwords live. Implementations: `builtin/` (Sesame's storage) and
 * `ldap/`. All of them pass the suite in `conformance/`.
 */
export interface IdentityBackend {
  /**
   * The backend name that goes into the keyed subject hash (konnect-spec §5.1):
   * `identifier-ldap` for LDAP, `identifier-builtin` for Sesame's own users.
   */
  readonly subjectNamespace: string;
  /**
   * Checks a username and password. Returns null for any wrong combination (unknown user,
   * wrong password, empty password) without saying which. Throws `IdentityUnavailableError`
   * when the backend cannot be reached.
   */
  authenticate(username: string, password: string): Promise<Identity | null>;
  /** Looks a user up by raw id; null when gone. Throws `IdentityUnavailableError`. */
  getUser(id: string): Promise<Identity | null>;
  /** Scopes this backend can serve beyond the standard ones (e.g. `konnect/id` with a uidNumber attribute). */
  readonly extraScopes?: readonly string[];
  /**
   * Checks that the backend can serve sign-ins now, for `/health-check` and the start-up
   * readiness report. Resolves when it can; throws `IdentityUnavailableError` whose message
   * says why and what the operator should check. Absent for a backend with no dependency of its
   * own (built-in users live in storage, which is checked on its own).
   */
  probe?(): Promise<void>;
  close(): Promise<void>;
}

/** The directory or database behind a backend cannot be reached right now. */
export class IdentityUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdentityUnavailableError';
  }
}
