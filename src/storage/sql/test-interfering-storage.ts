/**
 * Test helper: the real SQL storage engine on an in-memory SQLite database, on which a test plays
 * a concurrent writer at a moment of its choosing — between two statements of one storage call,
 * where no second process can be made to land deterministically. The interfering write runs on
 * the same connection just before the chosen statement: inside the call's transaction when it
 * has one (so a rollback undoes it too), committed at once otherwise.
 */
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, type Compilable } from 'kysely';
import { classifySqliteError } from '../sqlite/sqlite-storage.js';
import { cacheStatements, type CacheableDatabase } from '../sqlite/statement-cache.js';
import type { Storage } from '../types.js';
import { migrate } from './migrate.js';
import type { Database } from './schema.js';
import { createSqlStorage } from './sql-storage.js';
import type { Transact } from './transact.js';

export interface Interference {
  /** Matches the SQL of the storage's statement to run before, e.g. `/^update "refresh_tokens"/`. */
  readonly before: RegExp;
  /** The concurrent writer's statement, built on a query builder of the same database. */
  readonly write: (db: Kysely<Database>) => Compilable;
  /** How many of the matching statements to run it before; default 1. */
  readonly times?: number;
}

export class InterferingStorage {
  /** The storage under test. */
  readonly storage: Storage;
  readonly #builder: Kysely<Database>;
  readonly #raw: SqliteDatabase.Database;
  #armed: Required<Interference> | null = null;
  #runs = 0;

  private constructor(raw: SqliteDatabase.Database, builder: Kysely<Database>, storage: Storage) {
    this.#raw = raw;
    this.#builder = builder;
    this.storage = storage;
  }

  /** A new, migrated in-memory database. */
  static async create(): Promise<InterferingStorage> {
    const raw = new SqliteDatabase(':memory:');
    raw.pragma('foreign_keys = ON');
    let self: InterferingStorage | null = null;
    // Watched where each statement runs, so that queries the storage compiled once are seen too.
    // Migrations run before there is anything to interfere.
    const watched: CacheableDatabase = {
      prepare(sql) {
        const statement = raw.prepare(sql);
        const before = (): void => {
          if (self !== null) self.#beforeStatement(sql);
        };
        return {
          reader: statement.reader,
          get busy() {
            return statement.busy;
          },
          all(parameters) {
            before();
            return statement.all(parameters);
          },
          run(parameters) {
            before();
            return statement.run(parameters);
          },
          iterate(parameters) {
            before();
            return statement.iterate(parameters);
          },
        };
      },
      close: () => raw.close(),
    };
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: cacheStatements(watched) }),
    });
    const transact: Transact = (fn) => db.transaction().execute(fn);
    await migrate(transact, Date.now());
    const storage = createSqlStorage({
      db,
      transact,
      classifyError: classifySqliteError,
      close: () => db.destroy(),
    });
    self = new InterferingStorage(raw, db, storage);
    return self;
  }

  /** From now on, runs `interference.write` before the next matching statements. */
  interfere(interference: Interference): void {
    this.#armed = { times: 1, ...interference };
  }

  /** Runs no more interfering writes. */
  stopInterfering(): void {
    this.#armed = null;
  }

  /** How many interfering writes have run so far. */
  get runs(): number {
    return this.#runs;
  }

  #beforeStatement(sql: string): void {
    const armed = this.#armed;
    if (armed === null || !armed.before.test(sql)) return;
    if (armed.times <= 1) this.#armed = null;
    else this.#armed = { ...armed, times: armed.times - 1 };
    const write = armed.write(this.#builder).compile();
    this.#raw.prepare(write.sql).run(...(write.parameters as unknown[]));
    this.#runs++;
  }
}
