export type SigningAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';
export type LogFormat = 'json' | 'text';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export type StorageConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'memory' }
  | { readonly kind: 'postgres'; readonly url: string };

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
  /** Redirect URIs compared on scheme+host+path, query dropped (konnect-spec §2.2). */
  readonly redirectUriIgnoresQuery: boolean;
  /** Redirect URIs on the issuer's own host are trusted without registration (konnect-spec §2.3). */
  readonly implicitTrustOnIssuerHost: boolean;
}

/** The frozen, typed configuration both front doors produce. Only `config/` reads the environment. */
export interface Config {
  /** No trailing slash. */
  readonly issuer: string;
  readonly listen: { readonly host: string; readonly port: number };
  readonly dataDir: string;
  readonly storage: StorageConfig;
  readonly identity: { readonly kind: 'builtin' };
  /** Path of a Konnect-format identifier-registration.yaml, or null for none. */
  readonly registration: string | null;
  readonly signing: {
    readonly alg: SigningAlg;
    /** PEM files; when empty a key is generated and kept in `dataDir`. */
    readonly keys: readonly string[];
  };
  readonly lifetimes: Lifetimes;
  readonly compat: CompatRelaxations;
  readonly log: { readonly level: LogLevel; readonly format: LogFormat };
  /** Create a demo user and client on first start and print them. */
  readonly demo: boolean;
  /** Proxies whose X-Forwarded-For / -Proto are believed (addresses or CIDRs). */
  readonly trustedProxies: readonly string[];
  readonly throttle: {
    readonly windowSeconds: number;
    readonly maxFailuresPerAccount: number;
    readonly maxFailuresPerAddress: number;
  };
}
