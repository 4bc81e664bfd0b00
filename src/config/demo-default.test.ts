import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { readEnvOverrides } from './env.js';
import { configuringSettings } from './demo-default.js';
import { loadConfig } from './load.js';
import { tempDir } from './test-helpers.js';

const DEVELOPMENT_ENV = {
  SESAME_ISSUER: 'http://localhost:9000',
  SESAME_LISTEN: '127.0.0.1:9000',
  SESAME_LOG_LEVEL: 'debug',
  SESAME_LOG_FORMAT: 'text',
};

test('with no file, choosing the URL, port and logging still gives the demo', () => {
  assert.equal(loadConfig({ cwd: tempDir(), env: DEVELOPMENT_ENV }).config.demo, true);
});

test('any other SESAME_ setting configures a real instance: no demo user or client', () => {
  const cwd = tempDir({ 'reg.yaml': '', 'k.pem': '' });
  for (const [name, value] of Object.entries({
    SESAME_DATA_DIR: '/srv/sesame',
    SESAME_STORAGE: 'sqlite:/srv/sesame/sesame.db',
    SESAME_REGISTRATION: join(cwd, 'reg.yaml'),
    SESAME_IDENTITY: 'builtin',
    SESAME_SIGNING_KEYS: join(cwd, 'k.pem'),
    SESAME_LIFETIMES_SESSION_IDLE: '1h',
  })) {
    const { config } = loadConfig({ cwd, env: { ...DEVELOPMENT_ENV, [name]: value } });
    assert.equal(config.demo, false, `${name} set`);
  }
});

test('SESAME_DEMO=true asks for the demo even on a configured instance', () => {
  const env = { SESAME_DATA_DIR: '/srv/sesame', SESAME_DEMO: 'true' };
  assert.equal(loadConfig({ cwd: tempDir(), env }).config.demo, true);
});

test('configuringSettings names the variables that made the instance a real one', () => {
  const { overrides } = readEnvOverrides({
    ...DEVELOPMENT_ENV,
    SESAME_STORAGE: 'memory',
    SESAME_DATA_DIR: '/srv/sesame',
    SESAME_DEMO: 'false',
  });
  assert.deepEqual(configuringSettings(overrides), ['SESAME_DATA_DIR', 'SESAME_STORAGE']);
});

test('loadConfig names those variables, so that the log can say why there is no demo', () => {
  const env = { ...DEVELOPMENT_ENV, SESAME_DATA_DIR: '/srv/sesame', SESAME_DEMO: 'false' };
  assert.deepEqual(loadConfig({ cwd: tempDir(), env }).configuringSettings, ['SESAME_DATA_DIR']);
  assert.deepEqual(loadConfig({ cwd: tempDir(), env: DEVELOPMENT_ENV }).configuringSettings, []);
});
