import type { Kysely } from 'kysely';
import type { OnceStore } from '../types.js';
import type { Database } from './schema.js';

/**
 * `OnceStore` over SQL: `use` is one INSERT … ON CONFLICT DO UPDATE … WHERE the earlier use has
 * expired … RETURNING, the same text in SQLite and PostgreSQL. A row comes back when the key was
 * new or its earlier use had expired, and none when a live use holds it. One statement, so of
 * concurrent callers in any number of processes exactly one records a live key: PostgreSQL makes
 * the loser of the insert race wait for the winner and then evaluates the WHERE against its row.
 */
export function createSqlOnceStore(db: Kysely<Database>): OnceStore {
  return {
    async use(key, expiresAt, now) {
      const recorded = await db
        .insertInto('once_keys')
        .values({ key, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet({ expires_at: (eb) => eb.ref('excluded.expires_at') })
            .where('once_keys.expires_at', '<=', now),
        )
        .returning('key')
        .executeTakeFirst();
      return recorded !== undefined;
    },
  };
}
