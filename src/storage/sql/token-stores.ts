import type { Kysely } from 'kysely';
import { byCodeUnits, planRotation, refuseConsume } from '../rules.js';
import {
  StorageError,
  type CodeStore,
  type GrantStore,
  type RefreshTokenRecord,
  type RefreshTokenStore,
  type RotateResult,
} from '../types.js';
import { changedRows, firstRow, fixedInsert, fixedQuery } from './fixed-query.js';
import {
  codeToRow,
  grantToRow,
  refreshTokenToRow,
  rowToCode,
  rowToGrant,
  rowToRefreshToken,
} from './rows.js';
import type { Database } from './schema.js';
import type { Transact } from './transact.js';

/**
 * `CodeStore` over SQL. `consume` is one conditional UPDATE, so of any number of concurrent
 * callers, in any number of processes, exactly one changes the row.
 */
export function createSqlCodeStore(db: Kysely<Database>): CodeStore {
  const insert = fixedInsert(db, 'authorization_codes');
  const consumeLive = fixedQuery((a: { codeHash: string; now: number }) =>
    db
      .updateTable('authorization_codes')
      .set({ consumed_at: a.now })
      .where('code_hash', '=', a.codeHash)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', a.now)
      .returningAll(),
  );
  const byHash = fixedQuery((a: { codeHash: string }) =>
    db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', a.codeHash),
  );
  return {
    async create(code) {
      await db.executeQuery(insert(codeToRow(code)));
    },
    async consume(codeHash, now) {
      const consumed = await firstRow(db, consumeLive({ codeHash, now }));
      if (consumed !== undefined) return { kind: 'consumed', code: rowToCode(consumed) };
      const row = await firstRow(db, byHash({ codeHash }));
      // Codes are never un-consumed, so a row the UPDATE skipped but that is live now was not
      // there for the UPDATE (stored meanwhile): at the moment this consume took effect there
      // was no such code.
      return refuseConsume(row === undefined ? null : rowToCode(row), now) ?? { kind: 'not_found' };
    },
    async get(codeHash) {
      const row = await firstRow(db, byHash({ codeHash }));
      return row === undefined ? null : rowToCode(row);
    },
  };
}

/**
 * The query behind `grants.clientsOfSession`: answered from `grants_session_id_client_id` alone,
 * which also yields the client ids in order, so DISTINCT needs no sort. Exported for the test
 * that checks the plan.
 */
export function clientsOfSessionQuery(db: Kysely<Database>, sessionId: string) {
  return db.selectFrom('grants').select('client_id').distinct().where('session_id', '=', sessionId);
}

/** A grant by id: read by the grant store and by refresh token rotation. */
function grantById(db: Kysely<Database>) {
  return fixedQuery((a: { id: string }) => db.selectFrom('grants').selectAll().where('id', '=', a.id));
}

/** `GrantStore` over SQL; revoking a grant deletes its refresh tokens in the same transaction. */
export function createSqlGrantStore(db: Kysely<Database>, transact: Transact): GrantStore {
  const insert = fixedInsert(db, 'grants');
  const byId = grantById(db);
  return {
    async create(grant) {
      await db.executeQuery(insert(grantToRow(grant)));
    },
    async get(id) {
      const row = await firstRow(db, byId({ id }));
      return row === undefined ? null : rowToGrant(row);
    },
    async revoke(id, now) {
      await transact(async (trx) => {
        await trx
          .updateTable('grants')
          .set({ revoked_at: now })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .execute();
        await trx.deleteFrom('refresh_tokens').where('grant_id', '=', id).execute();
      });
    },
    async revokeForUserClient(userId, clientId, now) {
      await transact(async (trx) => {
        await trx
          .updateTable('grants')
          .set({ revoked_at: now })
          .where('user_id', '=', userId)
          .where('client_id', '=', clientId)
          .where('revoked_at', 'is', null)
          .execute();
        await trx
          .deleteFrom('refresh_tokens')
          .where('grant_id', 'in', (eb) =>
            eb
              .selectFrom('grants')
              .select('id')
              .where('user_id', '=', userId)
              .where('client_id', '=', clientId),
          )
          .execute();
      });
    },
    async clientsOfSession(sessionId) {
      const rows = await clientsOfSessionQuery(db, sessionId).execute();
      // Sorted here, not by ORDER BY, whose collation differs between SQLite and PostgreSQL.
      return rows.map((r) => r.client_id).sort(byCodeUnits);
    },
  };
}

