import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Runs `fn` in one database transaction and commits, or rolls back when `fn` throws. Each
 * dialect supplies its own: the transaction must be serialisable with respect to concurrent
 * writers of the same rows (SQLite: `BEGIN IMMEDIATE`). Inside `fn`, use only `trx`.
 */
export type Transact = <T>(fn: (trx: Kysely<Database>) => Promise<T>) => Promise<T>;
