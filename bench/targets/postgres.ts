import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withSearchPath } from '../../src/storage/postgres/test-database.js';

/** The server the PostgreSQL targets use unless `--postgres` names another. */
export const DEFAULT_POSTGRES_URL =
  process.env.SESAME_BENCH_POSTGRES_URL ??
  process.env.SESAME_TEST_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

/** A throw-away schema, reached through `url`. */
export interface BenchSchema {
  readonly url: string;
  drop(): Promise<void>;
}

/** null when the server answers, else why it does not. */
export async function postgresUnreachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return `PostgreSQL at ${redact(url)} is not reachable (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates an empty schema on the server; `drop` removes it with everything in it. */
export async function createSchema(url: string): Promise<BenchSchema> {
  const name = `sesame_bench_${randomBytes(6).toString('hex')}`;
  await query(url, `create schema ${name}`);
  return {
    url: withSearchPath(url, name),
    async drop() {
      await query(url, `drop schema if exists ${name} cascade`);
    },
  };
}

/** The server's version string, for the report; null when it cannot be read. */
export async function postgresVersion(url: string): Promise<string | null> {
  try {
    const rows = await query(url, 'show server_version');
    return String((rows[0] as { server_version?: unknown } | undefined)?.server_version ?? '') || null;
  } catch {
    return null;
  }
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows as unknown[];
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.href;
}
