import type { KeyObject } from 'node:crypto';
import type { AccessTokenFormat, SigningAlg } from '../config/types.js';

/**
 * A public key tokens may be verified with and that the JWKS publishes. Invariants: the key
 * is asymmetric and suits at least one `SigningAlg` (RSA ≥ 2048 bits with e ≥ 65537, EC
 * P-256, or Ed25519); `kid` is never empty (konnect-spec §3.2, §3.3).
 */
export interface VerificationKey {
  readonly kid: string;
  readonly publicKey: KeyObject;
  /** Where the key came from (a file path), for log and error messages. */
  readonly source: string;
}

/** A private signing key and its public half, with the invariants of `VerificationKey`. */
export interface SigningKey extends VerificationKey {
  readonly privateKey: KeyObject;
}

export interface PublicJwk {
  readonly kty: string;
  readonly kid: string;
  readonly use: 'sig';
  /** Absent for RSA keys, which sign both RS256 and PS256 (a client may ask for either). */
  readonly alg?: string;
  readonly [param: string]: unknown;
}

/** ID token claims Sesame sets (OIDC Core §2, §3.1.3.6). Times in epoch seconds. */
export interface IdTokenClaims {
  readonly sub: string;
  readonly aud: string;
  readonly authTime: number;
  readonly nonce: string | null;
  readonly sid: string | null;
  /** The access token issued alongside, for `at_hash` (OIDC Core §3.1.3.6, §3.2.2.10). */
  readonly accessToken: string | null;
  /**
   * The authorization code returned alongside in a hybrid response (`code id_token`), for
   * `c_hash` (OIDC Core §3.3.2.11). Absent or null: no `c_hash`.
   */
  readonly code?: string | null;
  /** Extra claims (profile, email) when they go into the ID token. */
  readonly extra?: Readonly<Record<string, unknown>>;
  /**
   * The client's `id_token_signed_response_alg` (OIDC Registration §2), used when the signing
   * key can produce it; otherwise, or when absent, the configured algorithm. `none` makes the
   * ID token an unsecured JWT: the caller passes it only at the token endpoint, since `none`
   * is never allowed for an ID token returned from the authorization endpoint.
   */
  readonly alg?: string | null;
}

/**
 * What Konnect-format access tokens say about the user (konnect:claims.go:28-59,
 * kopano-meet.md req. 21, 38). Only used when the format is `konnect`.
 */
export interface KonnectAccessTokenData {
  /**
   * The `sub` of a Konnect-format token: the ID token's, raw under `konnect/raw_sub`, since
   * kwmserver compares the two (kopano-meet.md req. 22). The input's `sub` (the public
   * subject) is used in the rfc9068 format.
   */
  readonly sub: string;
  /**
   * The `kc.identity` object: `kc.i.id` (the backend user id; kwmserver's user id), `kc.i.un`
   * (username), `kc.i.dn` (display name); for guests `kc.i.id`, `kc.i.guest: true` and
   * `kc.i.da`. Copied into the token as given.
   */
  readonly identity: Readonly<Record<string, unknown>>;
  /** `kc.provider`: the identity manager's name, e.g. `identifier-ldap` or `guest`. */
  readonly provider: string;
  /** `kc.authorizedClaims`: the authorized claims request (OIDC Core §5.5); null: omitted. */
  readonly authorizedClaims: unknown | null;
}

/** What the caller supplies to mint an access token; the token service adds the rest. */
export interface AccessTokenInput {
  readonly sub: string;
  readonly clientId: string;
  /** The granted scopes, in order (RFC 9068 `scope` / Konnect `kc.authorizedScopes`). */
  readonly scopes: readonly string[];
  /** The grant the token belongs to; revoking the grant ends the token. */
  readonly grantId: string;
  /** Required when the configured format is `konnect`; ignored for `rfc9068`. */
  readonly konnect?: KonnectAccessTokenData;
}

