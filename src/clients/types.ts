/** A relying party, as loaded from `identifier-registration.yaml` (konnect-spec §2.1). */
export interface Client {
  readonly id: string;
  /** null: a public client (PKCE required, no secret accepted) unless compat mode relaxes it. */
  readonly secret: string | null;
  /**
   * Only for a dynamically registered client (RFC 7591), whose secret Sesame never keeps in
   * clear: the SHA-256 of its secret (lib/ids `hashToken`), or null when it has none (`secret`
   * is then null too). Absent for every client of the registration file.
   */
  readonly secretHash?: string | null;
  readonly name: string;
  readonly applicationType: 'web' | 'native';
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly origins: readonly string[];
  readonly trusted: boolean;
  readonly trustedScopes: readonly string[];
  readonly insecure: boolean;
  /** Code challenge methods this client may use; ['S256'] unless it registered `plain` too. */
  readonly codeChallengeMethods: readonly ('S256' | 'plain')[];
  readonly jwks: { readonly keys: readonly Record<string, unknown>[] } | null;
  readonly requestObjectSigningAlg: string | null;
  readonly idTokenSignedResponseAlg: string | null;
  readonly userinfoSignedResponseAlg: string | null;
  /**
   * Where Sesame POSTs a logout token when a session this client signed in to ends (OpenID
   * Connect Back-Channel Logout 1.0 §2.2); null: none.
   */
  readonly backchannelLogoutUri: string | null;
  /** The logout token must carry `sid` (Back-Channel Logout §2.2); Sesame always sends it. */
  readonly backchannelLogoutSessionRequired: boolean;
  /** Authorization requests of this client must come through PAR (RFC 9126 §6). */
  readonly requirePushedAuthorizationRequests: boolean;
  /**
   * `token_endpoint_auth_signing_alg` (OIDC Registration §2): the only alg its JWT client
   * assertions may use; one signed or MACed with another is refused. Absent: any alg Sesame
   * supports for the method.
   */
  readonly tokenEndpointAuthSigningAlg?: string;
  /**
   * Registration metadata Konnect stores but never enforces (konnect-spec §2.1), kept for
   * display and for the registration endpoint. Absent when not registered.
   */
  readonly tokenEndpointAuthMethod?: string;
  readonly grantTypes?: readonly string[];
  readonly contacts?: readonly string[];
  readonly uri?: string;
  /** Where the entry came from, for messages: `file:line`. */
  readonly source: string;
}

/** Read access to the current set of clients; the registry swaps its contents on reload. */
export interface ClientLookup {
  get(clientId: string): Client | null;
  /**
   * Called before a request naming `clientId` is answered, so that `get` sees a client that
   * another process sharing the storage has just registered (dynamic clients). May reject with
   * a StorageError. Lookups whose clients all live in memory leave it out.
   */
  catchUp?(clientId: string): Promise<void>;
  /**
   * Every client. A returned list is never changed in place: a reload hands out a new one, so
   * callers may cache what they derive from a list by its identity.
   */
  all(): readonly Client[];
}
