import type { Kysely } from 'kysely';

/**
 * Protocol completeness (issue 8):
 * - users get the `phone_number` and `address` claims (OIDC Core §5.1), nullable, so existing
 *   users keep their data and have neither;
 * - `grants_session_id_client_id` lets `grants.clientsOfSession` find the clients a browser
 *   session signed in to (Back-Channel Logout 1.0 §2.7) from the index alone;
 * - `backchannel_deliveries`, the logout tokens waiting to be delivered, indexed by when they
 *   are next due for `claimDue`. Deliberately not by expiry: SQLite's planner would pick that
 *   index for `claimDue`'s `expires_at > now`, which nearly every row passes, over the one for
 *   `next_attempt_at <= now`, which few do. The table holds only deliveries still pending, so
 *   `purgeExpired` can afford to read it whole;
 * - `dynamic_clients` (RFC 7591/7592), `once_keys` (RFC 7523 `jti` replay) and
 *   `pushed_requests` (RFC 9126), each purged by expiry where it has one.
 * Portable across SQLite and PostgreSQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite accepts a single ADD COLUMN per ALTER TABLE.
  await db.schema.alterTable('users').addColumn('phone_number', 'text').execute();
  await db.schema.alterTable('users').addColumn('address', 'text').execute();

  await db.schema
    .createIndex('grants_session_id_client_id')
    .on('grants')
    .columns(['session_id', 'client_id'])
    .execute();

  await db.schema
    .createTable('backchannel_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('logout_token', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('backchannel_deliveries_next_attempt_at')
    .on('backchannel_deliveries')
    .column('next_attempt_at')
    .execute();

  await db.schema
    .createTable('dynamic_clients')
    .addColumn('client_id', 'text', (c) => c.primaryKey())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text')
    .addColumn('registration_token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('once_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('once_keys_expires_at').on('once_keys').column('expires_at').execute();

  await db.schema
    .createTable('pushed_requests')
    .addColumn('request_uri_hash', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('pushed_requests_expires_at')
    .on('pushed_requests')
    .column('expires_at')
    .execute();
  // countLive per client, answered from the index alone.
  await db.schema
    .createIndex('pushed_requests_client_id_expires_at')
    .on('pushed_requests')
    .columns(['client_id', 'expires_at'])
    .execute();
}
