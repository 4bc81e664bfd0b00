import { createPrivateKey, createPublicKey, type JsonWebKeyInput, type KeyObject } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Logger } from 'pino';
import { algsForKey, describeKey, keyWeakness } from './key-algs.js';
import type { SigningKey, VerificationKey } from './types.js';

/** A validation key file that cannot be used; start-up stops with the file named. */
export class ValidationKeyError extends Error {
  readonly code = 'VALIDATION_KEY_INVALID';
  readonly path: string;
  constructor(path: string, message: string) {
    super(`validation key ${path}: ${message}`);
    this.name = 'ValidationKeyError';
    this.path = path;
  }
}

/**
 * Loads every `*.pem` and `*.json` file in `dir` (konnectd `--validation-keys-path`,
 * konnect-spec §3.2), in name order. The kid is the file name without its extension, taken
 * from the directory entry: a symlink keeps its own name (unlike signing keys, §3.3). A PEM may
 * hold a public key (SPKI or PKCS#1) or a private key (PKCS#1, PKCS#8, SEC1), of which only
 * the public half is kept; a JSON file holds a JWK. Other entries, and entries that are not
 * regular files after following symlinks, are ignored.
 *
 * @throws ValidationKeyError naming a file that is unreadable, unparseable, of a type no
 *   `SigningAlg` uses, or a weak RSA key.
 */
export async function loadValidationKeys(dir: string, log: Logger): Promise<VerificationKey[]> {
  const names = (await readdir(dir)).sort();
  const keys: VerificationKey[] = [];
  for (const name of names) {
    const ext = extname(name).toLowerCase();
    if (ext !== '.pem' && ext !== '.json') continue;
    const path = join(dir, name);
    if (!(await isFile(path))) continue;
    const kid = name.slice(0, -ext.length);
    if (kid === '') continue;
    const publicKey = await readPublicKey(path, ext);
    keys.push({ kid, publicKey, source: path });
    log.debug({ kid, path }, 'loaded validator key');
  }
  return keys;
}

/**
 * The validation keys that remain once the signing keys are published: a candidate whose kid
 * a signing key (or an earlier candidate) already has is skipped — silently at debug level
 * when it is the same key (Konnect's key directory usually holds the signing key too), with a
 * warning when it is a different key.
 */
export function mergeValidationKeys(
  signing: readonly SigningKey[],
  candidates: readonly VerificationKey[],
  log: Logger,
): VerificationKey[] {
  const taken = new Map<string, VerificationKey>(signing.map((k) => [k.kid, k]));
  const result: VerificationKey[] = [];
  for (const key of candidates) {
    const existing = taken.get(key.kid);
    if (existing === undefined) {
      taken.set(key.kid, key);
      result.push(key);
    } else if (sameKey(existing.publicKey, key.publicKey)) {
      log.debug({ kid: key.kid, path: key.source }, 'skipped validation key already loaded');
    } else {
      log.warn(
        { kid: key.kid, path: key.source, other: existing.source },
        'skipped validation key: another key already has this kid',
      );
    }
  }
  return result;
}

/**
 * Why the type check first: `KeyObject.equals` on keys of different types leaves an OpenSSL
 * error queued in Node 20, which a later, unrelated key parse then reports as its own failure.
 */
function sameKey(a: KeyObject, b: KeyObject): boolean {
  return a.asymmetricKeyType === b.asymmetricKeyType && a.equals(b);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readPublicKey(path: string, ext: string): Promise<KeyObject> {
  let text: string;
  try {
    text = (await readFile(path, 'utf8')).trim();
  } catch (error) {
    throw new ValidationKeyError(
      path,
      `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  let key: KeyObject;
  try {
    key = ext === '.json' ? fromJwk(text) : fromPem(text);
  } catch (error) {
    if (error instanceof ValidationKeyError) throw error;
    throw new ValidationKeyError(path, `not a usable key (${(error as Error).message})`);
  }
  if (algsForKey(key).length === 0) {
    throw new ValidationKeyError(
      path,
      `unsupported key type ${describeKey(key)}; use RSA, EC P-256 or Ed25519`,
    );
  }
  const weakness = keyWeakness(key);
  if (weakness !== null) throw new ValidationKeyError(path, weakness);
  return key;
}

function fromPem(text: string): KeyObject {
  if (/-----BEGIN (ENCRYPTED PRIVATE KEY|.*PRIVATE KEY-----\s*Proc-Type: 4,ENCRYPTED)/.test(text)) {
    throw new Error('encrypted private keys are not supported');
  }
  if (/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(text)) {
    return createPublicKey(createPrivateKey({ key: text, format: 'pem' }));
  }
  if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(text)) return createPublicKey({ key: text, format: 'pem' });
  throw new Error('expected a PEM public or private key');
}

function fromJwk(text: string): KeyObject {
  const jwk: unknown = JSON.parse(text);
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    throw new Error('expected a JSON Web Key object');
  const input = { key: jwk as JsonWebKeyInput['key'], format: 'jwk' as const };
  return 'd' in jwk ? createPublicKey(createPrivateKey(input)) : createPublicKey(input);
}
