import type { Logger } from 'pino';
import type { DynamicClientRecord, DynamicClientStamp, DynamicClientStore } from '../storage/types.js';
import { isStorageOutage } from '../oauth/storage-outage.js';
import { signingAlgs } from '../tokens/key-algs.js';
import { clientFromMetadata, DYNAMIC_CLIENT_ID_PREFIX } from './dynamic-client.js';
import { ClientMetadataError } from './dynamic-metadata-error.js';
import {
  checkClientMetadata,
  type DynamicClientMetadata,
  type MetadataRuleContext,
} from './dynamic-metadata.js';
import { isLoopbackHttpIssuer } from './registration-rules.js';
import type { Client, ClientLookup } from './types.js';

export interface DynamicClientRegistryOptions {
  readonly store: DynamicClientStore;
  readonly issuer: string;
  readonly log: Logger;
  /** How many dynamically registered clients may exist; default {@link MAX_DYNAMIC_CLIENTS}. */
  readonly maxClients?: number;
}

/**
 * The most dynamically registered clients kept: anyone may register, and every client is held
 * in memory, so an unbounded number would let one party exhaust it.
 */
export const MAX_DYNAMIC_CLIENTS = 10_000;

/** How often each process reads which dynamic clients are stored (see `DynamicClientRegistry.sync`). */
export const DYNAMIC_CLIENTS_SYNC_MS = 2_000;

/**
 * At most this many storage reads per second for client ids this process does not know
 * (`catchUp`): anyone can send made-up ids, and each would otherwise cost a query.
 */
const CATCH_UP_READS_PER_SECOND = 20;

/**
 * The dynamically registered clients (RFC 7591, RFC 7592): kept in storage
 * (`storage.dynamicClients`), served from memory. Invariants:
 * - `get`/`all` never touch storage: the clients are loaded by {@link load}, and every
 *   `create`, `update` and `delete` made through this registry writes storage first and then
 *   the memory copy, one change at a time;
 * - a stored client whose metadata no longer passes the registration rules (rules tightened
 *   since) is logged once per version and left out, never served;
 * - an `all()` list is never changed in place.
 *
 * Several Sesame processes sharing one database each hold their own copy and follow the others'
 * changes: {@link sync}, every {@link DYNAMIC_CLIENTS_SYNC_MS} once {@link startSync} is called,
 * compares every stored client's stamp (token hash and update time) with its copy and reads
 * only what changed; and {@link catchUp} reads, before a request is refused, a client just
 * registered elsewhere. A client deleted or changed elsewhere is followed within one sync.
 */
export class DynamicClientRegistry implements ClientLookup {
  private readonly entries = new Map<string, Client>();
  /** The stamp of every stored client this copy reflects, served or left out by the rules. */
  private readonly stamps = new Map<string, string>();
  private readonly catchingUp = new Map<string, Promise<void>>();
  private catchUpWindow = { start: 0, reads: 0 };
  private syncTimer: NodeJS.Timeout | null = null;
  private syncFailing = false;
  private listed: readonly Client[] | null = null;
  private changes: Promise<unknown> = Promise.resolve();
  private readonly context: MetadataRuleContext;

  private constructor(private readonly options: DynamicClientRegistryOptions) {
    // Stored metadata passed the rules of its day with the signing key of its day: it is read
    // back against every algorithm Sesame can sign with, so changing the key drops no client
    // (the token service falls back to its own algorithm for one it cannot produce).
    this.context = {
      issuer: options.issuer,
      loopbackIssuer: isLoopbackHttpIssuer(options.issuer),
      signingAlgs,
    };
  }

  /** Loads every stored client. Storage errors reject: Sesame does not start without its clients. */
  static async load(options: DynamicClientRegistryOptions): Promise<DynamicClientRegistry> {
    const registry = new DynamicClientRegistry(options);
    for (const record of await options.store.list()) registry.remember(record);
    options.log.debug({ clients: registry.entries.size }, 'loaded dynamically registered clients');
    return registry;
  }

  get(clientId: string): Client | null {
    return this.entries.get(clientId) ?? null;
  }

  /** The same array until the next change. */
  all(): readonly Client[] {
    this.listed ??= Object.freeze([...this.entries.values()]);
    return this.listed;
  }

  /** No more clients may be registered (see {@link MAX_DYNAMIC_CLIENTS}). */
  get full(): boolean {
    return this.entries.size >= (this.options.maxClients ?? MAX_DYNAMIC_CLIENTS);
  }

  /** Stores a new client and serves it. StorageError 'conflict' when the id is taken. */
  create(record: DynamicClientRecord): Promise<void> {
    return this.serialize(async () => {
      await this.options.store.create(record);
      this.remember(record);
    });
  }

  /**
   * The client's record as stored now, which another process may have changed; the memory copy
   * follows it. Null when there is no such dynamically registered client.
   */
  read(clientId: string): Promise<DynamicClientRecord | null> {
    return this.serialize(async () => {
      const record = await this.options.store.get(clientId);
      if (record === null) this.forget(clientId);
      else this.remember(record);
      return record;
    });
  }

  /**
   * Replaces a client's registration (RFC 7592 §2.1 token rotation, §2.2 update) while its
   * registration token hash is still `expectedTokenHash`, the one the request was authorized
   * with (`DynamicClientStore.update`). False when the client no longer exists or its token was
   * replaced meanwhile, here or in another process; the memory copy then follows storage.
   */
  update(record: DynamicClientRecord, expectedTokenHash: string): Promise<boolean> {
    return this.serialize(async () => {
      const updated = await this.options.store.update(record, expectedTokenHash);
      if (updated) this.remember(record);
      else await this.refresh(record.clientId);
      return updated;
    });
  }

