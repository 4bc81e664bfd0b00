import type { Kysely } from 'kysely';
import { byCodeUnits } from '../rules.js';
import type { ConsentStore, InteractionStore, SessionStore } from '../types.js';
import { firstRow, fixedInsert, fixedQuery } from './fixed-query.js';
import {
  consentToRow,
  interactionToRow,
  rowToConsent,
  rowToInteraction,
  rowToSession,
  sessionToRow,
} from './rows.js';
import type { Database } from './schema.js';

/** `SessionStore` over SQL: expired sessions are invisible before they are purged. */
export function createSqlSessionStore(db: Kysely<Database>): SessionStore {
  const insert = fixedInsert(db, 'sessions');
  const bySecretHash = fixedQuery((a: { secretHash: string; now: number }) =>
    db
      .selectFrom('sessions')
      .selectAll()
      .where('secret_hash', '=', a.secretHash)
      .where('expires_at', '>', a.now),
  );
  const byId = fixedQuery((a: { id: string; now: number }) =>
    db.selectFrom('sessions').selectAll().where('id', '=', a.id).where('expires_at', '>', a.now),
  );
  const touch = fixedQuery((a: { id: string; now: number }) =>
    db.updateTable('sessions').set({ last_seen_at: a.now }).where('id', '=', a.id),
  );
  return {
    async create(session) {
      await db.executeQuery(insert(sessionToRow(session)));
    },
    async getBySecretHash(secretHash, now) {
      const row = await firstRow(db, bySecretHash({ secretHash, now }));
      return row === undefined ? null : rowToSession(row);
    },
    async get(id, now) {
      const row = await firstRow(db, byId({ id, now }));
      return row === undefined ? null : rowToSession(row);
    },
    async touch(id, now) {
      await db.executeQuery(touch({ id, now }));
    },
    async delete(id) {
      await db.deleteFrom('sessions').where('id', '=', id).execute();
    },
    async listByUser(userId, now) {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('expires_at', '>', now)
        .execute();
      // Sorted here: SQLite and PostgreSQL collate text differently.
      return rows.map(rowToSession).sort((a, b) => byCodeUnits(a.id, b.id));
    },
  };
}

/**
 * The query behind `interactions.countLive`: a COUNT that SQLite and PostgreSQL answer from an
 * index alone — `interactions_expires_at` for the total, `interactions_client_address_expires_at`
 * for one address. Exported for the test that checks the plan.
 */
export function countLiveInteractions(db: Kysely<Database>, now: number, clientAddress?: string) {
  const live = db
    .selectFrom('interactions')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('expires_at', '>', now);
  return clientAddress === undefined ? live : live.where('client_address', '=', clientAddress);
}

/** `InteractionStore` over SQL; the request is kept as JSON text. */
export function createSqlInteractionStore(db: Kysely<Database>): InteractionStore {
  const insert = fixedInsert(db, 'interactions');
  const byId = fixedQuery((a: { id: string; now: number }) =>
    db.selectFrom('interactions').selectAll().where('id', '=', a.id).where('expires_at', '>', a.now),
  );
  return {
    async create(interaction) {
      await db.executeQuery(insert(interactionToRow(interaction)));
    },
    async get(id, now) {
      const row = await firstRow(db, byId({ id, now }));
      return row === undefined ? null : rowToInteraction(row);
    },
    async setSession(id, sessionId) {
      await db.updateTable('interactions').set({ session_id: sessionId }).where('id', '=', id).execute();
    },
    async delete(id) {
      await db.deleteFrom('interactions').where('id', '=', id).execute();
    },
    async countLive(now, clientAddress) {
      const row = await countLiveInteractions(db, now, clientAddress).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

/** `ConsentStore` over SQL: one row per user and client, replaced by `put`. */
export function createSqlConsentStore(db: Kysely<Database>): ConsentStore {
  const byUserClient = fixedQuery((a: { userId: string; clientId: string }) =>
    db.selectFrom('consents').selectAll().where('user_id', '=', a.userId).where('client_id', '=', a.clientId),
  );
  return {
    async get(userId, clientId) {
      const row = await firstRow(db, byUserClient({ userId, clientId }));
      return row === undefined ? null : rowToConsent(row);
    },
    async put(consent) {
      const row = consentToRow(consent);
      await db
        .insertInto('consents')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['user_id', 'client_id'])
            .doUpdateSet({ scopes: row.scopes, created_at: row.created_at }),
        )
        .execute();
    },
    async delete(userId, clientId) {
      await db
        .deleteFrom('consents')
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .execute();
    },
    async listByUser(userId) {
      const rows = await db.selectFrom('consents').selectAll().where('user_id', '=', userId).execute();
      return rows.map(rowToConsent).sort((a, b) => byCodeUnits(a.clientId, b.clientId));
    },
  };
}
