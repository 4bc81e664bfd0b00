import type { SigningAlg } from '../config/types.js';
import type { Clock } from '../lib/clock.js';
import type { GeneratedKeyRecord, GeneratedKeyStore } from '../storage/types.js';
import { ringState } from './key-ring-state.js';
import { newRingRecord, openRecord } from './shared-signing-key.js';
import type { SigningKey } from './types.js';

/** What `sesame keys` works on: one algorithm's ring in storage. */
export interface RingAccess {
  readonly store: GeneratedKeyStore;
  readonly secret: Uint8Array;
  readonly clock: Clock;
  readonly alg: SigningAlg;
  /** How long a superseded key stays published (`keyGraceMs`). */
  readonly keepForMs: number;
}

/** Why a `sesame keys` change was refused; the message says what to do instead. */
export class KeyRingRefusal extends Error {
  override readonly name = 'KeyRingRefusal';
}

export type KeyStatus = 'signing' | 'pending' | 'superseded' | 'retired' | 'unused';

/** One key of the ring as `sesame keys list` shows it. */
export interface KeyListing {
  readonly kid: string;
  readonly seq: number;
  readonly status: KeyStatus;
  readonly createdAt: number;
  readonly signsFrom: number;
  /** superseded: when it will be retired; retired: when it was. */
  readonly retiresAt: number | null;
}

/**
 * The ring's keys, by `seq`, with what each does now (`ringState`). `unused` is a live key that
 * never signed and never will: a later key signed before its `signsFrom` came.
 */
export async function listKeys(access: RingAccess): Promise<KeyListing[]> {
  const records = await access.store.list(access.alg);
  const now = access.clock.now();
  const state = ringState(records, now, access.keepForMs);
  const published = new Set(state.published.map((r) => r.kid));
  return records.map((record) => {
    const retiresAt = state.retiresAt.get(record.kid) ?? null;
    const status: KeyStatus =
      record.retiredAt !== null
        ? 'retired'
        : record.kid === state.signer?.kid
          ? 'signing'
          : record.signsFrom > now
            ? 'pending'
            : published.has(record.kid) || retiresAt !== null
              ? 'superseded'
              : 'unused';
    return {
      kid: record.kid,
      seq: record.seq,
      status,
      createdAt: record.createdAt,
      signsFrom: record.signsFrom,
      retiresAt: record.retiredAt ?? retiresAt,
    };
  });
}

/**
 * Adds a new key to the ring (issue 10): published by every instance at its next read of the
 * ring, signing `delayMs` from now, so that relying parties and kwmserver, which cache the JWKS,
 * know it before they meet a token it signed. The key it supersedes stays published until no
 * token it signed can be valid, then the instances retire it.
 *
 * @throws KeyRingRefusal when the ring is empty (no instance has started on this storage) or a
 *   key is still pending; when another rotation stored its key at the same moment.
 *   SealedKeyError when `access.secret` does not open the key that signs now: the new key would
 *   be sealed with a secret the instances do not have.
 */
export async function rotateKey(access: RingAccess, delayMs: number): Promise<GeneratedKeyRecord> {
  const { store, alg, clock } = access;
  if (!Number.isInteger(delayMs) || delayMs < 0) throw new TypeError('delay must be a whole number ≥ 0');
  const records = await store.list(alg);
  if (records.length === 0) {
    throw new KeyRingRefusal(
      `there is no ${alg} key to rotate yet: start sesame serve once, which generates the first`,
    );
  }
  const now = clock.now();
  const pending = records.find((r) => r.retiredAt === null && r.signsFrom > now);
  if (pending) {
    throw new KeyRingRefusal(
      `key ${pending.kid} is already waiting to sign from ${new Date(pending.signsFrom).toISOString()}; wait for it, or retire it to cancel that rotation`,
    );
  }
  // A key sealed with another secret than the instances' would stop them at their next start:
  // the secret must open the key that signs now.
  const signer = ringState(records, now, access.keepForMs).signer;
  if (signer) await openRecord(signer, access.secret);
  const seq = (records.at(-1)?.seq ?? 0) + 1;
  const record = await newRingRecord(access, seq, now + delayMs);
  if (!(await store.add(record))) {
    throw new KeyRingRefusal('another rotation stored a key at the same moment; see sesame keys list');
  }
  return record;
}

/**
 * Retires `kid` now: it is no longer published or trusted, and its private key is erased. The
 * key that signs cannot be retired (rotate first, and retire it once the new one signs). A
 * superseded key a valid token may still be signed by is retired only with `force` — a key
 * that leaked must go at once; the tokens it signed then fail verification. Retiring a pending
 * key cancels its rotation.
 *
 * @throws KeyRingRefusal saying why, and what to do instead.
 */
export async function retireKey(
  access: RingAccess,
  kid: string,
  options: { readonly force?: boolean } = {},
): Promise<KeyListing> {
  const keys = await listKeys(access);
  const key = keys.find((k) => k.kid === kid);
  if (key === undefined) {
    const known = keys.map((k) => k.kid).join(', ') || 'none';
    throw new KeyRingRefusal(`there is no ${access.alg} key ${kid} (keys: ${known})`);
  }
  if (key.status === 'retired') throw new KeyRingRefusal(`key ${kid} is retired already`);
  if (key.status === 'signing') {
    throw new KeyRingRefusal(
      `key ${kid} is signing: run sesame keys rotate first, and retire it once the new key signs`,
    );
  }
  const now = access.clock.now();
  if (key.status === 'superseded' && key.retiresAt !== null && key.retiresAt > now && !options.force) {
    throw new KeyRingRefusal(
      `tokens key ${kid} signed may be valid until ${new Date(key.retiresAt).toISOString()}, when it retires by itself; --force retires it now and those tokens stop verifying`,
    );
  }
  await access.store.retire(access.alg, kid, now);
  return { ...key, status: 'retired', retiresAt: now };
}

/**
 * The private key `kid` of the ring, opened with the secret, for an operator moving to key
 * files (`sesame keys export`): listed in `signing.keys` under the name `signing-<alg>.pem`, it
 * keeps its kid (`isGeneratedKeyFileName`).
 *
 * @throws KeyRingRefusal for an unknown or retired key (whose private half is erased);
 *   SealedKeyError when the secret is not the one that sealed it.
 */
export async function exportKey(access: RingAccess, kid: string): Promise<SigningKey> {
  const records = await access.store.list(access.alg);
  const record = records.find((r) => r.kid === kid);
  if (record === undefined) {
    const known = records.map((r) => r.kid).join(', ') || 'none';
    throw new KeyRingRefusal(`there is no ${access.alg} key ${kid} (keys: ${known})`);
  }
  if (record.retiredAt !== null) {
    throw new KeyRingRefusal(`key ${kid} is retired: its private key was erased`);
  }
  return openRecord(record, access.secret);
}
