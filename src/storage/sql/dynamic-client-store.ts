import type { Kysely } from 'kysely';
import { byCodeUnits } from '../rules.js';
import { int } from './rows.js';
import type { DynamicClientStore } from '../types.js';
import { dynamicClientToRow, rowToDynamicClient } from './protocol-rows.js';
import type { Database } from './schema.js';

/** `DynamicClientStore` over SQL (RFC 7591/7592); the metadata is kept as JSON text. */
export function createSqlDynamicClientStore(db: Kysely<Database>): DynamicClientStore {
  return {
    async create(client) {
      await db.insertInto('dynamic_clients').values(dynamicClientToRow(client)).execute();
    },
    async get(clientId) {
      const row = await db
        .selectFrom('dynamic_clients')
        .selectAll()
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      return row === undefined ? null : rowToDynamicClient(row);
    },
    async list() {
      const rows = await db.selectFrom('dynamic_clients').selectAll().execute();
      // Sorted here, not by ORDER BY, whose collation differs between SQLite and PostgreSQL.
      return rows.map(rowToDynamicClient).sort((a, b) => byCodeUnits(a.clientId, b.clientId));
    },
    async stamps() {
      const rows = await db
        .selectFrom('dynamic_clients')
        .select(['client_id', 'registration_token_hash', 'updated_at'])
        .execute();
      return rows
        .map((row) => ({
          clientId: row.client_id,
          registrationTokenHash: row.registration_token_hash,
          updatedAt: int(row.updated_at),
        }))
        .sort((a, b) => byCodeUnits(a.clientId, b.clientId));
    },
    // One statement each, its WHERE naming the expected token hash: the compare-and-set is
    // atomic in SQLite and PostgreSQL alike.
    async update(client, expectedTokenHash) {
      const { metadata, secret_hash, registration_token_hash, updated_at } = dynamicClientToRow(client);
      const result = await db
        .updateTable('dynamic_clients')
        .set({ metadata, secret_hash, registration_token_hash, updated_at })
        .where('client_id', '=', client.clientId)
        .where('registration_token_hash', '=', expectedTokenHash)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async delete(clientId, expectedTokenHash) {
      const result = await db
        .deleteFrom('dynamic_clients')
        .where('client_id', '=', clientId)
        .where('registration_token_hash', '=', expectedTokenHash)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
