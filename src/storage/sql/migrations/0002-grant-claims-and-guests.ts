import { sql, type Kysely } from 'kysely';

/** Every column of `authorization_codes`, in the order both schemas declare them. */
const CODE_COLUMNS = [
  'code_hash',
  'client_id',
  'redirect_uri',
  'user_id',
  'session_id',
  'grant_id',
  'scopes',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'auth_time',
  'created_at',
  'expires_at',
  'consumed_at',
] as const;

/**
 * Kopano Meet support (kopano-meet.md req. 37–38): grants keep the authorized claims request
 * and, for a guest, the guest's identity, as nullable JSON text; an authorization code's
 * session becomes optional, since a guest has no browser session. Portable across SQLite and
 * PostgreSQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite accepts a single ADD COLUMN per ALTER TABLE.
  await db.schema.alterTable('grants').addColumn('claims', 'text').execute();
  await db.schema.alterTable('grants').addColumn('guest', 'text').execute();
  await rebuildCodesWithOptionalSession(db);
}

/**
 * SQLite cannot drop NOT NULL from a column in place, so the table is rebuilt: a new table with
 * the same columns (session_id now nullable), a copy of the rows, and a swap. Dropping the table
 * outright would also have been acceptable — codes live at most 120 s, so losing the ones in
 * flight during an upgrade only makes those users sign in again — but the copy costs one
 * statement and loses nothing. No other table references `authorization_codes`, so foreign
 * keys are not in the way, and the whole migration runs in the migrator's one transaction.
 * (On PostgreSQL the primary key constraint keeps the name it got on the new table,
 * `authorization_codes_next_pkey`; nothing refers to it by name.)
 */
async function rebuildCodesWithOptionalSession(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('authorization_codes_next')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text')
    .addColumn('grant_id', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text')
    .addColumn('code_challenge', 'text')
    .addColumn('code_challenge_method', 'text')
    .addColumn('auth_time', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .execute();
  const columns = sql.join(CODE_COLUMNS.map((c) => sql.ref(c)));
  await sql`insert into ${sql.table('authorization_codes_next')} (${columns}) select ${columns} from ${sql.table('authorization_codes')}`.execute(
    db,
  );
  // Dropping the table drops its index too; it is recreated under the same name below.
  await db.schema.dropTable('authorization_codes').execute();
  await db.schema.alterTable('authorization_codes_next').renameTo('authorization_codes').execute();
  await db.schema
    .createIndex('authorization_codes_expires_at')
    .on('authorization_codes')
    .column('expires_at')
    .execute();
}
