import type { StorageConfig } from '../config/types.js';

/** The host, port and database of a postgres URL, never its password: for messages. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}/${database}`;
  } catch {
    return '(unreadable URL)';
  }
}

/** Where the storage is, without a password: for messages. */
export function describeStorage(storage: StorageConfig): string {
  switch (storage.kind) {
    case 'sqlite':
      return `SQLite database ${storage.path}`;
    case 'postgres':
      return `PostgreSQL database ${describePostgresUrl(storage.url)}`;
    case 'memory':
      return 'memory storage';
  }
}
