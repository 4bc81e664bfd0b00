import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { cacheStatements, type CacheableDatabase } from './statement-cache.js';

interface Numbers {
  numbers: { n: number };
}

/** An in-memory database holding the numbers 1–200, whose `prepare` calls are counted per SQL. */
function spiedDatabase(): {
  database: CacheableDatabase;
  prepared: Map<string, number>;
  closed: () => boolean;
} {
  const raw = new SqliteDatabase(':memory:');
  raw.exec('create table numbers (n integer primary key)');
  const insert = raw.prepare('insert into numbers (n) values (?)');
  for (let n = 1; n <= 200; n++) insert.run(n);
  const prepared = new Map<string, number>();
  return {
    database: {
      prepare(text) {
        prepared.set(text, (prepared.get(text) ?? 0) + 1);
        return raw.prepare(text);
      },
      close: () => raw.close(),
    },
    prepared,
    closed: () => !raw.open,
  };
}

const total = (prepared: Map<string, number>): number =>
  [...prepared.values()].reduce((sum, count) => sum + count, 0);

describe('SQLite statement cache', () => {
  let spy: ReturnType<typeof spiedDatabase>;
  let db: Kysely<Numbers>;
  const useCache = (capacity?: number): void => {
    db = new Kysely<Numbers>({
      dialect: new SqliteDialect({ database: cacheStatements(spy.database, capacity) }),
    });
  };
  const byNumber = (n: number) => db.selectFrom('numbers').select('n').where('n', '=', n);
  const inList = (length: number) =>
    db
      .selectFrom('numbers')
      .select('n')
      .where(
        'n',
        'in',
        Array.from({ length }, (_, i) => i + 1),
      );

  beforeEach(() => {
    spy = spiedDatabase();
  });
  // Kysely holds nothing else; closing twice is harmless.
  afterEach(() => spy.database.close());

  it('prepares a query run many times with different values once, and answers each run with its own values', async () => {
    useCache();
    for (let n = 1; n <= 50; n++) {
      assert.deepEqual(await byNumber(n).execute(), [{ n }]);
    }
    assert.deepEqual([...spy.prepared.values()], [1]);
  });

  it('prepares BEGIN and COMMIT once for many transactions, and each transaction commits', async () => {
    useCache();
    for (let i = 0; i < 5; i++) {
      await db.transaction().execute((trx) =>
        trx
          .deleteFrom('numbers')
          .where('n', '=', 200 - i)
          .execute(),
      );
    }
    assert.equal(spy.prepared.get('begin'), 1);
    assert.equal(spy.prepared.get('commit'), 1);
    assert.equal(total(spy.prepared), 3);
    assert.deepEqual(
      await inList(200)
        .execute()
        .then((rows) => rows.length),
      195,
    );
  });

  it('keeps at most its capacity of statements when IN lists of ever new lengths come through', async () => {
    useCache(8);
    for (let length = 1; length <= 100; length++) {
      assert.equal((await inList(length).execute()).length, length);
    }
    assert.equal(total(spy.prepared), 100);
    // Replayed, at most 8 of the 100 can still be cached.
    for (let length = 100; length >= 1; length--) await inList(length).execute();
    assert.ok(total(spy.prepared) >= 100 + 100 - 8, `prepared ${total(spy.prepared)} in all`);
  });

  it('keeps a query in use while one-off queries come and go', async () => {
    useCache(8);
    for (let length = 1; length <= 100; length++) {
      await inList(length).execute();
      await byNumber(length).execute();
    }
    assert.equal(spy.prepared.get(byNumber(1).compile().sql), 1);
  });

  it('gives a query run while the same one is still being iterated a statement of its own', () => {
    // Kysely never does this on its one connection; better-sqlite3 would refuse the shared one.
    const cache = cacheStatements(spy.database);
    const text = 'select n from numbers where n <= ?';
    const seen: unknown[] = [];
    for (const row of cache.prepare(text).iterate([3])) {
      seen.push(row);
      assert.equal(cache.prepare(text).all([3]).length, 3);
    }
    assert.deepEqual(seen, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    assert.equal(spy.prepared.get(text), 4);
  });

  it('closes the database when kysely is destroyed', async () => {
    useCache();
    await sql`select 1`.execute(db);
    await db.destroy();
    assert.equal(spy.closed(), true);
  });
});

describe('SQLite statement cache capacity', () => {
  it('refuses a capacity too small to cache anything', () => {
    const { database } = spiedDatabase();
    assert.throws(() => cacheStatements(database, 1), TypeError);
    assert.throws(() => cacheStatements(database, 2.5), TypeError);
    database.close();
  });
});
