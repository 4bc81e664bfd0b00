import { createPublicKey, type KeyObject } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config, SigningAlg } from '../config/types.js';
import type { Clock } from '../lib/clock.js';
import type { GeneratedKeyRecord, GeneratedKeyStore } from '../storage/types.js';
import { dataDirKeyPath, generatePrivateKey, jwkThumbprint } from './generated-key.js';
import { keyFitsAlg } from './key-algs.js';
import { loadSigningKeyFile, SigningKeyError } from './key-file.js';
import { openSealedKey, SealedKeyError, sealPrivateKey } from './sealed-key.js';
import type { SigningKey } from './types.js';

/** Where a generated signing key is shared: the storage, and the instance secret sealing it there. */
export interface SharedKeyStorage {
  readonly store: GeneratedKeyStore;
  /** The 32-byte instance secret (`secrets.ts`); every instance needs the same one. */
  readonly secret: Uint8Array;
  readonly clock: Clock;
}

export interface SharedKeyOptions extends SharedKeyStorage {
  readonly alg: SigningAlg;
  /** Whose `keys/signing-<alg>.pem`, when there is one, is offered to the storage. */
  readonly dataDir: string;
  readonly log: Logger;
}

/**
 * Where generated signing keys live (DESIGN.md "PostgreSQL storage", "Signing keys"): in a key
 * ring in storage, which `sesame keys` rotates and every instance follows, with SQLite, and
 * with PostgreSQL when the instances share an instance secret to seal the keys with (one that
 * is not `ephemeral`: konnectd without `--encryption-secret` keeps one per data directory).
 * Otherwise one key in `<dataDir>/keys`: memory storage, whose ring would not outlive the
 * process, and PostgreSQL with an ephemeral secret.
 */
export function generatedKeyPlace(
  config: Pick<Config, 'storage' | 'instanceSecret'>,
): 'storage' | 'data-dir' {
  const { kind } = config.storage;
  if (kind === 'sqlite') return 'storage';
  return kind === 'postgres' && config.instanceSecret?.kind !== 'ephemeral' ? 'storage' : 'data-dir';
}

/**
 * `sharing` when `config` configures no key files and `generatedKeyPlace` is `storage`;
 * otherwise undefined, and the key stays in the data directory. On PostgreSQL with an
 * ephemeral secret (konnectd without `--encryption-secret`) logs a warning that the instances
 * will not share it.
 */
export function sharedKeyStorageFor(
  config: Pick<Config, 'signing' | 'storage' | 'instanceSecret' | 'dataDir'>,
  sharing: SharedKeyStorage,
  log: Logger,
): SharedKeyStorage | undefined {
  if (config.signing.keys.length > 0) return undefined;
  if (generatedKeyPlace(config) === 'storage') return sharing;
  if (config.storage.kind === 'postgres') {
    log.warn(
      { path: dataDirKeyPath(config.dataDir, config.signing.alg) },
      'no --encryption-secret to seal the generated signing key with: it is kept in the data directory, and instances sharing the database will not share it',
    );
  }
  return undefined;
}

/**
 * Makes sure the storage holds a first generated key for `alg` (issue 9): when it has none, this
 * instance offers one — its data directory's `keys/signing-<alg>.pem` when there is one, so that
 * an instance upgraded from a file key keeps its kid, else a new one — sealed with `secret`
 * (`sealed-key.ts`), and whichever instance's offer the storage kept first is the ring's first
 * key (`key-ring.ts`). The kid is the key's RFC 7638 thumbprint. Logs what became of the offer.
 *
 * @throws SigningKeyError when the data directory's key cannot be used for `alg`;
 *   StorageError from the store.
 */
export async function ensureStoredKey(options: SharedKeyOptions): Promise<void> {
  const { alg, store, log } = options;
  if ((await store.list(alg)).length > 0) return;
  const offer = await offerKey(options);
  const stored = await store.insertIfAbsent(offer.record);
  reportOffer(offer, stored, log);
}

/** A new key for the ring at `seq`, signing from `signsFrom`, sealed with the instance secret. */
export async function newRingRecord(
  options: Pick<SharedKeyOptions, 'alg' | 'secret' | 'clock'>,
  seq: number,
  signsFrom: number,
): Promise<GeneratedKeyRecord> {
  const { alg, secret, clock } = options;
  const privateKey = generatePrivateKey(alg);
  const kid = await jwkThumbprint(createPublicKey(privateKey));
  const sealedKey = sealPrivateKey(privateKey, { alg, kid }, secret);
  return { alg, seq, kid, sealedKey, createdAt: clock.now(), signsFrom, retiredAt: null };
}

interface Offer {
  readonly record: GeneratedKeyRecord;
  /** The data directory's key file it came from; null for a new key. */
  readonly importedFrom: string | null;
}

async function offerKey(options: SharedKeyOptions): Promise<Offer> {
  const { alg, secret, clock } = options;
  const path = dataDirKeyPath(options.dataDir, alg);
  const existing = await readDataDirKey(path, alg);
  const privateKey = existing ?? generatePrivateKey(alg);
  const kid = await jwkThumbprint(createPublicKey(privateKey));
  const sealedKey = sealPrivateKey(privateKey, { alg, kid }, secret);
  const now = clock.now();
  return {
    record: { alg, seq: 1, kid, sealedKey, createdAt: now, signsFrom: now, retiredAt: null },
    importedFrom: existing === null ? null : path,
  };
}

/** The key the data directory kept before it was shared, or null when there is none. */
async function readDataDirKey(path: string, alg: SigningAlg): Promise<KeyObject | null> {
  try {
    await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const { privateKey } = await loadSigningKeyFile(path);
  if (!keyFitsAlg(privateKey, alg)) {
    throw new SigningKeyError(
      'alg_mismatch',
      path,
      `does not hold a key for ${alg}; remove it to generate a new one`,
    );
  }
  return privateKey;
}

/** Says what became of this instance's offer; a kid is a thumbprint, so equal kids mean one key. */
function reportOffer(offer: Offer, stored: GeneratedKeyRecord, log: Logger): void {
  const { alg, kid } = offer.record;
  const path = offer.importedFrom;
  if (stored.kid !== kid) {
    if (path !== null) {
      log.warn(
        { path, kid, storedKid: stored.kid, alg },
        "another instance stored a signing key first: the data directory's key is no longer used",
      );
    }
  } else if (path !== null) {
    log.info({ path, kid, alg }, "stored the data directory's signing key, to be shared through storage");
  } else {
    log.info({ kid, alg }, 'generated a new signing key');
  }
}

/**
 * The private key of a stored record, checked against its alg and kid.
 *
 * @throws SealedKeyError when it cannot be opened with `secret` (another instance stored it
 *   with another secret), or does not match its alg or kid.
 */
export async function openRecord(record: GeneratedKeyRecord, secret: Uint8Array): Promise<SigningKey> {
  const { alg, kid } = record;
  const privateKey = openSealedKey(record.sealedKey, { alg, kid }, secret);
  const publicKey = createPublicKey(privateKey);
  if (!keyFitsAlg(privateKey, alg) || (await jwkThumbprint(publicKey)) !== kid) {
    throw new SealedKeyError(
      'malformed',
      `the stored ${alg} signing key (kid ${kid}) does not match its alg or kid`,
    );
  }
  return { kid, privateKey, publicKey, source: 'storage' };
}
