import type { Kysely } from 'kysely';
import { byCodeUnits } from '../rules.js';
import type { BackchannelDeliveryRecord, BackchannelDeliveryStore } from '../types.js';
import { deliveryToRow, rowToDelivery } from './protocol-rows.js';
import type { Database } from './schema.js';

/**
 * The statement behind `backchannelDeliveries.claimDue`: one UPDATE that picks the due rows in a
 * subquery (through `backchannel_deliveries_next_attempt_at`), moves them to the end of the lease
 * and returns them. A single statement is its own transaction, so the select and the update are
 * atomic: SQLite runs it under the database's write lock, and no other connection — in this
 * process or another — sees the rows between being picked and being leased. (It is deliberately
 * not an explicit BEGIN … COMMIT: better-sqlite3 waits for locks synchronously, and a second
 * instance in the same process would block the event loop on a transaction held open across an
 * `await`.) The outer WHERE repeats the due condition so the statement stays right under
 * PostgreSQL's READ COMMITTED, where a concurrent claimer blocked on a row re-checks the outer
 * WHERE against the row as the winner left it, and skips it as no longer due. With `rowLocks`
 * (PostgreSQL) the subquery takes `FOR UPDATE SKIP LOCKED`, which SQLite does not parse, so that
 * concurrent workers take different rows instead of queueing on the same ones:
 *
 *   UPDATE backchannel_deliveries SET next_attempt_at = $lease_end
 *   WHERE next_attempt_at <= $now AND expires_at > $now AND id IN (
 *     SELECT id FROM backchannel_deliveries WHERE next_attempt_at <= $now AND expires_at > $now
 *     ORDER BY created_at, id LIMIT $limit FOR UPDATE SKIP LOCKED)
 *   RETURNING *
 *
 * Exported for the test that checks the plan.
 */
export function claimDueDeliveries(
  db: Kysely<Database>,
  now: number,
  limit: number,
  leaseMs: number,
  rowLocks = false,
) {
  const candidates = db
    .selectFrom('backchannel_deliveries')
    .select('id')
    .where('next_attempt_at', '<=', now)
    .where('expires_at', '>', now)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit);
  const due = rowLocks ? candidates.forUpdate().skipLocked() : candidates;
  return db
    .updateTable('backchannel_deliveries')
    .set({ next_attempt_at: now + leaseMs })
    .where('next_attempt_at', '<=', now)
    .where('expires_at', '>', now)
    .where('id', 'in', due)
    .returningAll();
}

const oldestFirst = (a: BackchannelDeliveryRecord, b: BackchannelDeliveryRecord): number =>
  a.createdAt - b.createdAt || byCodeUnits(a.id, b.id);

/**
 * `BackchannelDeliveryStore` over SQL: a queue whose claims are leases (see `claimDueDeliveries`;
 * `rowLocks` for engines that take row locks).
 */
export function createSqlBackchannelDeliveryStore(
  db: Kysely<Database>,
  rowLocks = false,
): BackchannelDeliveryStore {
  return {
    async enqueue(delivery) {
      await db.insertInto('backchannel_deliveries').values(deliveryToRow(delivery)).execute();
    },
    async claimDue(now, limit, leaseMs) {
      if (!(limit >= 1)) return [];
      const rows = await claimDueDeliveries(db, now, Math.floor(limit), leaseMs, rowLocks).execute();
      // RETURNING promises no order.
      return rows.map(rowToDelivery).sort(oldestFirst);
    },
    async reschedule(id, attempts, nextAttemptAt) {
      await db
        .updateTable('backchannel_deliveries')
        .set({ attempts, next_attempt_at: nextAttemptAt })
        .where('id', '=', id)
        .execute();
    },
    async delete(id) {
      await db.deleteFrom('backchannel_deliveries').where('id', '=', id).execute();
    },
  };
}
