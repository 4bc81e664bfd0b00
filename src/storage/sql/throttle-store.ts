import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { byThrottleKey } from '../rules.js';
import type { ThrottleStore } from '../types.js';
import type { Database } from './schema.js';
import type { Transact } from './transact.js';

/**
 * Whether `key` starts with `prefix`, compared literally: no LIKE, whose `%` and `_` are
 * wildcards and which ignores ASCII case in SQLite. Lengths are in characters on both sides, in
 * SQLite and PostgreSQL alike; the cast gives PostgreSQL the parameter's type.
 */
function keyStartsWith(prefix: string): Expression<SqlBool> {
  const literal = sql`cast(${prefix} as text)`;
  return sql<SqlBool>`substr(${sql.ref('key')}, 1, length(${literal})) = ${literal}`;
}

/**
 * The hidden column that tells apart rows a table has no key for (`throttle_hits` holds one row
 * per failure, and two of a key at the same millisecond are alike): SQLite's `rowid`,
 * PostgreSQL's `ctid`.
 */
export type RowIdentity = 'rowid' | 'ctid';

/**
 * `ThrottleStore` over SQL: one row per failure; old rows go in `purgeExpired`. `rowIdentity`
 * is the engine's (default: SQLite's); `release` deletes by it to withdraw a single row.
 */
export function createSqlThrottleStore(
  db: Kysely<Database>,
  transact: Transact,
  rowIdentity: RowIdentity = 'rowid',
): ThrottleStore {
  const rowId = sql.ref(rowIdentity);
  async function count(key: string, now: number, windowMs: number): Promise<number> {
    const row = await db
      .selectFrom('throttle_hits')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('key', '=', key)
      .where('at', '>', now - windowMs)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
  return {
    async hit(key, now, windowMs) {
      await db.insertInto('throttle_hits').values({ key, at: now }).execute();
      return count(key, now, windowMs);
    },
    count,
    async clear(key) {
      await db.deleteFrom('throttle_hits').where('key', '=', key).execute();
    },
    async release(key, at) {
      // DELETE … LIMIT is not portable (PostgreSQL lacks it, SQLite has it only when built
      // with it); deleting the one row a subquery picks works in both. On PostgreSQL two
      // concurrent releases of alike hits may pick the same row, and then one withdraws
      // nothing: that attempt stays counted, which errs on the strict side.
      const oneHit = db
        .selectFrom('throttle_hits')
        .select(rowId.as('row_id'))
        .where('key', '=', key)
        .where('at', '=', at)
        .limit(1);
      await db
        .deleteFrom('throttle_hits')
        .where(sql<SqlBool>`${rowId} = ${oneHit}`)
        .execute();
    },
    async list(now, windowMs) {
      const rows = await db
        .selectFrom('throttle_hits')
        .select((eb) => ['key', eb.fn.countAll().as('n'), eb.fn.max('at').as('last_at')])
        .where('at', '>', now - windowMs)
        .groupBy('key')
        .execute();
      return rows
        .map((r) => ({ key: r.key, count: Number(r.n), lastAt: Number(r.last_at) }))
        .sort(byThrottleKey);
    },
    async clearPrefix(prefix) {
      return transact(async (trx) => {
        const row = await trx
          .selectFrom('throttle_hits')
          .select((eb) => eb.fn.count('key').distinct().as('n'))
          .where(keyStartsWith(prefix))
          .executeTakeFirstOrThrow();
        await trx.deleteFrom('throttle_hits').where(keyStartsWith(prefix)).execute();
        return Number(row.n);
      });
    },
  };
}
