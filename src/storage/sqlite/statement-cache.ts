import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** What the cache needs of a better-sqlite3 `Statement`. */
export interface CacheableStatement extends SqliteStatement {
  /** True while an iterator over this statement is open: it cannot run again until that ends. */
  readonly busy: boolean;
}

/** What the cache needs of a better-sqlite3 `Database`. */
export interface CacheableDatabase {
  prepare(sql: string): CacheableStatement;
  close(): void;
}

/**
 * Room for every statement Sesame runs; an IN list whose length varies gives one SQL text per
 * length, and those not used for longest are dropped instead of growing the cache.
 */
export const DEFAULT_STATEMENT_CACHE_SIZE = 256;

/**
 * `database`, for kysely's `SqliteDialect`, with `prepare` answering each SQL text with the
 * statement it prepared for that text before, so each distinct statement is compiled by SQLite
 * once instead of on every query. It keeps at most `capacity` statements, dropping first those
 * not used for longest. Sharing one statement is safe because better-sqlite3 runs each to completion
 * synchronously and binds the parameters anew on every call; SQLite re-prepares it by itself
 * after a schema change. The exception, a statement still being iterated (kysely's `stream()`),
 * gets a fresh uncached one. `close()` drops the cache and closes `database`, which finalizes
 * every statement.
 */
export function cacheStatements(
  database: CacheableDatabase,
  capacity: number = DEFAULT_STATEMENT_CACHE_SIZE,
): SqliteDatabase {
  if (!Number.isInteger(capacity) || capacity < 2) {
    throw new TypeError(`statement cache capacity must be an integer of at least 2, got ${capacity}`);
  }
  // Two generations instead of a strict LRU, so that a hit, the common case, is one lookup with
  // no reordering (a delete and re-insert per query measured as costly as the lookup itself).
  // Statements are added to `recent`; when it is full it becomes `older`, and the previous
  // `older` is dropped. A hit in `older` moves the statement back to `recent`.
  const generation = Math.floor(capacity / 2);
  let recent = new Map<string, CacheableStatement>();
  let older = new Map<string, CacheableStatement>();
  return {
    prepare(sql) {
      let statement = recent.get(sql);
      if (statement === undefined) {
        statement = older.get(sql);
        if (statement === undefined) statement = database.prepare(sql);
        else older.delete(sql);
        if (recent.size >= generation) {
          older = recent;
          recent = new Map();
        }
        recent.set(sql, statement);
      }
      return statement.busy ? database.prepare(sql) : statement;
    },
    close() {
      recent.clear();
      older.clear();
      database.close();
    },
  };
}
