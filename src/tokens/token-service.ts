import { UnsecuredJWT } from 'jose';
import type { AccessTokenFormat, SigningAlg } from '../config/types.js';
import { type Clock, epochSeconds } from '../lib/clock.js';
import { accessTokenContents, accessTokenFormats, requireText } from './access-token-formats.js';
import { keyFitsAlg } from './key-algs.js';
import { signJws } from './jws-sign.js';
import { fixedKeySource, type KeySource } from './key-source.js';
import {
  LOGOUT_TOKEN_LIFETIME_SECONDS,
  LOGOUT_TOKEN_TYPE,
  logoutTokenPayload,
  readLogoutToken,
} from './logout-token.js';
import { tokenHash } from './token-hash.js';
import type {
  AccessTokenInput,
  IdTokenClaims,
  LogoutTokenClaims,
  SigningKey,
  TokenService,
  VerificationKey,
} from './types.js';
import { VerifiedTokenCache } from './verified-token-cache.js';
import { verifyAccessToken, verifyIdTokenHint } from './verify.js';

export interface TokenServiceOptions {
  /** No trailing slash; becomes `iss` and is required of every token verified. */
  readonly issuer: string;
  /**
   * Signing keys, the preferred one first (see `loadOrGenerateSigningKeys`); or a source whose
   * keys may change while the instance runs (a ring of generated keys, `key-ring.ts`).
   */
  readonly keys: readonly SigningKey[] | KeySource;
  /**
   * Public keys that only verify (konnectd `--validation-keys-path`, konnect-spec §3.2):
   * published in the JWKS and accepted for ID token hints and access tokens. Their kids must
   * differ from the signing keys' (see `mergeValidationKeys`). Only with a list of `keys`.
   */
  readonly validationKeys?: readonly VerificationKey[];
  readonly alg: SigningAlg;
  /** The access token format minted (kopano-meet.md req. 21); absent: `rfc9068`. */
  readonly accessTokenFormat?: AccessTokenFormat;
  /** Seconds. */
  readonly lifetimes: { readonly accessToken: number; readonly idToken: number };
  readonly clock: Clock;
}

/**
 * Konnect's token-type markers. kwmserver and kapi take any JWT of ours that has
 * `kc.isAccessToken: true` for an access token (libkcoidc v0.7.2 claims.go:53-61), so an ID
 * token or a signed userinfo response must never carry them, whatever the profile data says.
 */
const konnectTokenMarkers = ['kc.isAccessToken', 'kc.isRefreshToken'];

/**
 * Claims the ID token always sets itself (RFC 7519 §4.1, OIDC Core §2, §3.1.3.6). `extra`
 * claims with these names are dropped, so profile data can never forge them.
 */
