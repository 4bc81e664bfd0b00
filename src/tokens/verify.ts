import { compactVerify, errors, jwtVerify, type JWSHeaderParameters, type JWTPayload } from 'jose';
import type { KeyObject } from 'node:crypto';
import type { SigningAlg } from '../config/types.js';
import type { Clock } from '../lib/clock.js';
import { OAuthError } from '../oauth/errors.js';
import { commonAccessTokenClaims, readAccessTokenClaims } from './access-token-formats.js';
import { keyFitsAlg, signingAlgs } from './key-algs.js';
import type { AccessTokenClaims, IdTokenHint, VerificationKey } from './types.js';

export interface VerifyContext {
  readonly issuer: string;
  /** Signing keys and validation keys (konnect-spec §3.2): any of them verifies a token. */
  readonly keys: readonly VerificationKey[];
  /** The configured algorithm; the only one access tokens are accepted with. */
  readonly alg: SigningAlg;
  readonly clock: Clock;
}

/**
 * Verifies an access token Sesame issued, in either format whatever the configured one
 * (RFC 9068 §4; Konnect's, kopano-meet.md req. 21): signature by one of our keys under its
 * kid, the configured alg, our issuer, not expired by the injected clock, the claims both
 * formats share present, and then the format's own claims (see `readAccessTokenClaims`), so
 * an ID token is refused. Any failure throws `OAuthError('invalid_token')` with a short
 * public reason.
 */
export async function verifyAccessToken(token: string, ctx: VerifyContext): Promise<AccessTokenClaims> {
  let payload: JWTPayload;
  let typ: unknown;
  try {
    const result = await jwtVerify(token, keyResolver(ctx.keys), {
      issuer: ctx.issuer,
      algorithms: [ctx.alg],
      currentDate: new Date(ctx.clock.now()),
      requiredClaims: commonAccessTokenClaims,
    });
    payload = result.payload;
    typ = result.protectedHeader.typ;
  } catch (error) {
    throw new OAuthError('invalid_token', publicReason(error), { detail: String(error) });
  }
  const claims = typ === undefined || typeof typ === 'string' ? readAccessTokenClaims(typ, payload) : null;
  if (claims === null) throw new OAuthError('invalid_token', 'malformed token claims');
  return claims;
}

/**
 * Verifies an `id_token_hint` (OIDC RP-Initiated Logout §2, Core §3.1.2.1): signed by one of
 * our keys, issued by us, an ID token (`typ` JWT or absent, with an `exp`; never `at+jwt`, nor a Konnect
 * access or refresh token, nor anything carrying Sesame's `grant_id`), with `sub` and `aud`.
 * Expiry is ignored on purpose: logout commonly happens after the ID token expired. Returns
 * null for anything else.
 *
 * Why compactVerify rather than jwtVerify: jwtVerify always enforces `exp`, and the ways
 * around it (a huge `clockTolerance`, or a `currentDate` chosen from the unverified `exp`)
 * also disable the `nbf`/`iat` checks or depend on untrusted input. Verifying the JWS alone
 * and then checking the claims we care about here is explicit and sound.
 */
export async function verifyIdTokenHint(token: string, ctx: VerifyContext): Promise<IdTokenHint | null> {
  let header: JWSHeaderParameters;
  let claims: unknown;
  try {
    const result = await compactVerify(token, keyResolver(ctx.keys), { algorithms: [...signingAlgs] });
    header = result.protectedHeader;
    claims = JSON.parse(new TextDecoder().decode(result.payload));
  } catch {
    return null;
  }
  if (header.typ !== undefined && header.typ.toLowerCase() !== 'jwt') return null;
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return null;
  const c = claims as Record<string, unknown>;
  // Every ID token has an `exp` (OIDC Core §2); a signed userinfo response has none.
  if (c.iss !== ctx.issuer || !isText(c.sub) || typeof c.exp !== 'number') return null;
  if (c['kc.isAccessToken'] === true || c['kc.isRefreshToken'] === true || 'grant_id' in c) return null;
  const aud = Array.isArray(c.aud) ? c.aud[0] : c.aud;
  if (!isText(aud)) return null;
  return { sub: c.sub, aud, sid: isText(c.sid) ? c.sid : null };
}

/** Picks our key by the header's kid, and only when that key can make the header's alg. */
function keyResolver(keys: readonly VerificationKey[]) {
  return (header: JWSHeaderParameters): KeyObject => {
    const key = keys.find((k) => k.kid === header.kid);
    if (key === undefined || header.alg === undefined || !keyFitsAlg(key.publicKey, header.alg)) {
      throw new errors.JWKSNoMatchingKey();
    }
    return key.publicKey;
  };
}

function publicReason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `invalid ${error.claim}`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'invalid signature';
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown signing key';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed token';
  return 'invalid token';
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
