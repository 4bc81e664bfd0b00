import type { StorageConfig } from '../config/types.js';
import { createMemoryStorage } from './memory/memory-storage.js';
import { createSqliteStorage } from './sqlite/sqlite-storage.js';
import type { Storage } from './types.js';

/**
 * Opens the storage engine `config` names, migrated and ready. PostgreSQL is not implemented
 * yet and is refused with a plain `Error` (a configuration problem, not a storage failure).
 */
export async function openStorage(config: StorageConfig): Promise<Storage> {
  switch (config.kind) {
    case 'memory':
      return createMemoryStorage();
    case 'sqlite':
      return createSqliteStorage(config.path);
    case 'postgres':
      throw new Error('PostgreSQL storage is not available yet');
  }
}
