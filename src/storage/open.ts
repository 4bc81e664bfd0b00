import type { StorageConfig } from '../config/types.js';
import type { Storage } from './types.js';

export interface OpenStorageOptions {
  /**
   * Told the ids of the migrations opening applied, none when the schema was up to date. Not
   * called for memory storage, which has no schema.
   */
  readonly onMigrated?: (ran: readonly number[]) => void;
}

/**
 * Opens the storage engine `config` names, migrated and ready. Throws StorageError as the
 * engine does: 'unavailable' when it cannot be reached, 'corrupt' when a newer Sesame wrote it.
 */
export async function openStorage(config: StorageConfig, options: OpenStorageOptions = {}): Promise<Storage> {
  const { onMigrated } = options;
  switch (config.kind) {
    // Each engine is loaded only where it is used: SQLite instances start without pg, and
    // memory storage without kysely and better-sqlite3 (issue 11).
    case 'memory': {
      const { createMemoryStorage } = await import('./memory/memory-storage.js');
      return createMemoryStorage();
    }
    case 'sqlite': {
      const { createSqliteStorage } = await import('./sqlite/sqlite-storage.js');
      return createSqliteStorage(config.path, { onMigrated });
    }
    case 'postgres': {
      const { createPostgresStorage } = await import('./postgres/postgres-storage.js');
      return createPostgresStorage(config.url, { onMigrated, poolSize: config.poolSize });
    }
  }
}
