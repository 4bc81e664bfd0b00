import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Test helper: the PostgreSQL server the tests use, and throw-away schemas in it. The server is
 * `SESAME_TEST_POSTGRES_URL`, by default postgres://postgres@127.0.0.1:5432/test (trust auth).
 * Each schema is reached through its own URL, whose `options` set the search_path.
 */

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

export const TEST_POSTGRES_URL = process.env.SESAME_TEST_POSTGRES_URL ?? DEFAULT_URL;

const HOW_TO =
  'start PostgreSQL on 127.0.0.1:5432 with trust auth and a database "test" ' +
  '(e.g. pg_ctlcluster 15 main start && createdb -h 127.0.0.1 -U postgres test), ' +
  'or set SESAME_TEST_POSTGRES_URL';

/** Throw-away schemas on the test server, dropped together by `dropAll`. */
export interface TestSchemas {
  /** Creates a new empty schema and returns a URL whose connections use it. */
  create(): Promise<{ readonly name: string; readonly url: string }>;
  /** Drops every schema `create` made (CASCADE) and disconnects. */
  dropAll(): Promise<void>;
}

/**
 * Connects to the test server. When it cannot be reached: under CI (`CI=true`) throws, so the
 * run fails; elsewhere prints one line saying how to get it, and resolves to a skip reason for
 * the caller's `describe(…, { skip })`.
 */
export async function openTestSchemas(): Promise<TestSchemas | { readonly skip: string }> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => {});
    const reason = `PostgreSQL at ${redact(TEST_POSTGRES_URL)} is not reachable (${String(error)})`;
    if (process.env.CI === 'true') throw new Error(`${reason}; CI needs it: ${HOW_TO}`, { cause: error });
    console.error(`!!! SKIPPING the PostgreSQL storage tests: ${reason}. To run them, ${HOW_TO}.`);
    return { skip: reason };
  }
  const created: string[] = [];
  return {
    async create() {
      const name = `sesame_test_${randomBytes(6).toString('hex')}`;
      await admin.query(`create schema ${name}`);
      created.push(name);
      return { name, url: withSearchPath(TEST_POSTGRES_URL, name) };
    },
    async dropAll() {
      try {
        for (const name of created.splice(0)) await admin.query(`drop schema if exists ${name} cascade`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** `url` with its connections' search_path set to `schema` only. */
export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.href;
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.href;
}
