import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { z } from 'zod';
import { CONFIG_KEYS, envName, formatDefaults } from './defaults.js';
import { loadConfig } from './load.js';
import { configSchema } from './schema.js';
import { tempDir } from './test-helpers.js';

/** Dotted paths of the schema's leaves (nested objects are descended into). */
function schemaLeaves(schema: z.ZodObject, prefix = ''): string[] {
  return Object.entries(schema.shape).flatMap(([name, child]) =>
    child instanceof z.ZodObject ? schemaLeaves(child, `${prefix}${name}.`) : [`${prefix}${name}`],
  );
}

test('the defaults table and the schema list exactly the same keys', () => {
  assert.deepEqual(CONFIG_KEYS.map((key) => key.path).sort(), schemaLeaves(configSchema).sort());
});

test('every key has either a literal default or a description of its derived one', () => {
  for (const key of CONFIG_KEYS) {
    assert.ok((key.default === undefined) !== (key.derived === undefined), key.path);
    assert.ok(key.description.length > 0 && !key.description.includes('\n'), key.path);
  }
});

test('environment variable names are derived from key paths', () => {
  assert.equal(envName('issuer'), 'SESAME_ISSUER');
  assert.equal(envName('data_dir'), 'SESAME_DATA_DIR');
  assert.equal(envName('lifetimes.access_token'), 'SESAME_LIFETIMES_ACCESS_TOKEN');
  assert.equal(envName('throttle.max-failures'), 'SESAME_THROTTLE_MAX_FAILURES');
});

test('sesame config defaults lists every key with its description and environment variable', () => {
  const text = formatDefaults();
  for (const key of CONFIG_KEYS) {
    const name = key.path.split('.').at(-1) ?? '';
    assert.match(text, new RegExp(`^\\s*(# )?${name}:`, 'm'), key.path);
    assert.ok(text.includes(key.description), key.path);
    assert.ok(text.includes(envName(key.path)), key.path);
  }
});

test('sesame config defaults prints literal defaults as values and derived ones commented out', () => {
  const parsed = parse(formatDefaults()) as Record<string, unknown>;
  assert.equal(parsed.issuer, 'http://localhost:8777');
  assert.deepEqual(parsed.signing, { keys: [], alg: 'RS256', publish_delay: '10m' });
  assert.equal((parsed.lifetimes as Record<string, unknown>).access_token, '10m');
  assert.equal(parsed.storage, undefined);
  assert.equal(parsed.registration, undefined);
  assert.match(formatDefaults(), /^# storage: sqlite:<data_dir>\/sesame\.db$/m);
});

test('the printed defaults, used as sesame.yaml, give the same config as an empty file', () => {
  const dir = tempDir({ 'empty.yaml': '' });
  writeFileSync(join(dir, 'sesame.yaml'), formatDefaults());
  const fromDefaults = loadConfig({ file: join(dir, 'sesame.yaml'), env: {} });
  const fromEmpty = loadConfig({ file: join(dir, 'empty.yaml'), env: {} });
  assert.deepEqual(fromDefaults.config, fromEmpty.config);
});

test('the printed defaults match the config Sesame runs with when there is no file, except demo', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'sesame.yaml'), formatDefaults());
  const fromDefaults = loadConfig({ file: join(dir, 'sesame.yaml'), env: {} }).config;
  const noFile = loadConfig({ cwd: dir, env: {} }).config;
  assert.deepEqual({ ...fromDefaults, demo: true }, noFile);
});
