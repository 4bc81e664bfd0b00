import {
  decodeJwt,
  decodeProtectedHeader,
  errors,
  importJWK,
  jwtVerify,
  type JWK,
  type JWTPayload,
} from 'jose';
import type { Client } from '../clients/types.js';
import { OAuthError } from '../oauth/errors.js';

/** `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2). */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * The algorithms a `private_key_jwt` assertion may be signed with (OIDC Core §9), for
 * discovery's `token_endpoint_auth_signing_alg_values_supported`. `Ed25519` is the
 * fully-specified name for EdDSA over Ed25519 (RFC 9864) that openid-client uses.
 */
export const PRIVATE_KEY_JWT_ALGS: readonly string[] = Object.freeze([
  ...['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  ...['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'],
]);

/** The algorithms a `client_secret_jwt` assertion may be MACed with (OIDC Core §9). */
export const CLIENT_SECRET_JWT_ALGS: readonly string[] = Object.freeze(['HS256', 'HS384', 'HS512']);

/** Larger assertions are refused before any parsing. */
export const MAX_CLIENT_ASSERTION_LENGTH = 8 * 1024;

/**
 * The longest an assertion may be valid, in seconds: from its `iat`, or from now when it has
 * none. One hour, because Authlib (Python) makes its client assertions valid for 3600 s by
 * default; openid-client uses 60 s. Every accepted `jti` is remembered this long at most.
 */
export const MAX_CLIENT_ASSERTION_LIFETIME = 3600;

/** Seconds of clock skew allowed for `exp`, `nbf` and `iat`. */
export const CLIENT_ASSERTION_SKEW = 30;

/** Longer `jti` values are refused: each accepted one is stored until its assertion expires. */
const MAX_JTI_LENGTH = 256;

/** The registered JWK members that make up a public key, per `kty` (RFC 7518 §6). */
const publicMembers: Readonly<Record<string, readonly string[]>> = {
  RSA: ['kty', 'n', 'e'],
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
};

/** How a verified assertion authenticated its client (OIDC Core §9). */
export type ClientAssertionMethod = 'private_key_jwt' | 'client_secret_jwt';

/** A verified client assertion: what the caller needs to refuse its replay. */
export interface VerifiedClientAssertion {
  readonly method: ClientAssertionMethod;
  readonly jti: string;
  /** Epoch seconds. The `jti` must be refused again until `exp` plus the allowed skew. */
  readonly exp: number;
}

export interface ClientAssertionContext {
  /**
   * The values an `aud` may name, any one sufficing: the issuer, the token endpoint, and the
   * endpoint the assertion is presented to (OIDC Core §9, RFC 7523 §3, RFC 9126 §2).
   */
  readonly audiences: readonly string[];
  /** Milliseconds since the epoch. */
  readonly now: number;
  /**
   * The only method accepted (the client's registered `token_endpoint_auth_method`); an
   * assertion of the other is refused before any key or secret is used. Null or absent: either.
   */
  readonly method?: ClientAssertionMethod | null;
}

/**
 * The client an assertion claims to come from — its `sub`, or failing that its `iss` — read
 * without verifying anything, only to find the client whose keys verify it (RFC 7523 §3:
 * the `client_id` parameter is optional with an assertion). Null when the assertion cannot
 * be read or names no client.
 */
export function claimedClientId(assertion: string): string | null {
  if (assertion.length > MAX_CLIENT_ASSERTION_LENGTH) return null;
  let payload: JWTPayload;
  try {
    payload = decodeJwt(assertion);
  } catch {
    return null;
  }
  const claimed = payload.sub ?? payload.iss;
  return typeof claimed === 'string' && claimed !== '' ? claimed : null;
}

/**
 * Verifies a JWT client assertion (RFC 7523 §2.2, §3; OIDC Core §9) for `client`:
 *
 * - a compact JWS of at most 8 KiB;
 * - `HS256`/`HS384`/`HS512` (`client_secret_jwt`) are verified with the client's secret as
 *   the key, and need one in plain text; every other alg of {@link PRIVATE_KEY_JWT_ALGS}
 *   (`private_key_jwt`) with a key from the client's registered `jwks`: the only key whatever
 *   the kid; among several, the one with the header's `kid` (without a kid, the only one that
 *   suits the alg). Only a key's public members are imported, so a registered private key
 *   never signs; a key whose `use` is not `sig`, or whose `alg` is not the header's, is refused;
 * - `iss` and `sub` are the client id; `aud` is or contains one of `ctx.audiences`;
 * - `exp` is required and not past, `nbf` and `iat` (when present) not in the future, each
 *   with 30 s of skew; the lifetime, from `iat` or from now, is at most an hour;
 * - `jti` is required (at most 256 characters). That it was never used before is the
 *   caller's to check, for as long as {@link VerifiedClientAssertion.exp} says;
 * - with `ctx.method`, only an assertion of that method;
 * - with a registered `tokenEndpointAuthSigningAlg`, only an assertion of that alg (OIDC
 *   Registration §2: one signed with another algorithm MUST be rejected).
 *
 * @throws OAuthError `invalid_client` (401) with a short public description and a log-only
 *   detail (RFC 7521 §4.2.1).
 */
export async function verifyClientAssertion(
  assertion: string,
  client: Pick<Client, 'id' | 'secret' | 'jwks' | 'tokenEndpointAuthSigningAlg'>,
  ctx: ClientAssertionContext,
): Promise<VerifiedClientAssertion> {
  const { alg, kid } = readHeader(assertion);
  const method: ClientAssertionMethod = CLIENT_SECRET_JWT_ALGS.includes(alg)
    ? 'client_secret_jwt'
    : 'private_key_jwt';
  if (method === 'private_key_jwt' && !PRIVATE_KEY_JWT_ALGS.includes(alg)) {
    throw refuse('client assertion alg is not supported', alg);
  }
  if (ctx.method !== undefined && ctx.method !== null && ctx.method !== method) {
    throw refuse(`this client must authenticate with ${ctx.method}`, `${alg} makes a ${method} assertion`);
  }
  const registeredAlg = client.tokenEndpointAuthSigningAlg;
  if (registeredAlg !== undefined && alg !== registeredAlg) {
    throw refuse(
      'client assertion alg is not the one registered for this client',
      `client ${client.id} registered token_endpoint_auth_signing_alg ${registeredAlg}, the assertion uses ${alg}`,
    );
  }
  const key = method === 'client_secret_jwt' ? secretKey(client) : await publicKey(client, alg, kid);
  const payload = await verifySignature(assertion, key, alg, client.id, ctx);
  return { method, ...checkTimes(payload, ctx.now) };
}

/** The header's alg and kid, once the string is known to be a compact JWS of acceptable size. */
function readHeader(assertion: string): { readonly alg: string; readonly kid: string | undefined } {
  if (assertion.length > MAX_CLIENT_ASSERTION_LENGTH) {
    throw refuse('client assertion is too large', `${assertion.length} characters`);
  }
  const parts = assertion.split('.');
  if (parts.length !== 3 || !parts.every((part) => /^[A-Za-z0-9_-]+$/.test(part))) {
    throw refuse('client assertion is not a signed JWT');
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(assertion);
  } catch (error) {
    throw refuse('client assertion header is malformed', String(error));
  }
  const { alg, kid } = header;
  if (typeof alg !== 'string' || alg === '' || alg === 'none') {
    throw refuse('client assertion must be signed', `alg ${String(alg)}`);
  }
  return { alg, kid: typeof kid === 'string' ? kid : undefined };
}

/** OIDC Core §9 `client_secret_jwt`: the HMAC key is the octets of the client secret. */
function secretKey(client: Pick<Client, 'id' | 'secret'>): Uint8Array {
  if (client.secret === null) {
    throw refuse(
      'client_secret_jwt needs a client secret',
      `client ${client.id} has no secret in plain text to verify an HMAC with`,
    );
  }
  return new TextEncoder().encode(client.secret);
}

/** OIDC Core §9 `private_key_jwt`: the client's registered public key for this assertion. */
async function publicKey(
  client: Pick<Client, 'id' | 'jwks'>,
  alg: string,
  kid: string | undefined,
): Promise<Awaited<ReturnType<typeof importJWK>>> {
  const jwk = selectKey(client, alg, kid);
  if (jwk.use !== undefined && jwk.use !== 'sig') {
    throw refuse('client assertion key is not a signing key', `use ${String(jwk.use)}`);
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) {
    throw refuse('client assertion alg does not match the key', `${alg} != ${String(jwk.alg)}`);
  }
  const members = publicPart(jwk);
  if (members === null) throw refuse('client assertion key type is not supported', String(jwk.kty));
  try {
    return await importJWK(members, alg);
  } catch (error) {
    throw refuse('client assertion key cannot verify this alg', `${alg}: ${String(error)}`);
  }
}

/**
 * The key to verify with: the only registered one whatever the kid; among several, the
 * header kid's; without a kid, the only one whose type suits `alg`.
 */
function selectKey(
  client: Pick<Client, 'id' | 'jwks'>,
  alg: string,
  kid: string | undefined,
): Readonly<Record<string, unknown>> {
  const keys = client.jwks?.keys ?? [];
  if (keys.length === 0) {
    throw refuse('the client has no registered keys', `client ${client.id} has no jwks`);
  }
  if (keys.length === 1) return keys[0] as Readonly<Record<string, unknown>>;
  if (kid !== undefined) {
    const key = keys.find((k) => k.kid === kid);
    if (key === undefined) throw refuse('client assertion key is unknown', `kid ${kid}`);
    return key;
  }
  const suitable = keys.filter((k) => k.kty === ktyFor(alg));
  if (suitable.length !== 1) {
    throw refuse(
      'client assertion must name its key (kid)',
      `${suitable.length} registered keys suit ${alg}`,
    );
  }
  return suitable[0] as Readonly<Record<string, unknown>>;
}

function ktyFor(alg: string): string {
  if (alg.startsWith('RS') || alg.startsWith('PS')) return 'RSA';
  if (alg.startsWith('ES')) return 'EC';
  return 'OKP';
}

/**
 * Only the public members, so a registered private key (`d`, `p`, `q`, `dp`, `dq`, `qi`,
 * `oth`) or a symmetric one (`k`) never reaches the import: the result verifies, never signs.
 * Null for a key type that has no public key.
 */
function publicPart(jwk: Readonly<Record<string, unknown>>): JWK | null {
  const members = typeof jwk.kty === 'string' ? publicMembers[jwk.kty] : undefined;
  if (members === undefined) return null;
  const result: Record<string, unknown> = {};
  for (const name of members) if (jwk[name] !== undefined) result[name] = jwk[name];
  return result as JWK;
}

/** The signature, `iss`, `sub` and `aud` (RFC 7523 §3 items 1–3, 9). */
async function verifySignature(
  assertion: string,
  key: Awaited<ReturnType<typeof importJWK>>,
  alg: string,
  clientId: string,
  ctx: ClientAssertionContext,
): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(assertion, key, {
      algorithms: [alg],
      issuer: clientId,
      subject: clientId,
      audience: [...ctx.audiences],
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'],
      currentDate: new Date(ctx.now),
      clockTolerance: CLIENT_ASSERTION_SKEW,
    });
    return payload;
  } catch (error) {
    throw refuse(publicReason(error), String(error));
  }
}