  /**
   * Deletes a client (RFC 7592 §2.3) while its registration token hash is still
   * `expectedTokenHash`, as {@link update}. False when it did not exist or its token was
   * replaced meanwhile.
   */
  delete(clientId: string, expectedTokenHash: string): Promise<boolean> {
    return this.serialize(async () => {
      const deleted = await this.options.store.delete(clientId, expectedTokenHash);
      if (deleted) this.forget(clientId);
      else await this.refresh(clientId);
      return deleted;
    });
  }

  /**
   * Makes the memory copy follow storage: reads every stored client's stamp, then the clients
   * that are new or changed since this copy was made, and drops those no longer stored.
   */
  sync(): Promise<void> {
    return this.serialize(async () => {
      const stored = new Set<string>();
      for (const stamp of await this.options.store.stamps()) {
        stored.add(stamp.clientId);
        if (this.stamps.get(stamp.clientId) === stampOf(stamp)) continue;
        try {
          await this.refresh(stamp.clientId);
        } catch (error) {
          // One unreadable row must not stop the others, nor the deletions below, from being
          // followed; an outage stops the whole pass.
          if (isStorageOutage(error)) throw error;
          this.options.log.warn(
            { err: error, client_id: stamp.clientId },
            'dynamically registered client not served: its stored record cannot be read',
          );
          this.stamps.set(stamp.clientId, stampOf(stamp));
          if (this.entries.delete(stamp.clientId)) this.listed = null;
        }
      }
      for (const clientId of [...this.stamps.keys()]) if (!stored.has(clientId)) this.forget(clientId);
    });
  }

  /** Runs {@link sync} every `intervalMs` until {@link stop}; a failing storage is logged once. */
  startSync(intervalMs: number = DYNAMIC_CLIENTS_SYNC_MS): void {
    this.stop();
    this.syncTimer = setInterval(() => void this.syncLogged(), intervalMs);
    this.syncTimer.unref();
  }

  stop(): void {
    if (this.syncTimer !== null) clearInterval(this.syncTimer);
    this.syncTimer = null;
  }

  /**
   * Before a request naming `clientId` is answered: when no copy of it is held and it has the
   * dynamic id prefix, reads it from storage, where another process may just have registered
   * it. Reads of one id are shared, and at most {@link CATCH_UP_READS_PER_SECOND} are made a
   * second; beyond that the next {@link sync} brings it. A storage failure rejects (StorageError).
   */
  catchUp(clientId: string): Promise<void> {
    if (!clientId.startsWith(DYNAMIC_CLIENT_ID_PREFIX) || this.stamps.has(clientId)) return done;
    const pending = this.catchingUp.get(clientId);
    if (pending !== undefined) return pending;
    if (!this.takeCatchUpRead()) return done;
    const read = this.read(clientId)
      .then(() => undefined)
      .finally(() => this.catchingUp.delete(clientId));
    this.catchingUp.set(clientId, read);
    return read;
  }

  private takeCatchUpRead(): boolean {
    const now = Date.now();
    if (now - this.catchUpWindow.start >= 1000) this.catchUpWindow = { start: now, reads: 0 };
    if (this.catchUpWindow.reads >= CATCH_UP_READS_PER_SECOND) return false;
    this.catchUpWindow.reads++;
    return true;
  }

  private async syncLogged(): Promise<void> {
    try {
      await this.sync();
      if (this.syncFailing) this.options.log.info('dynamically registered clients are followed again');
      this.syncFailing = false;
    } catch (err) {
      if (!this.syncFailing) {
        this.options.log.warn(
          { err },
          'dynamically registered clients could not be read; changes made by other instances wait',
        );
      }
      this.syncFailing = true;
    }
  }

  /** The memory copy of one client, made to follow storage. */
  private async refresh(clientId: string): Promise<void> {
    const record = await this.options.store.get(clientId);
    if (record === null) this.forget(clientId);
    else this.remember(record);
  }

  private remember(record: DynamicClientRecord): void {
    this.stamps.set(record.clientId, stampOf(record));
    let metadata: DynamicClientMetadata;
    try {
      metadata = checkClientMetadata(record.metadata, this.context);
    } catch (error) {
      if (!(error instanceof ClientMetadataError)) throw error;
      this.options.log.warn(
        { client_id: record.clientId, error: error.description },
        'dynamically registered client not served: its stored metadata breaks the registration rules',
      );
      if (this.entries.delete(record.clientId)) this.listed = null;
      return;
    }
    // Only the Client is kept, built from the checked metadata: nothing a registration sent
    // beyond what the rules keep stays in memory.
    this.entries.set(record.clientId, clientFromMetadata(record.clientId, metadata, record.secretHash));
    this.listed = null;
  }

  private forget(clientId: string): void {
    this.stamps.delete(clientId);
    if (this.entries.delete(clientId)) this.listed = null;
  }

  private serialize<T>(change: () => Promise<T>): Promise<T> {
    const next = this.changes.then(change, change);
    this.changes = next.catch(() => undefined);
    return next;
  }
}

const done: Promise<void> = Promise.resolve();

function stampOf(stamp: Pick<DynamicClientStamp, 'registrationTokenHash' | 'updatedAt'>): string {
  return `${stamp.registrationTokenHash} ${stamp.updatedAt}`;
}
