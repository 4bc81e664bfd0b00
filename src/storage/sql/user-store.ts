import type { Kysely } from 'kysely';
import { byCodeUnits, usernameKey } from '../rules.js';
import type { UserStore } from '../types.js';
import { firstRow, fixedQuery } from './fixed-query.js';
import { addressToColumn, rowToUser, userToRow } from './rows.js';
import type { Database, UsersTable } from './schema.js';
import type { Transact } from './transact.js';

/** `UserStore` over SQL; uniqueness of usernames rests on the unique `username_key` index. */
export function createSqlUserStore(db: Kysely<Database>, transact: Transact): UserStore {
  const byId = fixedQuery((a: { id: string }) => db.selectFrom('users').selectAll().where('id', '=', a.id));
  return {
    async create(user) {
      await db.insertInto('users').values(userToRow(user)).execute();
    },
    async getById(id) {
      const row = await firstRow(db, byId({ id }));
      return row === undefined ? null : rowToUser(row);
    },
    async getByUsername(username) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('username_key', '=', usernameKey(username))
        .executeTakeFirst();
      return row === undefined ? null : rowToUser(row);
    },
    async list() {
      const rows = await db.selectFrom('users').selectAll().execute();
      // Sorted here, not by ORDER BY, whose collation differs between SQLite and PostgreSQL.
      return rows
        .sort((a, b) => byCodeUnits(a.username_key, b.username_key) || byCodeUnits(a.id, b.id))
        .map(rowToUser);
    },
    async update(id, changes, now) {
      const set: Partial<UsersTable> = { updated_at: now };
      if (changes.email !== undefined) set.email = changes.email;
      if (changes.emailVerified !== undefined) set.email_verified = changes.emailVerified ? 1 : 0;
      if (changes.name !== undefined) set.name = changes.name;
      if (changes.givenName !== undefined) set.given_name = changes.givenName;
      if (changes.familyName !== undefined) set.family_name = changes.familyName;
      if (changes.passwordHash !== undefined) set.password_hash = changes.passwordHash;
      if (changes.phoneNumber !== undefined) set.phone_number = changes.phoneNumber;
      if (changes.address !== undefined) set.address = addressToColumn(changes.address);
      const result = await db.updateTable('users').set(set).where('id', '=', id).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async replacePasswordHash(id, expectedHash, newHash, now) {
      // One conditional UPDATE: the check and the write cannot be split by another writer.
      const result = await db
        .updateTable('users')
        .set({ password_hash: newHash, updated_at: now })
        .where('id', '=', id)
        .where('password_hash', '=', expectedHash)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async remove(id) {
      return transact(async (trx) => {
        const result = await trx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
        if (result.numDeletedRows === 0n) return false;
        await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
        await trx.deleteFrom('consents').where('user_id', '=', id).execute();
        await trx.deleteFrom('refresh_tokens').where('user_id', '=', id).execute();
        await trx.deleteFrom('grants').where('user_id', '=', id).execute();
        return true;
      });
    },
  };
}
