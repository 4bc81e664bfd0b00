import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrate } from '../sql/migrate.js';
import type { Database } from '../sql/schema.js';
import { createSqlStorage } from '../sql/sql-storage.js';
import type { Transact } from '../sql/transact.js';
import { StorageError, type Storage } from '../types.js';
import { classifyPostgresError, isRetryablePostgresError } from './classify-error.js';
import { describePostgresUrl } from '../describe.js';

export { describePostgresUrl } from '../describe.js';

/** Connections kept open to PostgreSQL when the configuration does not say. */
export const DEFAULT_POOL_SIZE = 10;

/** How long a query waits for a connection (or for a new one to be made) before failing, ms. */
const CONNECT_TIMEOUT_MS = 10_000;

/** A transaction that lost to a concurrent one (40001, 40P01) is run again, this many times in all. */
const TRANSACTION_ATTEMPTS = 3;

/**
 * The first key of the advisory lock held while migrating; the second is the schema's name, so
 * instances on different schemas of one database do not wait for each other.
 */
const MIGRATION_LOCK_CLASS = 0x5e5a3e;

/** The first key of the advisory lock of `purgeExpired`, taken with try: one instance purges at a time. */
const PURGE_LOCK_CLASS = 0x5e5a3f;

/** The PostgreSQL type id of `bigint` (int8). */
const INT8_OID = 20;

export interface PostgresStorageOptions {
  /** Connections in the pool; at least 1. Default `DEFAULT_POOL_SIZE`. */
  readonly poolSize?: number;
  /** Told the ids of the migrations this start applied (none when the schema was up to date). */
  readonly onMigrated?: (ran: readonly number[]) => void;
}

/**
 * Opens a pool on the PostgreSQL database at `url` (a `postgres://` URL; `?options=-c
 * search_path=…` chooses a schema) and migrates it. Several instances may share the database:
 * migrations run under an advisory lock, so instances starting together apply each once, and
 * `codes.consume`, `refreshTokens.rotate`, `backchannelDeliveries.claimDue`, `once.use` and
 * `pushedRequests.take` stay atomic across them under READ COMMITTED. BIGINT columns come back
 * as numbers (epoch milliseconds fit), through a type parser of this pool only.
 * Throws StorageError 'corrupt' when the database was migrated by a newer Sesame, 'unavailable'
 * when it cannot be reached.
 */
export async function createPostgresStorage(
  url: string,
  options: PostgresStorageOptions = {},
): Promise<Storage> {
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new TypeError(`poolSize must be a whole number of at least 1, not ${poolSize}`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: { getTypeParser: typeParser as typeof pg.types.getTypeParser },
  });
  // A connection the server drops (restart, failover) emits 'error'; with nobody listening
  // that would end the process. The pool listens only while a connection is idle in it, so
  // every connection gets a listener of its own too, for while a query holds it: that query
  // fails and is classified (an outage, a 503), and the pool replaces the connection.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const ran = await migrate(lockedForMigration(db), Date.now());
    options.onMigrated?.(ran);
  } catch (cause) {
    await db.destroy();
    if (cause instanceof StorageError) throw cause;
    throw new StorageError(
      classifyPostgresError(cause),
      `cannot migrate PostgreSQL database ${describePostgresUrl(url)}: ${describe(cause)}`,
      { cause },
    );
  }
  return createSqlStorage({
    db,
    transact: retryingTransaction(db),
    classifyError: classifyPostgresError,
    close: () => db.destroy(),
    rowIdentity: 'ctid',
    rowLocks: true,
    async purgeLock(trx) {
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_xact_lock(${sql.lit(PURGE_LOCK_CLASS)}, hashtext(coalesce(current_schema(), ''))) as locked`.execute(
        trx,
      );
      return rows[0]?.locked === true;
    },
  });
}

function typeParser(oid: number, format?: 'text' | 'binary'): unknown {
  if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
  return format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format);
}

/**
 * kysely transactions at PostgreSQL's default isolation, READ COMMITTED: the SQL stores make
 * that enough with conditional writes and row locks. A transaction that lost a serialization or
 * deadlock check is rolled back by PostgreSQL and run again.
 */
function retryingTransaction(db: Kysely<Database>): Transact {
  return async (fn) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute(fn);
      } catch (error) {
        if (!isRetryablePostgresError(error) || attempt >= TRANSACTION_ATTEMPTS) throw error;
      }
    }
  };
}

/**
 * Transactions that first take the migration lock of the current schema, held until they end:
 * of instances starting together, one migrates while the others wait, then find nothing to do.
 */
function lockedForMigration(db: Kysely<Database>): Transact {
  return (fn) =>
    db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_CLASS)}, hashtext(coalesce(current_schema(), '')))`.execute(
        trx,
      );
      return fn(trx);
    });
}

/** An error's message; a refused connection to several addresses has none, only a code. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message !== '') return error.message;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}
