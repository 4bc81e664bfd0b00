/**
 * A real SQLite storage that a test takes down and brings back, as a database outage looks to
 * Sesame: `goDown` closes the database, so every call fails inside the driver and storage
 * throws `StorageError` 'unavailable' as it would for a lost connection; `comeBack` opens the
 * same file again, with everything written before. Callers keep the one `storage` object, whose
 * stores reach whichever database is open at the time of each call.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStorage } from '../../storage/sqlite/sqlite-storage.js';
import type { Storage } from '../../storage/types.js';

const STORES = [
  'users',
  'sessions',
  'interactions',
  'codes',
  'grants',
  'refreshTokens',
  'consents',
  'throttle',
  'backchannelDeliveries',
  'dynamicClients',
  'once',
  'pushedRequests',
] as const satisfies readonly (keyof Storage)[];

export class TestOutageStorage {
  /** The storage to hand to the app; it outlives outages. */
  readonly storage: Storage;
  /** The database file. */
  readonly path: string;
  readonly #dir: string;
  #current: Storage;

  private constructor(dir: string, path: string, current: Storage) {
    this.#dir = dir;
    this.path = path;
    this.#current = current;
    const view: Record<string, unknown> = {
      purgeExpired: (now: number) => this.#current.purgeExpired(now),
      close: () => this.#current.close(),
    };
    for (const name of STORES) view[name] = this.#delegate(name);
    this.storage = view as unknown as Storage;
  }

  /** A new database in a temporary directory. */
  static async create(): Promise<TestOutageStorage> {
    const dir = await mkdtemp(join(tmpdir(), 'sesame-outage-'));
    const path = join(dir, 'sesame.db');
    return new TestOutageStorage(dir, path, await createSqliteStorage(path));
  }

  /** The database goes away: it is closed, and every storage call fails until {@link comeBack}. */
  async goDown(): Promise<void> {
    await this.#current.close();
  }

  /** The database is back: the file is opened again. */
  async comeBack(): Promise<void> {
    this.#current = await createSqliteStorage(this.path);
  }

  /** Closes the database (if open) and removes the temporary directory. */
  async remove(): Promise<void> {
    await this.#current.close().catch(() => undefined);
    await rm(this.#dir, { recursive: true, force: true });
  }

  /** A store whose every method calls the same method of the store open at call time. */
  #delegate(name: (typeof STORES)[number]): unknown {
    return new Proxy(
      {},
      {
        get: (_target, method) => {
          const store = this.#current[name] as unknown as Record<PropertyKey, unknown>;
          const value = store[method];
          return typeof value === 'function'
            ? (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(store, args)
            : value;
        },
      },
    );
  }
}
