// What a plain instance loads to start (issue 11): a built-in-identity server on SQLite without
// metrics must not pay for the LDAP client, prom-client, argon2, pg, Fastify's schema
// compilers, the other commands or the konnectd front door before anyone uses them.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSesame } from '../helpers/sesame-process.js';

// Preloaded into the server: records every module the ESM loader resolves (a hook runs on its
// own thread, so it appends to a file) and, at exit, every CommonJS module in require's cache.
const recorder = `
import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
register(new URL('./hooks.mjs', import.meta.url));
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(process.env.MODULE_LIST_FILE, Object.keys(cache).join('\\n') + '\\n'));
`;
const hooks = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.MODULE_LIST_FILE, resolved.url + '\\n');
  return resolved;
}
`;

let dir: string;
let loaded: string[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-imports-'));
  await writeFile(join(dir, 'record.mjs'), recorder);
  await writeFile(join(dir, 'hooks.mjs'), hooks);
  const list = join(dir, 'modules.txt');
  await writeFile(list, '');
  const sesame = await startSesame({
    registration:
      'clients:\n  - id: wiki\n    secret: wiki-secret-0123456789\n    redirect_uris: [https://wiki.example.com/cb]\n',
    env: { NODE_OPTIONS: `--import=${join(dir, 'record.mjs')}`, MODULE_LIST_FILE: list },
  });
  try {
    for (const path of ['/.well-known/openid-configuration', '/konnect/v1/jwks.json']) {
      assert.equal((await fetch(`${sesame.issuer}${path}`)).status, 200, path);
    }
  } finally {
    await sesame.stop();
  }
  loaded = (await readFile(list, 'utf8')).split('\n').filter((line) => line !== '');
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('what sesame serve loads', () => {
  const absent = (pattern: RegExp, what: string) => {
    const found = loaded.filter((module) => pattern.test(module));
    assert.deepEqual(found, [], `${what} was loaded`);
  };

  it('records the modules it loads (the check below is not vacuous)', () => {
    assert.ok(loaded.some((module) => /\/node_modules\/fastify\//.test(module)));
    assert.ok(loaded.some((module) => /\/src\/cli\/serve\.ts$/.test(module)));
  });

  it('starts without the LDAP client for built-in identity', () => {
    absent(/\/node_modules\/ldapts\//, 'ldapts');
  });

  it('starts without prom-client while metrics are off, and without pg on SQLite', () => {
    absent(/\/node_modules\/(prom-client|@opentelemetry)\//, 'prom-client');
    absent(/\/node_modules\/pg[^/]*\//, 'pg');
  });

  it('starts without argon2 until a password is checked or set', () => {
    absent(/\/node_modules\/@node-rs\/argon2/, 'argon2');
  });

  it("starts without Fastify's schema compilers: endpoints parse their own input", () => {
    absent(/\/node_modules\/(ajv|@fastify\/ajv-compiler|@fastify\/fast-json-stringify-compiler)\//, 'ajv');
  });

  it('starts without the other commands and the konnectd front door', () => {
    absent(/\/src\/cli\/(user|client|clients|check|konnectd|ldap|migrate|backup|throttle)\.ts$/, 'a command');
    absent(/\/src\/konnectd\.ts$/, 'konnectd');
  });
});
