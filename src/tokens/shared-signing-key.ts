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
 * Where a generated signing key lives (DESIGN.md "PostgreSQL storage"): in storage when its
 * instances may share it — PostgreSQL, and an instance secret that is not `ephemeral` to seal
 * it with; otherwise in `<dataDir>/keys`, as with SQLite and memory storage.
 */
export function generatedKeyPlace(
  config: Pick<Config, 'storage' | 'instanceSecret'>,
): 'storage' | 'data-dir' {
  return config.storage.kind === 'postgres' && config.instanceSecret?.kind !== 'ephemeral'
    ? 'storage'
    : 'data-dir';
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
 * The generated signing key for `alg` that every instance on the storage signs with (issue 9).
 * The stored one when there is one. Otherwise this instance offers a key — its data directory's
 * `keys/signing-<alg>.pem` when there is one, so that an instance upgraded from a file key
 * keeps its kid, else a new one — sealed with `secret` (`sealed-key.ts`), and signs with
 * whichever key the storage kept first. The kid is the key's RFC 7638 thumbprint. Logs where
 * the key lives.
 *
 * @throws SealedKeyError when the stored key cannot be opened with `secret` (another instance
 *   stored it with another secret); SigningKeyError when the data directory's key cannot be
 *   used for `alg`; StorageError from the store.
 */
export async function loadOrStoreSharedKey(options: SharedKeyOptions): Promise<SigningKey> {
  const { alg, store, log } = options;
  let record = await store.get(alg);
  if (record === null) {
    const offer = await offerKey(options);
    record = await store.insertIfAbsent(offer.record);
    reportOffer(offer, record, log);
  }
  const key = await openRecord(record, options.secret);
  log.info({ kid: key.kid, alg }, 'signing key shared through storage');
  return key;
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
  return {
    record: { alg, kid, sealedKey, createdAt: clock.now() },
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

async function openRecord(record: GeneratedKeyRecord, secret: Uint8Array): Promise<SigningKey> {
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
