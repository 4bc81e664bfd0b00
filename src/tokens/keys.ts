import { chmod, link, mkdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Config, SigningAlg } from '../config/types.js';
import { randomToken } from '../lib/ids.js';
import {
  dataDirKeyPath,
  generatePrivateKey,
  isGeneratedKeyFileName,
  jwkThumbprint,
} from './generated-key.js';
import { describeKey, keyFitsAlg } from './key-algs.js';
import { loadSigningKeyFile, SigningKeyError } from './key-file.js';
import type { SigningKey, VerificationKey } from './types.js';
import { loadValidationKeys, mergeValidationKeys } from './validation-keys.js';

export { loadSigningKeyFile, SigningKeyError } from './key-file.js';
export type { LoadKeyFileOptions, SigningKeyErrorCode } from './key-file.js';

/** A key file, optionally with the kid to publish it under (konnectd `--signing-kid`). */
export type KeyFileSpec = string | { readonly path: string; readonly kid?: string };

export interface SigningKeysOptions {
  readonly alg: SigningAlg;
  /** The first file is the signing key; further files are published for verification. */
  readonly keyFiles: readonly KeyFileSpec[];
  /** Where a generated key is kept (`<dataDir>/keys/signing-<alg>.pem`). */
  readonly dataDir: string;
  readonly log: Logger;
}

/**
 * The signing keys for this instance, the one to sign with first.
 *
 * With key files (konnect-spec §3.3), loads each of them; the first must suit `alg`, or a
 * `SigningKeyError` naming the file says which key type is needed. Without key
 * files, reuses `<dataDir>/keys/signing-<alg>.pem` or creates it (RSA 2048 for RS256/PS256,
 * P-256 for ES256, Ed25519 for EdDSA) as PKCS#8 PEM with mode 0600 in a 0700 directory, and
 * logs a warning that a generated key is in use. Creation is exclusive, so instances sharing
 * a data directory that start together end up with one key. A generated key's kid is its
 * RFC 7638 thumbprint, so a replaced key never reuses a kid that relying parties have cached.
 * Generated keys kept in storage are a ring of their own (`key-ring.ts`), not loaded here.
 */
export async function loadOrGenerateSigningKeys(options: SigningKeysOptions): Promise<SigningKey[]> {
  const { alg, keyFiles, log } = options;
  if (keyFiles.length === 0) {
    const key = await loadOrGenerateKey(alg, options.dataDir, log);
    log.warn(
      { path: key.source, kid: key.kid, alg },
      'using a generated signing key; configure signing keys for production',
    );
    return [key];
  }
  const keys: SigningKey[] = [];
  for (const spec of keyFiles) {
    const { path, kid } = typeof spec === 'string' ? { path: spec, kid: undefined } : spec;
    const loaded = await loadSigningKeyFile(path, kid === undefined ? {} : { kid });
    const key =
      kid === undefined && isGeneratedKeyFileName(path)
        ? { ...loaded, kid: await jwkThumbprint(loaded.publicKey) }
        : loaded;
    const clash = keys.find((k) => k.kid === key.kid);
    if (clash)
      throw new SigningKeyError('duplicate_kid', path, `kid ${key.kid} is already used by ${clash.source}`);
    keys.push(key);
  }
  const [first] = keys as [SigningKey, ...SigningKey[]];
  if (!keyFitsAlg(first.privateKey, alg)) {
    throw new SigningKeyError(
      'alg_mismatch',
      first.source,
      `a ${describeKey(first.privateKey)} key cannot sign ${alg}; ${suitableKeyFor(alg)} is needed`,
    );
  }
  return keys;
}

export interface ConfiguredKeys {
  /** The signing keys, the one to sign with first (see `loadOrGenerateSigningKeys`). */
  readonly signing: SigningKey[];
  /** Keys that only verify and are published: see `mergeValidationKeys`. */
  readonly validation: VerificationKey[];
}