const registeredIdTokenClaims = new Set([
  ...['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'auth_time', 'nonce', 'acr', 'amr', 'azp'],
  ...['sid', 'at_hash', 'c_hash', 's_hash', 'cnf', 'client_id', 'scope', 'grant_id'],
  ...konnectTokenMarkers,
  ...['kc.authorizedScopes', 'kc.authorizedClaims', 'kc.identity', 'kc.provider'],
]);

/**
 * Mints Sesame's tokens (signed by `signJws`: node:crypto for ES256 and EdDSA, jose for RSA)
 * and verifies them with `jose`, signing with the first key that suits `alg`; the JWK set
 * publishes every key, validation keys included, and any of them verifies.
 *
 * - ID token (OIDC Core §2): header `{alg, kid, typ: "JWT"}` (konnect-spec §4.7); `iss`,
 *   `sub`, `aud`, `azp`, `iat`, `exp`, `auth_time`, and `nonce`, `sid`, `at_hash` (with the
 *   access token, §3.1.3.6) and `c_hash` (with the code, §3.3.2.11) when given. With
 *   `claims.alg` `none` — a client registered with `id_token_signed_response_alg: none`, whose
 *   ID tokens the caller issues only from the token endpoint (OIDC Registration §2) — an
 *   unsecured JWT with the same claims but no `kid`, `typ`, `at_hash` or `c_hash`.
 * - Access token, in the configured `accessTokenFormat`, always signed with `alg`:
 *   - `rfc9068` (the default; RFC 9068 §2): header `{alg, kid, typ: "at+jwt"}`; `iss`, `sub`,
 *     `aud` and `client_id` (the client id), `scope`, `grant_id`, `jti`, `iat`, `exp` —
 *     nothing else about the user.
 *   - `konnect` (kopano-meet.md req. 21–23; konnect:claims.go, oidc/provider/tokens.go
 *     makeAccessToken), for Kopano Meet's kwmserver and kapi: header `{alg, kid, typ: "JWT"}`;
 *     `iss`, `sub`, `aud` (the client id as a string), `exp`, `iat`, `jti`,
 *     `kc.isAccessToken: true`, `kc.authorizedScopes`, `kc.authorizedClaims` (when not null),
 *     `kc.identity`, `kc.provider`, plus `grant_id` and `client_id`. This format carries the
 *     user's backend id, username and display name, as Konnect's did.
 *
 *   `iat` is the clock's current second, never later: libkcoidc allows no skew (req. 23).
 *   `verifyAccessToken` accepts both formats whatever the configured one, so changing the
 *   setting does not break tokens already issued.
 *
 * - Logout token (OpenID Connect Back-Channel Logout 1.0 §2.4; `logout-token.ts`): header
 *   `{alg, kid, typ: "logout+jwt"}`; `iss`, `aud`, `iat`, `exp` (two minutes), `jti`,
 *   `events`, `sid` and `sub` when known; never `nonce`. Signed like the client's ID tokens.
 *
 * Throws `TypeError` when no key suits `alg`, the format is unknown, or a lifetime is not a
 * positive integer.
 */
export async function createTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const { issuer, alg, lifetimes, clock } = options;
  const keys =
    'current' in options.keys
      ? options.keys
      : await fixedKeySource(options.keys, options.validationKeys ?? [], alg);
  const accessTokenFormat = options.accessTokenFormat ?? 'rfc9068';
  if (!accessTokenFormats.includes(accessTokenFormat))
    throw new TypeError(`unknown access token format ${String(accessTokenFormat)}`);
  for (const [name, seconds] of [
    ['accessToken', lifetimes.accessToken],
    ['idToken', lifetimes.idToken],
  ] as const) {
    if (!Number.isInteger(seconds) || seconds <= 0)
      throw new TypeError(`lifetime ${name} must be a positive integer`);
  }
  // The keys of the moment of each call: a ring may publish, start or retire one at any time.
  const verifyContext = {
    issuer,
    alg,
    clock,
    get keys(): readonly VerificationKey[] {
      return keys.current().verification;
    },
  };

  // A token presented again skips the signature check, never the grant's (see the class).
  const verifiedTokens = new VerifiedTokenCache({ clock });

  /**
   * The client's algorithm when the signing key can produce it, else the configured one —
   * never `none`: logout tokens and userinfo responses are always signed.
   */
  const algFor = (signer: SigningKey, requested: string | null | undefined): SigningAlg =>
    requested && keyFitsAlg(signer.privateKey, requested) ? requested : alg;

  /** Header `{alg, kid, typ}`; a refusal rejects the promise, as jose's `SignJWT#sign` did. */
  const signClaims = (
    signer: SigningKey,
    claims: Record<string, unknown>,
    typ: string,
    useAlg: SigningAlg,
  ): Promise<string> => signJws({ kid: signer.kid, typ }, claims, signer.privateKey, useAlg);

  const signWith = (
    signer: SigningKey,
    payload: Record<string, unknown>,
    typ: string,
    lifetime: number,
    useAlg: SigningAlg,
  ): Promise<string> => {
    const now = epochSeconds(clock);
    return signClaims(signer, { ...payload, iss: issuer, iat: now, exp: now + lifetime }, typ, useAlg);
  };

  /** Signs with the signing key of the moment, in the client's `requestedAlg` when it can. */
  const sign = (
    payload: Record<string, unknown>,
    typ: string,
    lifetime: number,
    requestedAlg: string | null = null,
  ): Promise<string> => {
    const { signer } = keys.current();
    return signWith(signer, payload, typ, lifetime, algFor(signer, requestedAlg));
  };

  /**
   * OIDC Core §2, Registration §2 `none`: the ID token as an unsecured JWT (RFC 7519 §6),
   * header `{"alg":"none"}` and an empty signature. No `at_hash` or `c_hash`: both are defined
   * by the hash of the signing alg, and `none` has none; at the token endpoint, the only place
   * such a token is issued, OIDC Core §3.1.3.6 makes `at_hash` optional.
   */
  const mintUnsecuredIdToken = (claims: IdTokenClaims): string => {
    const now = epochSeconds(clock);
    return new UnsecuredJWT(idTokenPayload(claims, {}))
      .setIssuer(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + lifetimes.idToken)
      .encode();
  };

  const mintLogoutToken = async (claims: LogoutTokenClaims): Promise<string> =>
    sign(logoutTokenPayload(claims), LOGOUT_TOKEN_TYPE, LOGOUT_TOKEN_LIFETIME_SECONDS, claims.alg ?? null);

  return {
    alg,
    accessTokenFormat,
    jwks: () => keys.current().jwks,

    mintIdToken(claims: IdTokenClaims): Promise<string> {
      requireText('sub', claims.sub);
      requireText('aud', claims.aud);
      if (claims.alg === 'none') return Promise.resolve(mintUnsecuredIdToken(claims));
      // The hashes follow the alg the token is signed with, so both come from one snapshot.
      const { signer } = keys.current();
      const useAlg = algFor(signer, claims.alg);
      const hashes = {
        ...(claims.accessToken === null ? {} : { at_hash: tokenHash(claims.accessToken, useAlg) }),
        ...(claims.code === null || claims.code === undefined
          ? {}
          : { c_hash: tokenHash(claims.code, useAlg) }),
      };
      return signWith(signer, idTokenPayload(claims, hashes), 'JWT', lifetimes.idToken, useAlg);
    },

    mintAccessToken(input: AccessTokenInput): Promise<string> {
      const { typ, payload } = accessTokenContents(input, accessTokenFormat);
      return sign(payload, typ, lifetimes.accessToken);
    },

    mintUserinfo(claims, audience, requestedAlg): Promise<string> {
      requireText('aud', audience);
      const payload: Record<string, unknown> = { ...claims, aud: audience };
      for (const name of konnectTokenMarkers) delete payload[name];
      const { signer } = keys.current();
      const signed = { ...payload, iss: issuer, iat: epochSeconds(clock) };
      return signClaims(signer, signed, 'JWT', algFor(signer, requestedAlg));
    },

    verifyAccessToken: (token) =>
      verifiedTokens.verify(token, verifyContext.keys, () => verifyAccessToken(token, verifyContext)),
    verifyIdTokenHint: (token) => verifyIdTokenHint(token, verifyContext),

    mintLogoutToken,

    async renewLogoutToken(token: string): Promise<string | null> {
      const claims = await readLogoutToken(token, verifyContext);
      return claims === null ? null : mintLogoutToken(claims);
    },
  };
}

/**
 * The ID token's claims besides `iss`, `iat` and `exp`: the `extra` user claims that do not
 * shadow a registered one, then `sub`, `aud`, `azp`, `auth_time`, and `nonce`, `sid` and the
 * token hashes when there are any.
 */
function idTokenPayload(
  claims: IdTokenClaims,
  hashes: { readonly at_hash?: string; readonly c_hash?: string },
): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims.extra ?? {})) {
    if (!registeredIdTokenClaims.has(name) && value !== undefined) payload[name] = value;
  }
  return Object.assign(payload, {
    sub: claims.sub,
    aud: claims.aud,
    azp: claims.aud,
    auth_time: claims.authTime,
    ...(claims.nonce === null ? {} : { nonce: claims.nonce }),
    ...(claims.sid === null ? {} : { sid: claims.sid }),
    ...hashes,
  });
}
