import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Dialect,
} from 'kysely';
import { aGrant } from '../conformance/fixtures.js';
import { fixedInsert, fixedQuery } from './fixed-query.js';
import { grantToRow } from './rows.js';
import type { Database } from './schema.js';

/** A query builder of the dialect that never connects. */
function builder(dialect: 'sqlite' | 'postgres'): Kysely<Database> {
  const parts: Dialect =
    dialect === 'sqlite'
      ? {
          createAdapter: () => new SqliteAdapter(),
          createDriver: () => new DummyDriver(),
          createIntrospector: (db) => new SqliteIntrospector(db),
          createQueryCompiler: () => new SqliteQueryCompiler(),
        }
      : {
          createAdapter: () => new PostgresAdapter(),
          createDriver: () => new DummyDriver(),
          createIntrospector: (db) => new PostgresIntrospector(db),
          createQueryCompiler: () => new PostgresQueryCompiler(),
        };
  return new Kysely<Database>({ dialect: parts });
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`fixed queries on ${dialect}`, () => {
    const db = builder(dialect);

    it('gives the SQL and the values kysely gives when it builds the query on each call', () => {
      const touch = fixedQuery((a: { id: string; now: number }) =>
        db
          .updateTable('sessions')
          .set({ last_seen_at: a.now })
          .where('id', '=', a.id)
          .where('expires_at', '>', a.now),
      );
      for (const [id, now] of [
        ['session-1', 1],
        ['session-2', 2],
      ] as const) {
        const built = db
          .updateTable('sessions')
          .set({ last_seen_at: now })
          .where('id', '=', id)
          .where('expires_at', '>', now)
          .compile();
        const fixed = touch({ id, now });
        assert.equal(fixed.sql, built.sql);
        assert.deepEqual(fixed.parameters, built.parameters);
      }
    });

    it('keeps the values the query itself holds', () => {
      const live = fixedQuery((a: { hash: string }) =>
        db
          .selectFrom('authorization_codes')
          .selectAll()
          .where('code_hash', '=', a.hash)
          .where('redirect_uri', '=', 'https://rp.example/cb'),
      );
      assert.deepEqual(live({ hash: 'h' }).parameters, ['h', 'https://rp.example/cb']);
    });

    it('inserts a whole row as kysely does, leaving out columns whose value is undefined', () => {
      const insert = fixedInsert(db, 'grants');
      const full = grantToRow(aGrant());
      const partial = { ...full, claims: undefined, guest: undefined } as unknown as typeof full;
      for (const row of [full, partial, full]) {
        const built = db.insertInto('grants').values(row).compile();
        const fixed = insert(row);
        assert.equal(fixed.sql, built.sql);
        assert.deepEqual(fixed.parameters, built.parameters);
      }
    });
  });
}