/**
 * A verified access token of either format, reduced to what Sesame acts on. Carries no
 * personal data beyond `sub`.
 */
export interface AccessTokenClaims {
  readonly sub: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** The grant the token belongs to; revoking the grant ends the token. */
  readonly grantId: string;
  readonly jti: string;
  /** epoch seconds */
  readonly exp: number;
  readonly iat: number;
  /** The format the token was minted in, which need not be the one configured now. */
  readonly format: AccessTokenFormat;
}

/**
 * What a logout token says (OpenID Connect Back-Channel Logout 1.0 §2.4), besides `iss`,
 * `iat`, `exp` and `events`, which the token service sets.
 */
export interface LogoutTokenClaims {
  /** The client id. */
  readonly aud: string;
  /** The session's public id, as in the client's ID tokens. Sesame always sends it. */
  readonly sid: string;
  /**
   * The `sub` of the client's ID tokens for this user; null leaves it out, which §2.4 allows
   * because `sid` is present.
   */
  readonly sub: string | null;
  /** Absent: a new random one. A retried delivery keeps the first token's. */
  readonly jti?: string;
  /** The client's `id_token_signed_response_alg`, used when the signing key can produce it. */
  readonly alg?: string | null;
}

export interface IdTokenHint {
  readonly sub: string;
  readonly aud: string;
  readonly sid: string | null;
}

/** Minting and verifying Sesame's own tokens. All JOSE work goes through `jose`. */
export interface TokenService {
  /** The signing algorithm used unless a client asks for another one it may use. */
  readonly alg: SigningAlg;
  /** The format `mintAccessToken` produces; both formats verify. */
  readonly accessTokenFormat: AccessTokenFormat;
  /** Public keys for `/konnect/v1/jwks.json`, every key with a `kid`. */
  jwks(): { readonly keys: readonly PublicJwk[] };
  mintIdToken(claims: IdTokenClaims): Promise<string>;
  /**
   * An access token in the configured format (see `createTokenService`). Throws TypeError
   * when the format is `konnect` and `input.konnect` is missing.
   */
  mintAccessToken(input: AccessTokenInput): Promise<string>;
  /**
   * Userinfo as a signed JWT (OIDC Core §5.3.2) for a client registered with
   * `userinfo_signed_response_alg`: the claims plus `iss` and `aud`, less Konnect's token-type
   * markers (`kc.isAccessToken`, `kc.isRefreshToken`). Signed with `alg` when the signing key
   * can produce it, else with the configured algorithm.
   */
  mintUserinfo(claims: Readonly<Record<string, unknown>>, audience: string, alg: string): Promise<string>;
  /**
   * Accepts an unexpired access token of ours in either format, whatever the configured one
   * (a configuration change must not break tokens in flight). Throws
   * OAuthError('invalid_token') for anything else, ID tokens included.
   */
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
  /** Verifies an ID token we issued, ignoring expiry (OIDC RP-Initiated Logout §2); null when not ours. */
  verifyIdTokenHint(token: string): Promise<IdTokenHint | null>;
  /**
   * A logout token (OpenID Connect Back-Channel Logout 1.0 §2.4): header
   * `{alg, kid, typ: "logout+jwt"}`; `iss`, `aud`, `iat`, `exp` (two minutes), `jti`,
   * `events` with the back-channel logout event, `sid`, and `sub` when given; never `nonce`.
   * Signed like ID tokens: in `claims.alg` when the signing key can produce it, else the
   * configured algorithm. Throws TypeError for an empty `aud`, `sid`, `sub` or `jti`.
   */
  mintLogoutToken(claims: LogoutTokenClaims): Promise<string>;
  /**
   * A logout token we minted, minted again now with the same `jti`, `aud`, `sub`, `sid` and
   * algorithm, so a delivery retried after the first token expired still arrives valid
   * (§2.4's short lifetime). Null when `token` is not a logout token of ours.
   */
  renewLogoutToken(token: string): Promise<string | null>;
}
