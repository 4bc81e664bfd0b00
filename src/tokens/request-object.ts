import { compactVerify, decodeProtectedHeader, errors, importJWK, type JWK } from 'jose';
import type { Client } from '../clients/types.js';
import { OAuthError } from '../oauth/errors.js';

/**
 * The algorithms a signed request object may use when the client registered no
 * `request_object_signing_alg` (OIDC Registration §2), for discovery's
 * `request_object_signing_alg_values_supported` (OIDC Discovery §3). Konnect also lists
 * `none` (konnect-spec §3.1); here `none` is accepted only from a client that registered it.
 */
export const REQUEST_OBJECT_SIGNING_ALGS: readonly string[] = Object.freeze([
  ...['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  ...['ES256', 'ES384', 'ES512', 'EdDSA'],
]);

/** Larger request objects are refused before any parsing. */
export const MAX_REQUEST_OBJECT_LENGTH = 16 * 1024;

/** Seconds of clock skew allowed for `exp` and `nbf`. */
const SKEW_SECONDS = 30;

/** The registered JWK members that make up a public key, per `kty` (RFC 7518 §6). */
const publicMembers: Readonly<Record<string, readonly string[]>> = {
  RSA: ['kty', 'n', 'e'],
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
};

export interface VerifiedRequestObject {
  /** The object's claims: authorization request parameters (OIDC Core §6.1). */
  readonly payload: Readonly<Record<string, unknown>>;
  /** The JWS `alg`; `none` for an unsigned object. */
  readonly alg: string;
  /** Whether a registered client key verified it (Konnect trusts `passthru` claims only then). */
  readonly signed: boolean;
}

export interface RequestObjectContext {
  /** Our issuer: an `aud` in the object must contain it. */
  readonly issuer: string;
  /** Milliseconds since the epoch. */
  readonly now: number;
}

/**
 * Verifies a request object passed by value (`request`, OIDC Core §6.1, §6.3.2; kopano-meet.md
 * req. 37; konnect-spec §4.4), as Konnect's authorize handler does (konnect:oidc/provider/
 * handlers.go:103-142, identity/clients/models.go:87-135), and as kwmserver's guest logon
 * signs them (kwmserver:signaling/guest/http.go:126-177: ES256 in practice, the `kid` of the
 * one key registered, only `client_id`, `response_type`, `scope` and `claims`):
 *
 * - at most 16 KiB, a compact JWS (encrypted request objects are not supported);
 * - `alg: none` only when the client registered `request_object_signing_alg: none`; a
 *   registered alg must be the header's; otherwise one of `REQUEST_OBJECT_SIGNING_ALGS`;
 * - the key comes from the client's registered `jwks`: with one key, that key whatever the
 *   kid; with several, the one whose `kid` is the header's (no kid: `"default"`). Only its
 *   public members are imported (kwmserver registers the private key in the shared file); a
 *   key with a `use` other than `sig`, or an `alg` other than the header's, is refused;
 * - the payload is a JSON object; `iss`, if present, is the client id; `aud`, if present,
 *   is or contains our issuer; `exp` and `nbf`, if present, hold with 30 s of skew; a
 *   `client_id` inside is the client's.
 *
 * The object's parameters still have to be checked against the query by the caller
 * (`response_type`, `client_id`: OIDC Core §6.3.3).
 *
 * @throws OAuthError('invalid_request_object') with a short public description and a
 *   log-only detail; never redirectable by itself.
 */
export async function verifyRequestObject(
  jwt: string,
  client: Pick<Client, 'id' | 'jwks' | 'requestObjectSigningAlg'>,
  ctx: RequestObjectContext,
): Promise<VerifiedRequestObject> {
  const { alg, kid } = checkShape(jwt);
  checkAlg(alg, client.requestObjectSigningAlg);
  const payload = alg === 'none' ? readUnsigned(jwt) : await verifySigned(jwt, alg, selectKey(client, kid));
  checkClaims(payload, client.id, ctx);
  return { payload, alg, signed: alg !== 'none' };
}

/** The header's alg and kid, once the string is known to be a compact JWS of acceptable size. */
function checkShape(jwt: string): { readonly alg: string; readonly kid: string | undefined } {
  if (typeof jwt !== 'string' || jwt.length === 0) throw refuse('request object is empty');
  if (jwt.length > MAX_REQUEST_OBJECT_LENGTH) {
    throw refuse('request object is too large', `${jwt.length} characters`);
  }
  const parts = jwt.split('.');
  if (parts.length === 5) throw refuse('encrypted request objects are not supported');
  if (parts.length !== 3 || !parts.every((part) => /^[A-Za-z0-9_-]*$/.test(part))) {
    throw refuse('request object is not a compact JWS');
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jwt);
  } catch (error) {
    throw refuse('request object header is malformed', String(error));
  }
  const { alg, kid } = header;
  if (typeof alg !== 'string' || alg === '') throw refuse('request object header has no alg');
  return { alg, kid: typeof kid === 'string' ? kid : undefined };
}

