import { constants, sign, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import type { SigningAlg } from '../config/types.js';
import { describeKey, keyFitsAlg } from './key-algs.js';

/**
 * Protected header parameters besides `alg`, e.g. `{ kid, typ }`: JSON values, encoded in the
 * order given after `alg`. `alg` comes from the `alg` argument; `crit` is not supported.
 */
export type JwsHeaderParameters = Readonly<Record<string, unknown>> & {
  readonly alg?: never;
  readonly crit?: never;
};

/**
 * The algs signed with node:crypto by `signJws`: measured on one core, side by side with jose
 * 6.2 on Node 20, it signed ES256 at about 2× and EdDSA at about 1.6–1.9× jose's rate. RS256
 * and PS256 gained only about 1.1× over jose with requests in flight — RSA's own cost dominates
 * — and lost on two cores, where jose's WebCrypto signs on the threadpool; they stay with jose.
 */
const fastPathAlgs: ReadonlySet<SigningAlg> = new Set(['ES256', 'EdDSA']);

/**
 * Signs `payload` as a JWS in compact serialization (RFC 7515 §7.1) with protected header
 * `{ alg, ...header }`, through `signCompactJws` for ES256 and EdDSA and through jose's
 * `CompactSign` for RS256 and PS256. Either way the header and payload segments are the same
 * bytes, and for JSON data they are those jose's `SignJWT` makes of the same header and claims
 * (which `structuredClone`s the claims first; nothing here does). Refusals, with the
 * `TypeError`s of `signCompactJws`, reject the promise.
 */
export async function signJws(
  header: JwsHeaderParameters,
  payload: Readonly<Record<string, unknown>>,
  key: KeyObject,
  alg: SigningAlg,
): Promise<string> {
  if (fastPathAlgs.has(alg)) return signCompactJws(header, payload, key, alg);
  checkInput(header, key, alg);
  return new CompactSign(Buffer.from(JSON.stringify(payload), 'utf8'))
    .setProtectedHeader({ alg, ...header })
    .sign(key);
}

/**
 * Signs `payload` as a JWS in compact serialization (RFC 7515 §7.1) with protected header
 * `{ alg, ...header }` — base64url without padding of the UTF-8 JSON of each — using
 * node:crypto alone: RS256 RSASSA-PKCS1-v1_5 SHA-256; PS256 RSASSA-PSS SHA-256, MGF1 SHA-256,
 * 32-byte salt; ES256 ECDSA P-256 SHA-256 as the 64-byte `r || s` (RFC 7518 §3.3–3.5); EdDSA
 * Ed25519 (RFC 8037 §3.1). Synchronous: on one core it measured faster than node's threadpool
 * variant (`crypto.sign` with a callback).
 *
 * Only signs: every token is parsed and verified with `jose`, and the tests verify this
 * output with jose. `payload` must be JSON data; what `JSON.stringify` makes of it is signed.
 *
 * Throws `TypeError` when `key` is not a private key that suits `alg` (`keyFitsAlg`), when an
 * RSA key is below 2048 bits (as jose refuses), or when `header` names `alg` or `crit`.
 */
export function signCompactJws(
  header: JwsHeaderParameters,
  payload: Readonly<Record<string, unknown>>,
  key: KeyObject,
  alg: SigningAlg,
): string {
  checkInput(header, key, alg);
  const signingInput = `${base64urlJson({ alg, ...header })}.${base64urlJson(payload)}`;
  const signature = signers[alg](Buffer.from(signingInput, 'latin1'), key);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** RFC 7518 §3.3–3.5, RFC 8037 §3.1; node's defaults are not relied on. */
const signers: Readonly<Record<SigningAlg, (data: Buffer, key: KeyObject) => Buffer>> = {
  RS256: (data, key) => sign('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }),
  // OpenSSL's MGF1 digest defaults to the signature digest, SHA-256; §3.5 wants the salt as
  // long as the hash.
  PS256: (data, key) =>
    sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
  // JWS wants the fixed-width r || s, never the DER that node produces by default.
  ES256: (data, key) => sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }),
  EdDSA: (data, key) => sign(null, data, key),
};

function checkInput(header: JwsHeaderParameters, key: KeyObject, alg: SigningAlg): void {
  if (key.type !== 'private' || !keyFitsAlg(key, alg))
    throw new TypeError(`cannot sign ${String(alg)} with a ${key.type} key (${describeKey(key)})`);
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType === 'rsa' && (bits === undefined || bits < 2048))
    throw new TypeError(`${alg} requires an RSA key of 2048 bits or more`);
  if ('alg' in header || 'crit' in header)
    throw new TypeError('the JWS header must not name alg or crit; alg is an argument');
}

function base64urlJson(value: Readonly<Record<string, unknown>>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