/**
 * The keys `Config.signing` describes, logged in Konnect's order (konnect-spec §6): the
 * signing keys, the first under `signing.kid` when set, in which case its file-derived kid
 * stays published and verifying too, as Konnect registers the key under both (§3.2, §3.3);
 * then the keys in `signing.validationKeysPath`. Without key files, the generated key in the data
 * directory; generated keys kept in storage are a `KeyRing` instead (`sharedKeyStorageFor`).
 *
 * @throws SigningKeyError or ValidationKeyError naming the file that cannot be used.
 */
export async function loadConfiguredKeys(
  config: Pick<Config, 'signing' | 'dataDir'>,
  log: Logger,
): Promise<ConfiguredKeys> {
  const { alg, keys: files, kid, validationKeysPath } = config.signing;
  for (const path of files) log.info({ path }, 'loading signing key');
  const specs: KeyFileSpec[] = files.map((path, i) => (i === 0 && kid ? { path, kid } : path));
  const signing = await loadOrGenerateSigningKeys({
    alg,
    keyFiles: specs,
    dataDir: config.dataDir,
    log,
  });
  for (const key of signing) log.debug({ kid: key.kid, path: key.source }, 'loaded signer key');

  const candidates: VerificationKey[] = [];
  const [first] = files;
  if (kid && first !== undefined) candidates.push(await loadSigningKeyFile(first));
  if (validationKeysPath) {
    log.info({ path: validationKeysPath }, 'loading validation keys');
    candidates.push(...(await loadValidationKeys(validationKeysPath, log)));
  }
  const validation = mergeValidationKeys(signing, candidates, log).map(
    ({ kid: id, publicKey, source }): VerificationKey => ({ kid: id, publicKey, source }),
  );

  const signer = signing[0] as SigningKey;
  log.info({ alg }, 'set provider signing alg');
  log.info(
    { id: signer.kid, method: alg, type: signer.publicKey.asymmetricKeyType },
    'set provider signing key',
  );
  for (const key of validation) {
    log.info({ id: key.kid, type: key.publicKey.asymmetricKeyType }, 'set provider validation key');
  }
  return { signing, validation };
}

async function loadOrGenerateKey(alg: SigningAlg, dataDir: string, log: Logger): Promise<SigningKey> {
  const path = dataDirKeyPath(dataDir, alg);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const mode = await fileMode(path);
  if (mode === null) {
    // Another instance may win the race; then its key is the one everybody uses.
    if (await writeExclusive(path, generatePem(alg))) log.info({ path, alg }, 'generated a new signing key');
  } else if ((mode & 0o077) !== 0) {
    log.warn({ path, mode: mode.toString(8) }, 'signing key file is readable by others; chmod 600 it');
  }
  const loaded = await loadSigningKeyFile(path);
  if (!keyFitsAlg(loaded.privateKey, alg)) {
    throw new SigningKeyError(
      'alg_mismatch',
      path,
      `does not hold a key for ${alg}; remove it to generate a new one`,
    );
  }
  return { ...loaded, kid: await jwkThumbprint(loaded.publicKey) };
}

function generatePem(alg: SigningAlg): string {
  return generatePrivateKey(alg).export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** Writes `path` only if it does not exist yet, never exposing a half-written file. */
async function writeExclusive(path: string, content: string): Promise<boolean> {
  const temp = `${path}.${randomToken(6)}.tmp`;
  await writeFile(temp, content, { mode: 0o600, flag: 'wx' });
  try {
    await chmod(temp, 0o600); // the umask may have narrowed but never widens; be explicit
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp);
  }
}

/** The permission bits of `path`, or null when it does not exist. */
async function fileMode(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function suitableKeyFor(alg: SigningAlg): string {
  return { RS256: 'an RSA key', PS256: 'an RSA key', ES256: 'an EC P-256 key', EdDSA: 'an Ed25519 key' }[alg];
}