/** RFC 7523 §3 items 4–7: a bounded lifetime and a `jti` fit to be remembered. */
function checkTimes(payload: JWTPayload, nowMs: number): { readonly jti: string; readonly exp: number } {
  const now = Math.floor(nowMs / 1000);
  const { exp, iat, jti } = payload;
  // jwtVerify has checked that exp is a number, not past, and that nbf is not in the future.
  if (typeof exp !== 'number') throw refuse('client assertion has no exp');
  if (iat !== undefined && iat > now + CLIENT_ASSERTION_SKEW) {
    throw refuse('client assertion was issued in the future', `iat ${iat}, now ${now}`);
  }
  const start = iat ?? now;
  if (
    exp - start > MAX_CLIENT_ASSERTION_LIFETIME ||
    exp - now > MAX_CLIENT_ASSERTION_LIFETIME + CLIENT_ASSERTION_SKEW
  ) {
    throw refuse(
      'client assertion is valid for too long (at most an hour)',
      `iat ${String(iat)}, exp ${exp}`,
    );
  }
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) {
    throw refuse('client assertion jti is missing or too long');
  }
  return { jti, exp };
}

function publicReason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'client assertion has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'client assertion audience is not this server';
    if (error.claim === 'iss' || error.claim === 'sub')
      return `client assertion ${error.claim} is not the client`;
    if (error.claim === 'nbf') return 'client assertion is not yet valid';
    return `client assertion ${error.claim} is missing or invalid`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'client assertion signature is invalid';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'client assertion alg is not allowed';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return 'client assertion is malformed';
  }
  return 'client assertion cannot be verified';
}

function refuse(description: string, detail?: string): OAuthError {
  return new OAuthError('invalid_client', description, detail === undefined ? {} : { detail });
}
