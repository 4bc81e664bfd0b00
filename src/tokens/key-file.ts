import { createPrivateKey, createPublicKey, type JsonWebKeyInput, type KeyObject } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { SigningKey } from './types.js';
import { algsForKey, describeKey, keyWeakness } from './key-algs.js';

export type SigningKeyErrorCode =
  'unreadable' | 'unparseable' | 'unsupported' | 'weak' | 'alg_mismatch' | 'duplicate_kid';

/**
 * A signing key file that cannot be used. The message names the file and says what to fix;
 * `code` is stable for callers to switch on.
 */
export class SigningKeyError extends Error {
  readonly code: SigningKeyErrorCode;
  readonly path: string;

  constructor(code: SigningKeyErrorCode, path: string, message: string) {
    super(`signing key ${path}: ${message}`);
    this.name = 'SigningKeyError';
    this.code = code;
    this.path = path;
  }
}

export interface LoadKeyFileOptions {
  /** Use this kid instead of the one derived from the file (konnectd `--signing-kid`). */
  readonly kid?: string;
}

/**
 * Loads a private signing key the way Konnect does (konnect-spec §3.3): PEM in PKCS#1 RSA,
 * PKCS#8 or SEC1 EC form, or a JSON JWK. The kid is the explicit one when given, else the
 * JWK `kid` of a JSON file, else the file name without extension **after following
 * symlinks** (so `current.pem → konnect-20200312-ab12.pem` gives `konnect-20200312-ab12`).
 *
 * Refuses (with `SigningKeyError`) encrypted or public-only keys, key types no `SigningAlg`
 * can use, RSA keys under 2048 bits and RSA keys with e < 65537.
 */
export async function loadSigningKeyFile(
  path: string,
  options: LoadKeyFileOptions = {},
): Promise<SigningKey> {
  const { target, text } = await readKeyFile(path);
  const { privateKey, jwkKid } = parsePrivateKey(path, text);
  checkUsable(path, privateKey);
  const kid = options.kid ?? jwkKid ?? basename(target, extname(target));
  if (kid === '') throw new SigningKeyError('unparseable', path, 'cannot derive a kid from the file name');
  return { kid, privateKey, publicKey: createPublicKey(privateKey), source: path };
}

async function readKeyFile(path: string): Promise<{ target: string; text: string }> {
  try {
    const target = await realpath(path);
    return { target, text: await readFile(target, 'utf8') };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new SigningKeyError('unreadable', path, `cannot read the file (${reason})`);
  }
}

function parsePrivateKey(path: string, text: string): { privateKey: KeyObject; jwkKid: string | null } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return parseJwk(path, trimmed);
  if (!trimmed.includes('-----BEGIN')) {
    throw new SigningKeyError('unparseable', path, 'neither a PEM file nor a JSON Web Key');
  }
  if (/-----BEGIN (ENCRYPTED PRIVATE KEY|.*PRIVATE KEY-----\s*Proc-Type: 4,ENCRYPTED)/.test(trimmed)) {
    throw new SigningKeyError('unparseable', path, 'encrypted private keys are not supported');
  }
  if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(trimmed)) {
    throw new SigningKeyError(
      'unparseable',
      path,
      'expected a private key in PKCS#1 (RSA PRIVATE KEY), PKCS#8 (PRIVATE KEY) or SEC1 (EC PRIVATE KEY) PEM form',
    );
  }
  try {
    return { privateKey: createPrivateKey({ key: trimmed, format: 'pem' }), jwkKid: null };
  } catch (error) {
    throw new SigningKeyError('unparseable', path, `not a valid private key (${(error as Error).message})`);
  }
}

function parseJwk(path: string, text: string): { privateKey: KeyObject; jwkKid: string | null } {
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new SigningKeyError('unparseable', path, 'not valid JSON');
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk) || !('d' in jwk)) {
    throw new SigningKeyError('unparseable', path, 'expected a private JSON Web Key (with "d")');
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: jwk as JsonWebKeyInput['key'], format: 'jwk' });
  } catch (error) {
    throw new SigningKeyError('unparseable', path, `not a valid private JWK (${(error as Error).message})`);
  }
  const kid = (jwk as { kid?: unknown }).kid;
  return { privateKey, jwkKid: typeof kid === 'string' && kid !== '' ? kid : null };
}

function checkUsable(path: string, key: KeyObject): void {
  if (algsForKey(key).length === 0) {
    throw new SigningKeyError(
      'unsupported',
      path,
      `unsupported key type ${describeKey(key)}; use RSA, EC P-256 or Ed25519`,
    );
  }
  const weakness = keyWeakness(key);
  if (weakness !== null) throw new SigningKeyError('weak', path, weakness);
}
