import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import { loadConfiguredKeys } from './keys.js';
import { KeyRing } from './key-ring.js';
import { deliveryPolicy } from '../logout/delivery-policy.js';
import { keyGraceMs } from './key-ring-state.js';
import { fixedKeySource, type KeySource } from './key-source.js';
import { sharedKeyStorageFor, type SharedKeyStorage } from './shared-signing-key.js';
import { loadValidationKeys } from './validation-keys.js';

export interface InstanceKeys {
  readonly source: KeySource;
  /** The ring of generated keys the instance follows, to start and stop; null with key files. */
  readonly ring: KeyRing | null;
}

/**
 * The keys an instance signs and verifies with: the key files `config.signing` names, fixed
 * while it runs (`loadConfiguredKeys`); or, without key files, the ring of generated keys in
 * storage where `generatedKeyPlace` puts them (`KeyRing`, which the caller starts), with the
 * validation keys of `signing.validationKeysPath` published beside it; or else the one
 * generated key in the data directory.
 *
 * @throws what `loadConfiguredKeys` and `KeyRing.open` throw.
 */
export async function loadInstanceKeys(
  config: Pick<Config, 'signing' | 'storage' | 'instanceSecret' | 'dataDir' | 'lifetimes'>,
  log: Logger,
  sharing: SharedKeyStorage,
): Promise<InstanceKeys> {
  const { alg, validationKeysPath } = config.signing;
  const shared = sharedKeyStorageFor(config, sharing, log);
  if (shared === undefined) {
    const keys = await loadConfiguredKeys(config, log);
    return { source: await fixedKeySource(keys.signing, keys.validation, alg), ring: null };
  }
  const validation = validationKeysPath ? await loadValidationKeys(validationKeysPath, log) : [];
  const ring = await KeyRing.open({
    ...shared,
    alg,
    dataDir: config.dataDir,
    log,
    keepForMs: keyGraceMs(config.lifetimes, deliveryPolicy.lifetimeMs),
    validation,
  });
  return { source: ring, ring };
}