/** Thrown inside a rotation transaction when a guarded UPDATE lost a race; rolls back and retries. */
class LostRace extends Error {}

const ROTATE_ATTEMPTS = 3;

/**
 * `RefreshTokenStore` over SQL. `rotate` reads, decides with `planRotation`, and writes with
 * UPDATEs guarded by the state it read, inside one transaction; a guard that matches no row
 * means another writer got there first, and the whole rotation is retried; after
 * `ROTATE_ATTEMPTS` lost races it throws StorageError 'contended'. With `rowLocks`
 * (PostgreSQL, READ COMMITTED) the presented token's row is read `FOR UPDATE`, so concurrent
 * rotations of one token queue behind each other and each decides on what the previous one
 * committed, as SQLite's `BEGIN IMMEDIATE` makes them; the guards then never miss, and do not
 * use up the retries when many callers race.
 */
export function createSqlRefreshTokenStore(
  db: Kysely<Database>,
  transact: Transact,
  rowLocks = false,
): RefreshTokenStore {
  const insert = fixedInsert(db, 'refresh_tokens');
  const byHash = fixedQuery((a: { tokenHash: string }) =>
    db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', a.tokenHash),
  );
  const presented = rowLocks
    ? fixedQuery((a: { tokenHash: string }) =>
        db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', a.tokenHash).forUpdate(),
      )
    : byHash;
  const grantOf = grantById(db);
  const markRotated = fixedQuery((a: { tokenHash: string; now: number; successor: string }) =>
    db
      .updateTable('refresh_tokens')
      .set({ rotated_at: a.now, replaced_by: a.successor })
      .where('token_hash', '=', a.tokenHash)
      .where('rotated_at', 'is', null),
  );

  async function rotateOnce(
    trx: Kysely<Database>,
    tokenHash: string,
    next: RefreshTokenRecord,
    now: number,
    graceMs: number,
  ): Promise<RotateResult> {
    const tokenRow = await firstRow(trx, presented({ tokenHash }));
    const token = tokenRow === undefined ? null : rowToRefreshToken(tokenRow);
    const grantRow = token === null ? undefined : await firstRow(trx, grantOf({ id: token.grantId }));
    const successorRow =
      token?.replacedBy == null ? undefined : await firstRow(trx, byHash({ tokenHash: token.replacedBy }));
    const plan = planRotation(
      token,
      grantRow === undefined ? null : rowToGrant(grantRow),
      successorRow === undefined ? null : rowToRefreshToken(successorRow),
      now,
      graceMs,
    );
    if (plan.kind === 'answer') return plan.result;

    const { previous } = plan;
    if (plan.kind === 'rotate') {
      const marked = await changedRows(trx, markRotated({ tokenHash, now, successor: next.tokenHash }));
      if (marked === 0n) throw new LostRace();
    } else {
      const earlier = previous.replacedBy;
      const repointed = await trx
        .updateTable('refresh_tokens')
        .set({ replaced_by: next.tokenHash })
        .where('token_hash', '=', tokenHash)
        .where('replaced_by', earlier === null ? 'is' : '=', earlier)
        .executeTakeFirst();
      if (repointed.numUpdatedRows === 0n) throw new LostRace();
      if (earlier !== null) {
        const withdrawn = await trx
          .updateTable('refresh_tokens')
          .set({ withdrawn_at: now })
          .where('token_hash', '=', earlier)
          .where('rotated_at', 'is', null)
          .where('withdrawn_at', 'is', null)
          .executeTakeFirst();
        if (successorRow !== undefined && withdrawn.numUpdatedRows === 0n) throw new LostRace();
      }
    }
    await trx.executeQuery(insert(refreshTokenToRow(next)));
    return { kind: plan.kind === 'rotate' ? 'rotated' : 'grace', previous };
  }

  return {
    async create(token) {
      await db.executeQuery(insert(refreshTokenToRow(token)));
    },
    async get(tokenHash) {
      const row = await firstRow(db, byHash({ tokenHash }));
      return row === undefined ? null : rowToRefreshToken(row);
    },
    async rotate(tokenHash, next, now, graceMs) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await transact((trx) => rotateOnce(trx, tokenHash, next, now, graceMs));
        } catch (error) {
          if (!(error instanceof LostRace)) throw error;
          // Not an outage: the winners' writes stand, and this caller's token was not exchanged.
          if (attempt >= ROTATE_ATTEMPTS)
            throw new StorageError('contended', 'refresh token rotation kept losing races');
        }
      }
    },
  };
}
