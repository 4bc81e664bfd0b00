import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { createPrivateFileSync, makePrivateDirSync } from '../../lib/private-files.js';
import { migrate } from '../sql/migrate.js';
import type { Database } from '../sql/schema.js';
import { createSqlStorage } from '../sql/sql-storage.js';
import type { Transact } from '../sql/transact.js';
import { StorageError, type Storage, type StorageErrorKind } from '../types.js';
import { cacheStatements } from './statement-cache.js';

/** How long a writer waits for another connection's lock before failing, ms. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating it and its parent directory if needed) the SQLite database at `path`, or an
 * in-memory one for ':memory:', in WAL mode with foreign keys on, and migrates it. What it
 * creates is owner-only: the directory 0700, the database 0600 — and so its `-wal` and `-shm`
 * files, which SQLite creates with the database file's mode. Existing ones keep their mode.
 * Several processes may open the same file: `codes.consume` and `refreshTokens.rotate` stay
 * atomic across them. Open one instance per file per process: better-sqlite3 waits for locks
 * synchronously, so a second instance in the same process that writes while the first is inside
 * a transaction blocks the event loop for the busy timeout and then fails 'unavailable'.
 * `onMigrated` is told the ids of the migrations this open applied (none when up to date).
 * Throws StorageError 'corrupt' when the file was migrated by a newer Sesame, 'unavailable'
 * when it cannot be opened.
 */
export async function createSqliteStorage(
  path: string,
  options: { readonly onMigrated?: (ran: readonly number[]) => void } = {},
): Promise<Storage> {
  const inMemory = path === ':memory:' || path === '';
  let connection: SqliteDatabase.Database;
  try {
    if (!inMemory) {
      makePrivateDirSync(dirname(path));
      createPrivateFileSync(path);
    }
    connection = new SqliteDatabase(path);
    connection.pragma('journal_mode = WAL');
    connection.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    connection.pragma('foreign_keys = ON');
    connection.pragma('synchronous = NORMAL');
  } catch (cause) {
    throw new StorageError(
      classifySqliteError(cause),
      `cannot open SQLite database ${path}: ${String(cause)}`,
      { cause },
    );
  }
  // Each distinct statement is prepared once, not on every query.
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: cacheStatements(connection) }),
  });
  const transact = immediateTransaction(db);
  try {
    const ran = await migrate(transact, Date.now());
    options.onMigrated?.(ran);
  } catch (cause) {
    await db.destroy();
    if (cause instanceof StorageError) throw cause;
    throw new StorageError(
      classifySqliteError(cause),
      `cannot migrate SQLite database ${path}: ${String(cause)}`,
      { cause },
    );
  }
  return createSqlStorage({
    db,
    transact,
    classifyError: classifySqliteError,
    close: () => db.destroy(),
  });
}

/**
 * Transactions that take the write lock at `BEGIN`, so two connections never both read and then
 * both try to write (which SQLite would fail with SQLITE_BUSY instead of waiting).
 */
function immediateTransaction(db: Kysely<Database>): Transact {
  return (fn) =>
    db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        const result = await fn(conn);
        await sql`commit`.execute(conn);
        return result;
      } catch (error) {
        try {
          await sql`rollback`.execute(conn);
        } catch {
          // The failed statement may already have ended the transaction.
        }
        throw error;
      }
    });
}

/** better-sqlite3 errors carry SQLite's extended result code as `code`. */
export function classifySqliteError(error: unknown): StorageErrorKind {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_FOREIGNKEY'
  ) {
    return 'conflict';
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return 'corrupt';
  return 'unavailable';
}
