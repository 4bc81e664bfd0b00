import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SigningAlg } from '../../src/config/types.js';

/** Writes a new PEM private key (PKCS #8, 0600) that can sign with `alg`; returns its path. */
export async function writeSigningKey(dir: string, alg: SigningAlg): Promise<string> {
  const { privateKey } = generateKeyPair(alg);
  const file = join(dir, `signing-${alg.toLowerCase()}.pem`);
  await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return file;
}

function generateKeyPair(alg: SigningAlg) {
  switch (alg) {
    case 'RS256':
    case 'PS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return generateKeyPairSync('ed25519');
  }
}
