import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { basename, join } from 'node:path';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import type { SigningAlg } from '../config/types.js';

/**
 * A new private key for `alg`: RSA 2048 (e = 65537) for RS256 and PS256, P-256 for ES256,
 * Ed25519 for EdDSA.
 */
export function generatePrivateKey(alg: SigningAlg): KeyObject {
  const { privateKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  return privateKey;
}

/**
 * A generated key's kid: its RFC 7638 JWK thumbprint (SHA-256), so that a replaced key never
 * reuses a kid relying parties have cached.
 */
export async function jwkThumbprint(publicKey: KeyObject): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(publicKey), 'sha256');
}

/**
 * Whether `path` is named as Sesame names a generated key file (`signing-<alg>.pem`): such a
 * file listed in `signing.keys`, where it lies or copied elsewhere, keeps the kid it was
 * published under (its thumbprint), not one derived from the file name, so relying parties'
 * cached JWKS stay valid when an operator pins the generated key.
 */
export function isGeneratedKeyFileName(path: string): boolean {
  return /^signing-(RS256|PS256|ES256|EdDSA)\.pem$/.test(basename(path));
}

/** Where a generated key is kept in a data directory: `<dataDir>/keys/signing-<alg>.pem`. */
export function dataDirKeyPath(dataDir: string, alg: SigningAlg): string {
  return join(dataDir, 'keys', `signing-${alg}.pem`);
}
