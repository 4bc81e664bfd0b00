import type { Logger } from 'pino';
import type { SigningAlg } from '../config/types.js';
import type { Clock } from '../lib/clock.js';
import type { GeneratedKeyRecord, GeneratedKeyStore } from '../storage/types.js';
import { buildJwks } from './jwks.js';
import { ringState, type RingState } from './key-ring-state.js';
import type { KeySnapshot, KeySource } from './key-source.js';
import { ensureStoredKey, newRingRecord, openRecord } from './shared-signing-key.js';
import type { SigningKey, VerificationKey } from './types.js';

export interface KeyRingOptions {
  readonly store: GeneratedKeyStore;
  /** The instance secret the keys are sealed with; every instance on the storage has the same. */
  readonly secret: Uint8Array;
  readonly clock: Clock;
  readonly alg: SigningAlg;
  /** Whose `keys/signing-<alg>.pem`, when there is one, becomes the first key of a new ring. */
  readonly dataDir: string;
  readonly log: Logger;
  /** How long a superseded key stays published (`keyGraceMs`). */
  readonly keepForMs: number;
  /**
   * Public keys that only verify, published after the ring's (konnectd `--validation-keys-path`);
   * one whose kid a ring key has is left out.
   */
  readonly validation?: readonly VerificationKey[];
}

/** How often a running instance reads the ring, to follow `sesame keys` and other instances. */
export const KEY_RING_POLL_MS = 5000;

/**
 * The generated signing keys of one algorithm, kept in storage and followed while the instance
 * runs (issue 10): `sesame keys rotate` adds a key that is published at once and signs from its
 * `signsFrom`; a superseded key stays published for the longest token lifetime and is then
 * retired — its private half erased — by whichever instance sees it due first. Every instance
 * reads the ring every `KEY_RING_POLL_MS`, and between reads the clock alone moves a pending
 * key to signing or a superseded one out (`ringState`).
 *
 * A failed read keeps the last keys and says so in the log; the instance goes on signing.
 */
export class KeyRing implements KeySource {
  private snapshot: KeySnapshot;
  private records: readonly GeneratedKeyRecord[];
  private readonly opened = new Map<string, SigningKey>();
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;
  private rendering: Promise<void> | null = null;
  private applying: Promise<void> = Promise.resolve();
  /** The moment the last snapshot stops being true by the clock alone; null: never. */
  private validUntil: number | null = null;

  private constructor(
    private readonly options: KeyRingOptions,
    records: readonly GeneratedKeyRecord[],
    snapshot: KeySnapshot,
    validUntil: number | null,
  ) {
    this.records = records;
    this.snapshot = snapshot;
    this.validUntil = validUntil;
  }

  /**
   * The ring for `options.alg`, after making sure it has a key that can sign: the first key
   * when the storage has none (`ensureStoredKey`), or a new one signing at once when every key
   * was retired. Logs the keys in use.
   *
   * @throws SealedKeyError when a stored key cannot be opened with the secret; SigningKeyError
   *   for an unusable data-directory key; StorageError from the store.
   */
  static async open(options: KeyRingOptions): Promise<KeyRing> {
    const { store, alg, clock, log } = options;
    await ensureStoredKey(options);
    let records = await store.list(alg);
    if (ringState(records, clock.now(), options.keepForMs).signer === null) {
      const next = (records.at(-1)?.seq ?? 0) + 1;
      const record = await newRingRecord(options, next, clock.now());
      if (await store.add(record)) {
        log.warn({ kid: record.kid, alg }, 'every generated signing key was retired: generated a new one');
      }
      records = await store.list(alg);
    }
    const opened = new Map<string, SigningKey>();
    const { snapshot, validUntil } = await render(options, records, opened);
    const ring = new KeyRing(options, records, snapshot, validUntil);
    for (const [kid, key] of opened) ring.opened.set(kid, key);
    log.info({ kid: snapshot.signer.kid, alg }, 'signing key shared through storage');
    log.warn(
      { storage: true, kid: snapshot.signer.kid, alg },
      'using a generated signing key; configure signing keys for production',
    );
    log.info({ alg }, 'set provider signing alg');
    log.info(
      { id: snapshot.signer.kid, method: alg, type: snapshot.signer.publicKey.asymmetricKeyType },
      'set provider signing key',
    );
    for (const key of snapshot.verification) {
      if (key.kid !== snapshot.signer.kid) {
        log.info({ id: key.kid, type: key.publicKey.asymmetricKeyType }, 'set provider validation key');
      }
    }
    return ring;
  }

