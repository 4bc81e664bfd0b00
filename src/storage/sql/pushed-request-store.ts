import type { Kysely } from 'kysely';
import type { PushedRequestStore } from '../types.js';
import { pushedRequestToRow, rowToPushedRequest } from './protocol-rows.js';
import type { Database } from './schema.js';

/**
 * `PushedRequestStore` over SQL (RFC 9126). `take` is one DELETE … RETURNING, the same text in
 * SQLite and PostgreSQL: only the statement that deletes the row gets it back, so of concurrent
 * takers in any number of processes exactly one does, and one naming another client deletes
 * nothing.
 */
export function createSqlPushedRequestStore(db: Kysely<Database>): PushedRequestStore {
  return {
    async create(request) {
      await db.insertInto('pushed_requests').values(pushedRequestToRow(request)).execute();
    },
    async take(requestUriHash, clientId, now) {
      const row = await db
        .deleteFrom('pushed_requests')
        .where('request_uri_hash', '=', requestUriHash)
        .where('client_id', '=', clientId)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? null : rowToPushedRequest(row);
    },
    async countLive(now, clientId) {
      let query = db
        .selectFrom('pushed_requests')
        .select((eb) => eb.fn.countAll<string | number>().as('live'))
        .where('expires_at', '>', now);
      if (clientId !== undefined) query = query.where('client_id', '=', clientId);
      const row = await query.executeTakeFirstOrThrow();
      return Number(row.live);
    },
  };
}