function checkAlg(alg: string, registered: string | null): void {
  if (alg === 'none') {
    if (registered !== 'none') throw refuse('unsigned request objects are not allowed for this client');
    return;
  }
  if (registered !== null && alg !== registered) {
    throw refuse('request object alg does not match the client registration', `${alg} != ${registered}`);
  }
  if (!REQUEST_OBJECT_SIGNING_ALGS.includes(alg)) {
    throw refuse('request object alg is not supported', alg);
  }
}

function readUnsigned(jwt: string): Record<string, unknown> {
  const [, payload, signature] = jwt.split('.') as [string, string, string];
  if (signature !== '') throw refuse('unsigned request object carries a signature');
  return parsePayload(new Uint8Array(Buffer.from(payload, 'base64url')));
}

async function verifySigned(
  jwt: string,
  alg: string,
  jwk: Readonly<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  if (jwk.use !== undefined && jwk.use !== 'sig') {
    throw refuse('request object signing key is not a signing key', `use ${String(jwk.use)}`);
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) {
    throw refuse('request object alg does not match the signing key', `${alg} != ${String(jwk.alg)}`);
  }
  let key: Awaited<ReturnType<typeof importJWK>>;
  try {
    key = await importJWK(publicPart(jwk), alg);
  } catch (error) {
    throw refuse('request object signing key cannot verify this alg', String(error));
  }
  try {
    const { payload } = await compactVerify(jwt, key, { algorithms: [alg] });
    return parsePayload(payload);
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    const description =
      error instanceof errors.JWSSignatureVerificationFailed
        ? 'request object signature is invalid'
        : 'request object cannot be verified';
    throw refuse(description, String(error));
  }
}

/**
 * Konnect's key choice (konnect:identity/clients/models.go:87-121, which kwmserver mirrors in
 * clients/models.go findKeyByKid): the only key whatever the kid; among several, the kid's,
 * an absent kid meaning `"default"`.
 */
function selectKey(client: Pick<Client, 'jwks'>, kid: string | undefined): Readonly<Record<string, unknown>> {
  const keys = client.jwks?.keys ?? [];
  if (keys.length === 0) throw refuse('the client has no registered keys for signed request objects');
  if (keys.length === 1) return keys[0] as Readonly<Record<string, unknown>>;
  const wanted = kid === undefined || kid === '' ? 'default' : kid;
  const key = keys.find((k) => k.kid === wanted);
  if (key === undefined) throw refuse('request object signing key is unknown', `kid ${wanted}`);
  return key;
}

/**
 * Only the public members, so a registered private key (`d`, `p`, `q`, `dp`, `dq`, `qi`,
 * `oth`) or a symmetric one (`k`) never reaches the import: the result verifies, never signs.
 */
function publicPart(jwk: Readonly<Record<string, unknown>>): JWK {
  const members = typeof jwk.kty === 'string' ? publicMembers[jwk.kty] : undefined;
  if (members === undefined)
    throw refuse('request object signing key type is not supported', String(jwk.kty));
  const result: Record<string, unknown> = {};
  for (const name of members) if (jwk[name] !== undefined) result[name] = jwk[name];
  return result as JWK;
}

function parsePayload(bytes: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw refuse('request object payload is not JSON', String(error));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw refuse('request object payload is not a JSON object');
  }
  return value as Record<string, unknown>;
}

/** OIDC Core §6.3.2 / RFC 7519 §4.1: the claims a request object may use to limit itself. */
function checkClaims(
  payload: Readonly<Record<string, unknown>>,
  clientId: string,
  ctx: RequestObjectContext,
): void {
  const { iss, aud, exp, nbf, client_id: objectClientId } = payload;
  if (iss !== undefined && iss !== clientId) throw refuse('request object issuer is not the client');
  if (aud !== undefined) {
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(ctx.issuer)) throw refuse('request object audience does not include this issuer');
  }
  const now = ctx.now / 1000;
  if (exp !== undefined) {
    if (typeof exp !== 'number' || !Number.isFinite(exp)) throw refuse('request object exp is not a number');
    if (now - SKEW_SECONDS >= exp) throw refuse('request object has expired', `exp ${exp}`);
  }
  if (nbf !== undefined) {
    if (typeof nbf !== 'number' || !Number.isFinite(nbf)) throw refuse('request object nbf is not a number');
    if (now + SKEW_SECONDS < nbf) throw refuse('request object is not yet valid', `nbf ${nbf}`);
  }
  if (objectClientId !== undefined && objectClientId !== clientId) {
    throw refuse('request object client_id does not match');
  }
}

function refuse(description: string, detail?: string): OAuthError {
  return new OAuthError('invalid_request_object', description, detail === undefined ? {} : { detail });
}
