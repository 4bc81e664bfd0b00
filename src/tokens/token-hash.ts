import { createHash } from 'node:crypto';
import type { SigningAlg } from '../config/types.js';

/**
 * `at_hash` / `c_hash` (OIDC Core §3.1.3.6, §3.3.2.11): base64url of the left half of the
 * hash of the token's ASCII octets, using the hash of the JWS `alg` — SHA-256 for RS256,
 * PS256 and ES256. OIDC Core names no hash for EdDSA; common practice for Ed25519 is SHA-512,
 * the hash Ed25519 itself uses (RFC 8032 §5.1).
 */
export function tokenHash(token: string, alg: SigningAlg): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(token, 'ascii')
    .digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
