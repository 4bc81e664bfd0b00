export type SigningAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

/**
 * The access token profile (DESIGN.md): `rfc9068` (an `at+jwt` with the hashed subject and a
 * grant id, nothing else about the user) or `konnect` (Konnect's claims — `kc.isAccessToken`,
 * `kc.authorizedScopes`, `kc.identity` with the user id, username and display name — which
 * Kopano Meet's kwmserver and kapi require; kopano-meet.md req. 21).
 */
export type AccessTokenFormat = 'rfc9068' | 'konnect';
export type LogFormat = 'json' | 'text';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export type StorageConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'memory' }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      /** Connections in the pool (`storage_pool_size`); absent: 10. */
      readonly poolSize?: number;
    };

/**
 * The LDAP identity backend (konnect-spec §1.4). Built from Konnect's `LDAP_*` variables, or
 * Cloudron's `CLOUDRON_LDAP_*` ones when those are absent (`config/ldap-env.ts`).
 */
export interface LdapConfig {
  /** `ldap://host[:port]` or `ldaps://host[:port]`. */
  readonly uri: string;
  /** Service bind; both null for an anonymous bind. */
  readonly bindDn: string | null;
  readonly bindPassword: string | null;
  readonly baseDn: string;
  readonly scope: 'sub' | 'one' | 'base';
  /** Base filter for user entries, e.g. `(objectClass=inetOrgPerson)`. */
  readonly filter: string;
  readonly attributes: {
    readonly login: string;
    readonly email: string;
    readonly name: string;
    readonly familyName: string;
    readonly givenName: string;
    readonly uuid: string;
    readonly uuidType: 'text' | 'binary' | 'uuid';
    /** Numeric id for scope `konnect/id`; null: the scope is not offered. */
    readonly uidNumber: string | null;
    /** Attributes forming the raw subject instead of the DN (`LDAP_SUB_ATTRIBUTES`); empty: the DN. */
    readonly sub: readonly string[];
    /** `phone_number` for scope `phone` (`LDAP_PHONE_ATTRIBUTE`, default `telephoneNumber`). */
    readonly phone: string;
    /**
     * The `address` claim's `formatted` for scope `address` (`LDAP_ADDRESS_ATTRIBUTE`, default
     * `postalAddress`), its `$`-separated lines joined with newlines.
     */
    readonly address: string;
  };
  /** The `groups` claim (scope `groups`). */
  readonly groups: {
    /** `memberOf`: read the user's memberOf attribute; `search`: search groups under `baseDn`; `none`. */
    readonly source: 'none' | 'memberOf' | 'search';
    readonly baseDn: string | null;
    /** Group object filter for `search`, e.g. `(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))`. */
    readonly filter: string;
    /** Attribute holding the group name put in the claim (`cn`). */
    readonly nameAttribute: string;
  };
  /** Upgrade ldap:// with StartTLS. */
  readonly startTls: boolean;
  /** Skip TLS certificate verification (konnectd `--insecure`). */
  readonly insecureTls: boolean;
  /** Per-request timeout. */
  readonly timeoutSeconds: number;
}

export type IdentityConfig =
  { readonly kind: 'builtin' } | { readonly kind: 'ldap'; readonly ldap: LdapConfig };

/** Lifetimes, in seconds. */
export interface Lifetimes {
  readonly accessToken: number;
  readonly idToken: number;
  readonly refreshToken: number;
  readonly code: number;
  readonly interaction: number;
  readonly sessionIdle: number;
  readonly sessionAbsolute: number;
  /** How long after rotation a refresh token may still be presented once more (client retry). */
  readonly refreshGrace: number;
}

/**
 * Konnect-compatibility relaxations (DESIGN.md). All false unless `compat: konnect` or the
 * `konnectd` front door turns them on.
 */
