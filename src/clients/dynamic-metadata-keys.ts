import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { PRIVATE_KEY_JWT_ALGS } from '../tokens/client-assertion.js';
import { REQUEST_OBJECT_SIGNING_ALGS } from '../tokens/request-object.js';
import { badMetadata } from './dynamic-metadata-error.js';

/**
 * A client's JWK set as registered by value (RFC 7591 §2 `jwks`): public signing keys only,
 * each with only the members of {@link checkJwks}.
 */
export interface RegisteredJwks {
  readonly keys: readonly Record<string, string>[];
}

/** More keys than a client rotates through serve nobody. */
const MAX_KEYS = 10;

/** JWK members that hold private or symmetric key material (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The members that make the public key, per key type (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2). */
const publicMembers: Readonly<Record<'RSA' | 'EC' | 'OKP', readonly string[]>> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};

/** Longest `kid` and `alg` kept: names, not payloads. */
const MAX_KID = 200;
const MAX_ALG = 20;

/**
 * `jwks` (RFC 7591 §2): `{"keys": [...]}` with one to ten public RSA (2048 bits or more), EC or
 * OKP keys that Node can import, for signing (`use` absent or `sig`), with distinct `kid`s.
 * Private and symmetric keys are refused: Sesame would store them, and needs only the public
 * half to verify request objects and `private_key_jwt` assertions.
 *
 * Each key is kept with only its public members (`kty` and those of {@link publicMembers}),
 * `kid`, `use` and `alg`, all strings; every other member (`x5c`, `key_ops`, extensions) is
 * dropped, so what anyone may register stays small and flat.
 */
export function checkJwks(value: unknown): RegisteredJwks {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badMetadata('jwks must be a JWK set: an object with a "keys" array');
  }
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw badMetadata('jwks must hold a non-empty "keys" array');
  if (keys.length > MAX_KEYS) throw badMetadata(`jwks may hold at most ${MAX_KEYS} keys`);
  const kids = new Set<string>();
  return {
    keys: keys.map((key: unknown, index) => {
      const kept = checkKey(key, `jwks.keys[${index}]`);
      const kid = kept['kid'];
      if (keys.length > 1 && kid === undefined) {
        throw badMetadata(`jwks.keys[${index}] needs a kid: with several keys, kid says which one signed`);
      }
      if (kid !== undefined && kids.has(kid)) throw badMetadata(`jwks has two keys with kid "${kid}"`);
      if (kid !== undefined) kids.add(kid);
      return kept;
    }),
  };
}

/** The key's members that Sesame keeps (see {@link checkJwks}), checked. */
function checkKey(key: unknown, name: string): Record<string, string> {
  if (typeof key !== 'object' || key === null || Array.isArray(key))
    throw badMetadata(`${name} must be a JWK object`);
  const jwk = key as Record<string, unknown>;
  const kty = jwk['kty'];
  if (kty !== 'RSA' && kty !== 'EC' && kty !== 'OKP') {
    throw badMetadata(`${name}.kty must be RSA, EC or OKP (public signing keys)`);
  }
  const secret = privateMembers.find((member) => member in jwk);
  if (secret !== undefined) {
    throw badMetadata(`${name} holds private key material ("${secret}"); register only the public key`);
  }
  const publicKey: Record<string, string> = { kty };
  for (const member of publicMembers[kty]) {
    const part = optionalString(jwk, member, name, Infinity);
    if (part !== undefined) publicKey[member] = part;
  }
  let details: ReturnType<typeof createPublicKey>['asymmetricKeyDetails'];
  try {
    details = createPublicKey({ key: publicKey as JsonWebKey, format: 'jwk' }).asymmetricKeyDetails;
  } catch {
    throw badMetadata(`${name} is not a valid ${kty} public key`);
  }
  if (kty === 'RSA' && (details?.modulusLength ?? 0) < 2048) {
    throw badMetadata(`${name} is an RSA key of fewer than 2048 bits`);
  }
  const use = optionalString(jwk, 'use', name, MAX_ALG);
  if (use !== undefined && use !== 'sig') throw badMetadata(`${name}.use must be "sig"`);
  const kid = optionalString(jwk, 'kid', name, MAX_KID);
  const alg = optionalString(jwk, 'alg', name, MAX_ALG);
  return {
    ...publicKey,
    ...(kid === undefined ? {} : { kid }),
    ...(use === undefined ? {} : { use }),
    ...(alg === undefined ? {} : { alg }),
  };
}

/** `jwk[member]` when present: a string of at most `max` characters. */
function optionalString(
  jwk: Record<string, unknown>,
  member: string,
  name: string,
  max: number,
): string | undefined {
  const value = jwk[member];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badMetadata(`${name}.${member} must be a string`);
  if (value.length > max) throw badMetadata(`${name}.${member} is longer than ${max} characters`);
  return value;
}

/**
 * `id_token_signed_response_alg` and `userinfo_signed_response_alg` (OIDC Registration §2):
 * one of `signingAlgs`, the algorithms Sesame's signing key produces — anything else the token
 * service would silently replace by its own algorithm, which such a client would then reject.
 * `none` is refused for userinfo, which Sesame signs whenever it answers in a JWT; for
 * {@link checkIdTokenSignedResponseAlg} see there.
 */
export function checkSignedResponseAlg(name: string, alg: string, signingAlgs: readonly string[]): string {
  if (alg === 'none') throw badMetadata(`${name} "none" is not supported: Sesame always signs`);
  if (!signingAlgs.includes(alg)) {
    throw badMetadata(`${name} "${alg}" is not supported here; use one of ${signingAlgs.join(', ')}`);
  }
  return alg;
}

/**
 * `id_token_signed_response_alg` (OIDC Registration §2): as {@link checkSignedResponseAlg},
 * or `none` for unsigned ID tokens. §2 allows `none` only for a client that gets no ID token
 * from the authorization endpoint; the authorization endpoint enforces that per request
 * (endpoints/authorize/parse.ts `refuseUnsignedIdTokenHere`), whatever `response_types` says.
 */
export function checkIdTokenSignedResponseAlg(alg: string, signingAlgs: readonly string[]): string {
  return alg === 'none' ? alg : checkSignedResponseAlg('id_token_signed_response_alg', alg, signingAlgs);
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
