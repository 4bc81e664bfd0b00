import type { KeyObject } from 'node:crypto';
import type { SigningAlg } from '../config/types.js';

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
  /** The access token issued alongside, for `at_hash`. */
  readonly accessToken: string | null;
  /** Extra claims (profile, email) when they go into the ID token. */
  readonly extra?: Readonly<Record<string, unknown>>;
  /**
   * The client's `id_token_signed_response_alg` (OIDC Registration §2), used when the signing
   * key can produce it; otherwise, or when absent, the configured algorithm.
   */
  readonly alg?: string | null;
}

/** RFC 9068 access token contents. Carries no personal data beyond `sub`. */
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
  /** Public keys for `/konnect/v1/jwks.json`, every key with a `kid`. */
  jwks(): { readonly keys: readonly PublicJwk[] };
  mintIdToken(claims: IdTokenClaims): Promise<string>;
  mintAccessToken(claims: Omit<AccessTokenClaims, 'jti' | 'exp' | 'iat'>): Promise<string>;
  /**
   * Userinfo as a signed JWT (OIDC Core §5.3.2) for a client registered with
   * `userinfo_signed_response_alg`: the claims plus `iss` and `aud`. Signed with `alg` when the
   * signing key can produce it, else with the configured algorithm.
   */
  mintUserinfo(claims: Readonly<Record<string, unknown>>, audience: string, alg: string): Promise<string>;
  /** Throws OAuthError('invalid_token') for anything not a valid, unexpired access token of ours. */
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
  /** Verifies an ID token we issued, ignoring expiry (OIDC RP-Initiated Logout §2); null when not ours. */
  verifyIdTokenHint(token: string): Promise<IdTokenHint | null>;
}