export interface CompatRelaxations {
  /** A client registered without a secret accepts any secret (konnect-spec §2.4). */
  readonly anySecretForSecretlessClients: boolean;
  /**
   * Redirect URIs compared on scheme+host+path: the requested URI's query and fragment are cut
   * off before it is compared (konnect-spec §2.2; Kopano Meet's `…/meet/#oidc-callback`).
   */
  readonly redirectUriIgnoresQuery: boolean;
  /** Redirect URIs on the issuer's own host are trusted without registration (konnect-spec §2.3). */
  readonly implicitTrustOnIssuerHost: boolean;
  /**
   * Rocket.Chat's fetch-based variant (konnect-spec §9.2): token-endpoint parameters in the
   * query string of an empty POST, and Basic credentials sent without the `Basic ` prefix.
   */
  readonly lenientTokenRequests: boolean;
  /**
   * A trusted client (registered `trusted: yes`, or implicitly trusted) is granted every scope
   * it requests, scopes Sesame does not know included (Konnect: `approvedScopes = ar.Scopes`;
   * Kopano Meet's `kopano/kwm`, kopano-meet.md req. 12).
   */
  readonly trustedClientsGetAllScopes: boolean;
}

/**
 * argon2id's cost for new hashes of built-in users' passwords (`passwords.*`; RFC 9106 §3.1).
 * A stored hash keeps the parameters it was made with; one made with others is replaced at the
 * user's next sign-in.
 */
export interface PasswordHashing {
  /** Memory, KiB (`m`): at least 8 per lane. */
  readonly memoryKib: number;
  /** Passes over the memory (`t`). */
  readonly iterations: number;
  /** Lanes (`p`). */
  readonly parallelism: number;
}

/** `branding` of sesame.yaml: how the pages look. URLs are absolute http(s) URLs. */
export interface BrandingConfig {
  readonly productName: string;
  /** Absolute path of the logo file (PNG, SVG, JPEG or WebP, checked at load); null: none. */
  readonly logo: string | null;
  /** `#rrggbb`, lower-case; null: Sesame's colours. */
  readonly accentColor: string | null;
  readonly forgotPasswordUrl: string | null;
  readonly imprintUrl: string | null;
  readonly privacyUrl: string | null;
}

