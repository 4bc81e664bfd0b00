import { createQueryId, type CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Queries of the storage's hottest calls, built and compiled by kysely once instead of on every
 * call: on SQLite, with each statement prepared once, building and compiling was a quarter of
 * the CPU those calls took. Run what they give with `db.executeQuery` (on `db` or on a
 * transaction of it); the SQL is the dialect's of the `db` they were built with.
 */

/** Stands in for the argument `name` while a fixed query is compiled. */
class Placeholder {
  constructor(readonly name: string) {}
}

/**
 * Compiles now the query `build` makes, and returns a function giving it for a set of
 * arguments. `build` gets stand-ins for the arguments, which it must only hand to kysely as
 * values (`where('id', '=', args.id)`, `set({ last_seen_at: args.now })`) and never inspect: a
 * query whose SQL depends on a value (`is` for null, an IN list, an optional clause) is not
 * fixed and is built on each call instead.
 */
export function fixedQuery<A extends object, R>(
  build: (args: A) => Compilable<R>,
): (args: A) => CompiledQuery<R> {
  const standIns = new Proxy({}, { get: (_target, name) => new Placeholder(String(name)) }) as unknown as A;
  const template = build(standIns).compile();
  return (args) => withArguments(template, args);
}

/**
 * `insert into <table> (…) values (…)` of a whole row, compiled once per set of columns (a row
 * mapper always gives the same). Columns whose value is `undefined` are left out, as kysely
 * does.
 */
export function fixedInsert<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
): (row: Readonly<Database[T]>) => CompiledQuery<never> {
  const templates = new Map<string, CompiledQuery<never>>();
  return (row) => {
    const values = row as Readonly<Record<string, unknown>>;
    const columns = Object.keys(values).filter((column) => values[column] !== undefined);
    const shape = columns.join(',');
    let template = templates.get(shape);
    if (template === undefined) {
      const standIns = Object.fromEntries(columns.map((column) => [column, new Placeholder(column)]));
      template = db
        .insertInto(table)
        .values(standIns as never)
        .compile() as CompiledQuery<never>;
      templates.set(shape, template);
    }
    return withArguments(template, values);
  };
}

/** The first row `query` returns, if any. */
export async function firstRow<R>(db: Kysely<Database>, query: CompiledQuery<R>): Promise<R | undefined> {
  return (await db.executeQuery(query)).rows[0];
}

/** How many rows the UPDATE, DELETE or INSERT `query` changed. */
export async function changedRows(db: Kysely<Database>, query: CompiledQuery<unknown>): Promise<bigint> {
  return (await db.executeQuery(query)).numAffectedRows ?? 0n;
}

function withArguments<R>(template: CompiledQuery<R>, args: object): CompiledQuery<R> {
  const values = args as Readonly<Record<string, unknown>>;
  return {
    query: template.query,
    sql: template.sql,
    parameters: template.parameters.map((p) => (p instanceof Placeholder ? values[p.name] : p)),
    // A fresh id per run, as kysely gives each query it compiles: plugins key their state by it.
    queryId: createQueryId(),
  };
}
