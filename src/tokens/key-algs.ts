import type { KeyObject } from 'node:crypto';
import type { SigningAlg } from '../config/types.js';

/** Every signing algorithm Sesame can use. */
export const signingAlgs: readonly SigningAlg[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/**
 * The algorithms a key may sign with (RFC 7518 §3.3–3.5, RFC 8037 §3.1): RSA → RS256 and
 * PS256, EC P-256 → ES256, Ed25519 → EdDSA. Anything else suits none; strength is checked
 * by `keyWeakness`, not here.
 */
export function algsForKey(key: KeyObject): readonly SigningAlg[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'PS256'];
    case 'ec':
      return key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? ['ES256'] : [];
    case 'ed25519':
      return ['EdDSA'];
    default:
      return [];
  }
}

export function keyFitsAlg(key: KeyObject, alg: string): alg is SigningAlg {
  return (algsForKey(key) as readonly string[]).includes(alg);
}

/**
 * Why an RSA key is too weak to sign with, or null when it is acceptable: below 2048 bits
 * (NIST SP 800-131A) or a public exponent below 65537, which Konnect also refuses
 * (konnect-spec §3.3).
 */
export function keyWeakness(key: KeyObject): string | null {
  if (key.asymmetricKeyType !== 'rsa') return null;
  const { modulusLength = 0, publicExponent = 0n } = key.asymmetricKeyDetails ?? {};
  if (modulusLength < 2048) return `RSA key of ${modulusLength} bits; at least 2048 are required`;
  if (publicExponent < 65537n) return `RSA public exponent ${publicExponent} is below 65537`;
  return null;
}

/** A short description of a key's type for error messages, e.g. `ec (secp384r1)`. */
export function describeKey(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return `${key.asymmetricKeyType ?? key.type}${curve ? ` (${curve})` : ''}`;
}