/** The frozen, typed configuration both front doors produce. Only `config/` reads the environment. */
export interface Config {
  /** No trailing slash. */
  readonly issuer: string;
  readonly listen: { readonly host: string; readonly port: number };
  readonly dataDir: string;
  readonly storage: StorageConfig;
  readonly identity: IdentityConfig;
  /** Path of a Konnect-format identifier-registration.yaml, or null for none. */
  readonly registration: string | null;
  /**
   * Konnect's identifier-scopes.yaml (konnect-spec §2.6): extra scopes to offer, and their
   * descriptions for the consent page. Absent or null: none.
   */
  readonly identifierScopes?: string | null;
  readonly signing: {
    readonly alg: SigningAlg;
    /**
     * PEM files; when empty a key is generated and kept in `dataDir`, or in PostgreSQL storage
     * sealed with the instance secret (`tokens/shared-signing-key.ts`).
     */
    readonly keys: readonly string[];
    /**
     * The kid of the first key instead of the one derived from its file (konnectd
     * `--signing-kid`, konnect-spec §3.3); the derived kid stays published for verification.
     * Absent or null: derived.
     */
    readonly kid?: string | null;
    /**
     * Directory of extra public keys (`*.pem`, `*.json`; kid = file name) published in the
     * JWKS and accepted when verifying tokens (konnectd `--validation-keys-path`,
     * konnect-spec §3.2). Absent or null: none.
     */
    readonly validationKeysPath?: string | null;
    /**
     * Seconds a key `sesame keys rotate` adds is published before it signs (issue 10). Absent:
     * `DEFAULT_PUBLISH_DELAY_SECONDS`.
     */
    readonly publishDelay?: number;
  };
  readonly lifetimes: Lifetimes;
  readonly compat: CompatRelaxations;
  readonly log: {
    readonly level: LogLevel;
    readonly format: LogFormat;
    /** Print the time on each line (konnectd `--log-timestamp`); absent: true. */
    readonly timestamp?: boolean;
  };
  /**
   * Where the 32-byte instance secret (CSRF key) comes from. Absent: `<dataDir>/secret.key`,
   * created when missing. `file`: konnectd `--encryption-secret` (exactly 32 raw bytes,
   * konnect-spec §1.3). `ephemeral`: random per start (konnectd without a secret file).
   */
  readonly instanceSecret?: { readonly kind: 'file'; readonly path: string } | { readonly kind: 'ephemeral' };
  /**
   * Only these scopes may be granted or advertised (konnectd `--allow-scope`, konnect-spec
   * §1.3). Absent, null or empty: every supported scope.
   */
  readonly allowedScopes?: readonly string[] | null;
  /** The access token profile. */
  readonly accessTokenFormat: AccessTokenFormat;
  /**
   * OpenID Connect Session Management 1.0 as Konnect did it (kopano-meet.md req. 32–34):
   * `check_session_iframe`, the browser-state cookie and `session_state`.
   */
  readonly sessionManagement: boolean;
  /**
   * Konnect's guests (konnectd `--allow-client-guests`, kopano-meet.md req. 36–39): a
   * registered client's signed request object may sign in a guest without a session.
   */
  readonly allowClientGuests: boolean;
  /**
   * Dynamic client registration (RFC 7591, RFC 7592) at the registration endpoint; konnectd
   * `--allow-dynamic-client-registration`.
   */
  readonly allowDynamicClientRegistration: boolean;
  /** Create a demo user and client on first start and print them. */
  readonly demo: boolean;
  /** The pages' product name, logo, accent colour and links (`branding.*`). Absent or null: Sesame's own. */
  readonly branding?: BrandingConfig | null;
  /** Proxies whose X-Forwarded-For / -Proto are believed (addresses or CIDRs). */
  readonly trustedProxies: readonly string[];
  /** Sign-in throttle (docs/security.md). */
  readonly throttle: {
    readonly windowSeconds: number;
    /** Failures of one account from one address within the window before that pair is locked. */
    readonly maxFailuresPerAccountAddress: number;
    /**
     * Failures of one account from all addresses within the window after which further
     * attempts for it are slowed down — spaced `accountIntervalSeconds` apart — not locked, so
     * an attacker elsewhere cannot lock the owner out.
     */
    readonly maxFailuresPerAccount: number;
    readonly accountIntervalSeconds: number;
    /** Failures from one address (IPv6 /64) within the window before the address is locked. */
    readonly maxFailuresPerAddress: number;
  };
  /** argon2id's cost for new built-in password hashes (docs/security.md). */
  readonly passwords: PasswordHashing;
  /** Limits of the HTTP server against slow or many clients (docs/security.md). */
  readonly http: {
    /** A request (headers and body) must arrive within this, seconds. */
    readonly requestTimeoutSeconds: number;
    /** Request headers must arrive within this, seconds. */
    readonly headersTimeoutSeconds: number;
    /** An idle keep-alive connection is closed after this, seconds. */
    readonly keepAliveTimeoutSeconds: number;
    /** Connections open at once; further ones are refused. */
    readonly maxConnections: number;
  };
  /**
   * Prometheus metrics at `/metrics` on a listener of their own, never the public port
   * (`metrics.listen`; konnectd `--with-metrics`, `--metrics-listen`). Absent or null: off.
   */
  readonly metrics?: { readonly listen: { readonly host: string; readonly port: number } } | null;
  /** Caps on what unauthenticated requests and files may make Sesame hold (docs/security.md). */
  readonly limits: {
    /** Pending sign-ins (interactions) stored at once, in total. */
    readonly pendingSignIns: number;
    /** Pending sign-ins stored at once for one client address (IPv6 /64). */
    readonly pendingSignInsPerAddress: number;
    /** Largest identifier-registration.yaml accepted, bytes. */
    readonly registrationFileBytes: number;
  };
}
