import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { PRIVATE_KEY_JWT_ALGS } from '../tokens/client-assertion.js';
import { REQUEST_OBJECT_SIGNING_ALGS } from '../tokens/request-object.js';
import { badMetadata } from './dynamic-metadata-error.js';

/** A client's JWK set as registered by value (RFC 7591 §2 `jwks`): public signing keys only. */
export interface RegisteredJwks {
  readonly keys: readonly Record<string, unknown>[];
}

/** More keys than a client rotates through serve nobody. */
const MAX_KEYS = 10;

/** JWK members that hold private or symmetric key material (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * `jwks` (RFC 7591 §2): `{"keys": [...]}` with one to ten public RSA (2048 bits or more), EC or
 * OKP keys that Node can import, for signing (`use` absent or `sig`), with distinct `kid`s.
 * Private and symmetric keys are refused: Sesame would store them, and needs only the public
 * half to verify request objects and `private_key_jwt` assertions.
 */
export function checkJwks(value: unknown): RegisteredJwks {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badMetadata('jwks must be a JWK set: an object with a "keys" array');
  }
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw badMetadata('jwks must hold a non-empty "keys" array');
  if (keys.length > MAX_KEYS) throw badMetadata(`jwks may hold at most ${MAX_KEYS} keys`);
  const kids = new Set<string>();
  keys.forEach((key: unknown, index) => {
    checkKey(key, `jwks.keys[${index}]`);
    const kid = (key as { kid?: unknown }).kid;
    if (kid !== undefined && typeof kid !== 'string')
      throw badMetadata(`jwks.keys[${index}].kid must be a string`);
    if (keys.length > 1 && kid === undefined) {
      throw badMetadata(`jwks.keys[${index}] needs a kid: with several keys, kid says which one signed`);
    }
    if (kid !== undefined && kids.has(kid)) throw badMetadata(`jwks has two keys with kid "${kid}"`);
    if (kid !== undefined) kids.add(kid);
  });
  return { keys: keys as Record<string, unknown>[] };
}

function checkKey(key: unknown, name: string): void {
  if (typeof key !== 'object' || key === null || Array.isArray(key))
    throw badMetadata(`${name} must be a JWK object`);
  const jwk = key as Record<string, unknown>;
  if (jwk['kty'] !== 'RSA' && jwk['kty'] !== 'EC' && jwk['kty'] !== 'OKP') {
    throw badMetadata(`${name}.kty must be RSA, EC or OKP (public signing keys)`);
  }
  const secret = privateMembers.find((member) => member in jwk);
  if (secret !== undefined) {
    throw badMetadata(`${name} holds private key material ("${secret}"); register only the public key`);
  }
  if (jwk['use'] !== undefined && jwk['use'] !== 'sig') throw badMetadata(`${name}.use must be "sig"`);
  let details: ReturnType<typeof createPublicKey>['asymmetricKeyDetails'];
  try {
    details = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }).asymmetricKeyDetails;
  } catch {
    throw badMetadata(`${name} is not a valid ${String(jwk['kty'])} public key`);
  }
  if (jwk['kty'] === 'RSA' && (details?.modulusLength ?? 0) < 2048) {
    throw badMetadata(`${name} is an RSA key of fewer than 2048 bits`);
  }
}

/**
 * `id_token_signed_response_alg` and `userinfo_signed_response_alg` (OIDC Registration §2):
 * one of `signingAlgs`, the algorithms Sesame's signing key produces. Sesame never issues
 * unsigned ID tokens or userinfo, so `none` is refused, as is anything the key cannot make —
 * the token service would silently fall back to its own algorithm, which such a client would
 * then reject.
 */
export function checkSignedResponseAlg(name: string, alg: string, signingAlgs: readonly string[]): string {
  if (alg === 'none') throw badMetadata(`${name} "none" is not supported: Sesame always signs`);
  if (!signingAlgs.includes(alg)) {
    throw badMetadata(`${name} "${alg}" is not supported here; use one of ${signingAlgs.join(', ')}`);
  }
  return alg;
}

/**
 * `request_object_signing_alg` (OIDC Registration §2): one of the algorithms request objects
 * are verified with, or `none`. A signed one needs the keys to verify with in `jwks`.
 */
export function checkRequestObjectAlg(alg: string, jwks: RegisteredJwks | undefined): string {
  if (alg !== 'none' && !REQUEST_OBJECT_SIGNING_ALGS.includes(alg)) {
    throw badMetadata(
      `request_object_signing_alg "${alg}" is not supported; use one of ${REQUEST_OBJECT_SIGNING_ALGS.join(', ')} or none`,
    );
  }
  if (alg !== 'none' && jwks === undefined) {
    throw badMetadata('request_object_signing_alg needs the keys that sign request objects in jwks');
  }
  return alg;
}

/** `token_endpoint_auth_signing_alg` (OIDC Registration §2) for `private_key_jwt`: an asymmetric algorithm. */
export function checkAssertionAlg(alg: string): string {
  if (!PRIVATE_KEY_JWT_ALGS.includes(alg)) {
    throw badMetadata(
      `token_endpoint_auth_signing_alg "${alg}" is not supported for private_key_jwt; use one of ${PRIVATE_KEY_JWT_ALGS.join(', ')}`,
    );
  }
  return alg;
}