  /**
   * The keys now. When the clock has passed a change the last read foresaw (a pending key's
   * `signsFrom`, a superseded key's retirement), the keys are worked out again first; until
   * that is done — a moment, no storage is read — the previous keys are returned.
   */
  current(): KeySnapshot {
    if (this.validUntil !== null && this.options.clock.now() >= this.validUntil && !this.rendering) {
      this.rendering = this.rerender().finally(() => (this.rendering = null));
    }
    return this.snapshot;
  }

  /** Reads the ring from storage now and applies it; retires keys that are due. */
  refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => (this.reading = null));
    return this.reading;
  }

  /** Reads the ring every `intervalMs` until `stop`. */
  start(intervalMs = KEY_RING_POLL_MS): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.reading;
    await this.rendering;
  }

  private async read(): Promise<void> {
    const { store, alg, log } = this.options;
    try {
      this.records = await store.list(alg);
      await this.apply();
    } catch (error) {
      log.warn({ err: error, alg }, 'could not read the signing keys; signing with the last ones read');
    }
  }

  private async rerender(): Promise<void> {
    try {
      await this.apply();
    } catch (error) {
      this.validUntil = null; // the next read tries again; not every request meanwhile
      this.options.log.warn({ err: error }, 'could not update the signing keys');
    }
  }

  /** Applies the records last read; one at a time, so an older render never lands last. */
  private apply(): Promise<void> {
    const run = this.applying.then(() => this.applyNow());
    this.applying = run.catch(() => undefined);
    return run;
  }

  private async applyNow(): Promise<void> {
    const { options } = this;
    const before = this.snapshot;
    const { snapshot, validUntil, state } = await render(options, this.records, this.opened);
    this.snapshot = snapshot;
    this.validUntil = validUntil;
    reportChanges(before, snapshot, options.log);
    for (const record of state.due) {
      const retired = await options.store.retire(record.alg, record.kid, options.clock.now());
      this.opened.delete(record.kid);
      if (retired) {
        options.log.info(
          { kid: record.kid, alg: record.alg },
          'retired a signing key: no token it signed can still be valid',
        );
      }
    }
  }
}

interface Rendered {
  readonly snapshot: KeySnapshot;
  readonly validUntil: number | null;
  readonly state: RingState;
}

/**
 * The snapshot `records` give now, opening keys not seen before (kept in `opened`). Throws
 * when no key can sign, which `open` rules out and a later read can bring only when every key
 * was retired behind the instance's back; the caller then keeps its last keys.
 */
async function render(
  options: KeyRingOptions,
  records: readonly GeneratedKeyRecord[],
  opened: Map<string, SigningKey>,
): Promise<Rendered> {
  const state = ringState(records, options.clock.now(), options.keepForMs);
  if (state.signer === null) {
    throw new Error(`no ${options.alg} signing key can sign: run sesame keys rotate`);
  }
  const open = async (record: GeneratedKeyRecord): Promise<SigningKey> => {
    const known = opened.get(record.kid);
    if (known) return known;
    const key = await openRecord(record, options.secret);
    opened.set(record.kid, key);
    return key;
  };
  const signer = await open(state.signer);
  const ringKeys: VerificationKey[] = await Promise.all(state.published.map(open));
  const kids = new Set(ringKeys.map((k) => k.kid));
  const extra = (options.validation ?? []).filter((k) => !kids.has(k.kid));
  const verification = [...ringKeys, ...extra];
  const snapshot: KeySnapshot = { signer, verification, jwks: await buildJwks(verification) };
  return { snapshot, validUntil: state.nextChangeAt, state };
}

function reportChanges(before: KeySnapshot, after: KeySnapshot, log: Logger): void {
  if (before.signer.kid !== after.signer.kid) {
    log.info({ kid: after.signer.kid, previous: before.signer.kid }, 'signing with a new key');
  }
  const had = new Set(before.verification.map((k) => k.kid));
  const has = new Set(after.verification.map((k) => k.kid));
  for (const kid of has) if (!had.has(kid)) log.info({ kid }, 'publishing a new signing key');
  for (const kid of had) if (!has.has(kid)) log.info({ kid }, 'no longer publishing a signing key');
}
