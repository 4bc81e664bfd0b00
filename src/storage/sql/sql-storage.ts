import type { Kysely } from 'kysely';
import { checkFirstKey } from '../generated-key-rules.js';
import { THROTTLE_RETENTION_MS } from '../rules.js';
import { StorageError, type Storage, type StorageErrorKind } from '../types.js';
import { createSqlBackchannelDeliveryStore } from './backchannel-delivery-store.js';
import { createSqlDynamicClientStore } from './dynamic-client-store.js';
import { createSqlGeneratedKeyStore } from './generated-key-store.js';
import { createSqlOnceStore } from './once-store.js';
import { createSqlPushedRequestStore } from './pushed-request-store.js';
import type { Database } from './schema.js';
import { createSqlConsentStore, createSqlInteractionStore, createSqlSessionStore } from './session-stores.js';
import { createSqlThrottleStore, type RowIdentity } from './throttle-store.js';
import { createSqlCodeStore, createSqlGrantStore, createSqlRefreshTokenStore } from './token-stores.js';
import type { Transact } from './transact.js';
import { createSqlUserStore } from './user-store.js';

/** What a dialect hands to the shared SQL engine. */
export interface SqlStorageOptions {
  /** A migrated database (see `migrate`). */
  readonly db: Kysely<Database>;
  readonly transact: Transact;
  /** Maps a driver error to a storage error kind: 'conflict' for constraint violations. */
  readonly classifyError: (error: unknown) => StorageErrorKind;
  /** Releases the connection(s); called once by `close()`. */
  readonly close: () => Promise<void>;
  /** The engine's hidden row id column (see `RowIdentity`); default SQLite's `rowid`. */
  readonly rowIdentity?: RowIdentity;
  /**
   * Whether the engine takes row locks (`SELECT … FOR UPDATE [SKIP LOCKED]`, PostgreSQL).
   * Default false: SQLite's transactions hold the whole database's write lock instead, and it
   * does not parse those clauses.
   */
  readonly rowLocks?: boolean;
  /**
   * Called first inside the purge's transaction: false when another process is purging now,
   * and this purge is skipped (PostgreSQL: a transaction-scoped advisory lock, so that of
   * several instances one purges at a time). Absent: always purge.
   */
  readonly purgeLock?: (trx: Kysely<Database>) => Promise<boolean>;
}

/**
 * A `Storage` over any kysely dialect whose schema `migrate` created. Every method throws only
 * `StorageError`: driver errors are wrapped with the kind `classifyError` gives them.
 */
export function createSqlStorage(options: SqlStorageOptions): Storage {
  const { db, transact } = options;
  const rowLocks = options.rowLocks ?? false;
  const wrap = (error: unknown): StorageError =>
    error instanceof StorageError
      ? error
      : new StorageError(options.classifyError(error), `storage failed: ${describe(error)}`, {
          cause: error,
        });
  const guard = <T extends object>(store: T): T => guardMethods(store, wrap);
  const generatedKeys = guard(createSqlGeneratedKeyStore(db));

  return {
    users: guard(createSqlUserStore(db, transact)),
    sessions: guard(createSqlSessionStore(db)),
    interactions: guard(createSqlInteractionStore(db)),
    codes: guard(createSqlCodeStore(db)),
    grants: guard(createSqlGrantStore(db, transact)),
    refreshTokens: guard(createSqlRefreshTokenStore(db, transact, rowLocks)),
    consents: guard(createSqlConsentStore(db)),
    throttle: guard(createSqlThrottleStore(db, transact, options.rowIdentity)),
    backchannelDeliveries: guard(createSqlBackchannelDeliveryStore(db, rowLocks)),
    dynamicClients: guard(createSqlDynamicClientStore(db)),
    once: guard(createSqlOnceStore(db)),
    pushedRequests: guard(createSqlPushedRequestStore(db)),
    generatedKeys: {
      ...generatedKeys,
      // Checked outside the guard, which would make the caller's misuse a StorageError.
      async insertIfAbsent(key) {
        checkFirstKey(key);
        return generatedKeys.insertIfAbsent(key);
      },
    },
    async purgeExpired(now) {
      try {
        await transact(async (trx) => {
          if (options.purgeLock && !(await options.purgeLock(trx))) return;
          await trx.deleteFrom('sessions').where('expires_at', '<=', now).execute();
          await trx.deleteFrom('interactions').where('expires_at', '<=', now).execute();
          await trx.deleteFrom('authorization_codes').where('expires_at', '<=', now).execute();
          await trx.deleteFrom('refresh_tokens').where('expires_at', '<=', now).execute();
          await trx
            .deleteFrom('refresh_tokens')
            .where('grant_id', 'in', (eb) =>
              eb.selectFrom('grants').select('id').where('expires_at', '<=', now),
            )
            .execute();
          await trx.deleteFrom('grants').where('expires_at', '<=', now).execute();
          await trx
            .deleteFrom('throttle_hits')
            .where('at', '<=', now - THROTTLE_RETENTION_MS)
            .execute();
          await trx.deleteFrom('backchannel_deliveries').where('expires_at', '<=', now).execute();
          await trx.deleteFrom('once_keys').where('expires_at', '<=', now).execute();
          await trx.deleteFrom('pushed_requests').where('expires_at', '<=', now).execute();
        });
      } catch (error) {
        throw wrap(error);
      }
    },
    async close() {
      try {
        await options.close();
      } catch (error) {
        throw wrap(error);
      }
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Wraps every method of `store` so that whatever it throws passes through `wrap`. */
function guardMethods<T extends object>(store: T, wrap: (error: unknown) => StorageError): T {
  const guarded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(store)) {
    if (typeof value !== 'function') {
      guarded[name] = value;
      continue;
    }
    const method = value as (...args: unknown[]) => Promise<unknown>;
    guarded[name] = async (...args: unknown[]): Promise<unknown> => {
      try {
        return await method.apply(store, args);
      } catch (error) {
        throw wrap(error);
      }
    };
  }
  return guarded as T;
}
