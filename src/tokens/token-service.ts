import { SignJWT } from 'jose';
import type { SigningAlg } from '../config/types.js';
import { type Clock, epochSeconds } from '../lib/clock.js';
import { randomToken } from '../lib/ids.js';
import { buildJwks } from './jwks.js';
import { keyFitsAlg } from './key-algs.js';
import { tokenHash } from './token-hash.js';
import type { AccessTokenClaims, IdTokenClaims, SigningKey, TokenService, VerificationKey } from './types.js';
import { verifyAccessToken, verifyIdTokenHint } from './verify.js';

export interface TokenServiceOptions {
  /** No trailing slash; becomes `iss` and is required of every token verified. */
  readonly issuer: string;
  /** Signing keys, the preferred one first (see `loadOrGenerateSigningKeys`). */
  readonly keys: readonly SigningKey[];
  /**
   * Public keys that only verify (konnectd `--validation-keys-path`, konnect-spec §3.2):
   * published in the JWKS and accepted for ID token hints and access tokens. Their kids must
   * differ from the signing keys' (see `mergeValidationKeys`).
   */
  readonly validationKeys?: readonly VerificationKey[];
  readonly alg: SigningAlg;
  /** Seconds. */
  readonly lifetimes: { readonly accessToken: number; readonly idToken: number };
  readonly clock: Clock;
}

/**
 * Claims the ID token always sets itself (RFC 7519 §4.1, OIDC Core §2, §3.1.3.6). `extra`
 * claims with these names are dropped, so profile data can never forge them.
 */
const registeredIdTokenClaims = new Set([
  ...['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'auth_time', 'nonce', 'acr', 'amr', 'azp'],
  ...['sid', 'at_hash', 'c_hash', 's_hash', 'cnf', 'client_id', 'scope', 'grant_id'],
]);

/**
 * Mints and verifies Sesame's tokens with `jose`, signing with the first key that suits
 * `alg`; the JWK set publishes every key, validation keys included, and any of them verifies.
 *
 * - ID token (OIDC Core §2): header `{alg, kid, typ: "JWT"}` (konnect-spec §4.7); `iss`,
 *   `sub`, `aud`, `azp`, `iat`, `exp`, `auth_time`, and `nonce`, `sid`, `at_hash` when given.
 * - Access token (RFC 9068): header `typ: "at+jwt"`; `iss`, `sub`, `aud` and `client_id` (the
 *   client id), `scope`, `jti`, `iat`, `exp`, `grant_id`, nothing else about the user.
 *
 * Throws `TypeError` when no key suits `alg` or a lifetime is not a positive integer.
 */
export async function createTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const { issuer, keys, alg, lifetimes, clock } = options;
  const signingKey = keys.find((key) => keyFitsAlg(key.privateKey, alg));
  if (signingKey === undefined) throw new TypeError(`no signing key suits ${alg}`);
  for (const [name, seconds] of [
    ['accessToken', lifetimes.accessToken],
    ['idToken', lifetimes.idToken],
  ] as const) {
    if (!Number.isInteger(seconds) || seconds <= 0)
      throw new TypeError(`lifetime ${name} must be a positive integer`);
  }
  const verificationKeys: readonly VerificationKey[] = [...keys, ...(options.validationKeys ?? [])];
  const jwks = await buildJwks(verificationKeys);
  const verifyContext = { issuer, keys: verificationKeys, alg, clock };

  /** The client's algorithm when the key can produce it, else the configured one. */
  const algFor = (requested: string | null | undefined): SigningAlg =>
    requested && keyFitsAlg(signingKey.privateKey, requested) ? requested : alg;

  const sign = (
    payload: Record<string, unknown>,
    typ: string,
    lifetime: number,
    useAlg: string = alg,
  ): Promise<string> => {
    const now = epochSeconds(clock);
    return new SignJWT(payload)
      .setProtectedHeader({ alg: useAlg, kid: signingKey.kid, typ })
      .setIssuer(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + lifetime)
      .sign(signingKey.privateKey);
  };

  return {
    alg,
    jwks: () => jwks,

    mintIdToken(claims: IdTokenClaims): Promise<string> {
      requireText('sub', claims.sub);
      requireText('aud', claims.aud);
      const payload: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(claims.extra ?? {})) {
        if (!registeredIdTokenClaims.has(name) && value !== undefined) payload[name] = value;
      }
      Object.assign(payload, {
        sub: claims.sub,
        aud: claims.aud,
        azp: claims.aud,
        auth_time: claims.authTime,
        ...(claims.nonce === null ? {} : { nonce: claims.nonce }),
        ...(claims.sid === null ? {} : { sid: claims.sid }),
        ...(claims.accessToken === null
          ? {}
          : { at_hash: tokenHash(claims.accessToken, algFor(claims.alg)) }),
      });
      return sign(payload, 'JWT', lifetimes.idToken, algFor(claims.alg));
    },

    mintAccessToken(claims: Omit<AccessTokenClaims, 'jti' | 'exp' | 'iat'>): Promise<string> {
      requireText('sub', claims.sub);
      requireText('clientId', claims.clientId);
      requireText('grantId', claims.grantId);
      const payload = {
        sub: claims.sub,
        aud: claims.clientId,
        client_id: claims.clientId,
        scope: claims.scopes.join(' '),
        grant_id: claims.grantId,
        // 18 random bytes: 24 characters, like Konnect's jti (konnect-spec §4.7)
        jti: randomToken(18),
      };
      return sign(payload, 'at+jwt', lifetimes.accessToken);
    },

    mintUserinfo(claims, audience, requestedAlg): Promise<string> {
      requireText('aud', audience);
      return new SignJWT({ ...claims, aud: audience })
        .setProtectedHeader({ alg: algFor(requestedAlg), kid: signingKey.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setIssuedAt(epochSeconds(clock))
        .sign(signingKey.privateKey);
    },

    verifyAccessToken: (token) => verifyAccessToken(token, verifyContext),
    verifyIdTokenHint: (token) => verifyIdTokenHint(token, verifyContext),
  };
}

/** Programmer misuse, not peer input: an empty subject or audience must never be signed. */
function requireText(name: string, value: string): void {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
}
