import type { Kysely } from 'kysely';

/**
 * Pending sign-ins can be capped per client address (issue 7 item 2): interactions record the
 * throttle's address key of the client that started them, null for those created before. The
 * index on (client_address, expires_at) lets `interactions.countLive` count one address's live
 * interactions from the index alone; the total uses `interactions_expires_at`. Portable across
 * SQLite and PostgreSQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('interactions').addColumn('client_address', 'text').execute();
  await db.schema
    .createIndex('interactions_client_address_expires_at')
    .on('interactions')
    .columns(['client_address', 'expires_at'])
    .execute();
}
