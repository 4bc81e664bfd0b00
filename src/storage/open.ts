import type { StorageConfig } from '../config/types.js';
import { createMemoryStorage } from './memory/memory-storage.js';
import { createSqliteStorage } from './sqlite/sqlite-storage.js';
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
    case 'memory':
      return createMemoryStorage();
    case 'sqlite':
      return createSqliteStorage(config.path, { onMigrated });
    case 'postgres': {
      // pg is loaded only where PostgreSQL is used: SQLite instances start without it.
      const { createPostgresStorage } = await import('./postgres/postgres-storage.js');
      return createPostgresStorage(config.url, { onMigrated, poolSize: config.poolSize });
    }
  }
}
