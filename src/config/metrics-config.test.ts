import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from './load.js';
import { problemsOf, tempDir } from './test-helpers.js';

function load(yaml: string, env: Record<string, string> = {}) {
  const dir = tempDir({ 'sesame.yaml': yaml });
  return loadConfig({ file: join(dir, 'sesame.yaml'), env, cwd: dir });
}

test('metrics are off unless metrics.listen is set', () => {
  assert.equal(load('').config.metrics, null);
  assert.equal(load('metrics:\n').config.metrics, null);
  assert.deepEqual(load('metrics:\n  listen: 127.0.0.1:9090\n').config.metrics, {
    listen: { host: '127.0.0.1', port: 9090 },
  });
  assert.deepEqual(load('metrics:\n  listen: "[::1]:9464"\n').config.metrics, {
    listen: { host: '::1', port: 9464 },
  });
});

test('SESAME_METRICS_LISTEN turns metrics on and wins over the file', () => {
  const { config } = load('metrics:\n  listen: 127.0.0.1:9090\n', {
    SESAME_METRICS_LISTEN: '127.0.0.1:9100',
  });
  assert.deepEqual(config.metrics, { listen: { host: '127.0.0.1', port: 9100 } });
  const dir = tempDir();
  const fromEnv = loadConfig({ cwd: dir, env: { SESAME_METRICS_LISTEN: '127.0.0.1:9101' } });
  assert.deepEqual(fromEnv.config.metrics, { listen: { host: '127.0.0.1', port: 9101 } });
});

test('a bad metrics.listen is reported with its line and column, or its variable', () => {
  const { file, problems } = problemsOf(
    'issuer: https://id.example.com\nmetrics:\n  listen: nine\n  listne: 1\n',
  );
  assert.deepEqual(problems, [
    `${file}:3:11: metrics.listen: "nine" is not host:port or [ipv6]:port`,
    `${file}:4:3: metrics.listne: unknown key; did you mean "listen"?`,
  ]);
  assert.deepEqual(problemsOf('', { SESAME_METRICS_LISTEN: 'localhost' }).problems, [
    'env SESAME_METRICS_LISTEN: "localhost" is not host:port or [ipv6]:port',
  ]);
});

test('metrics are never served on the public port', () => {
  const { file, problems } = problemsOf('listen: 127.0.0.1:8777\nmetrics:\n  listen: 127.0.0.1:8777\n');
  assert.deepEqual(problems, [
    `${file}:3:11: metrics.listen: must differ from listen: metrics are served on a port of their own, never the public one`,
  ]);
});

test('a metrics listener off loopback is allowed, with a warning', () => {
  const { config, warnings } = load('issuer: https://id.example.com\nmetrics:\n  listen: 0.0.0.0:9090\n');
  assert.deepEqual(config.metrics, { listen: { host: '0.0.0.0', port: 9090 } });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /:3:11: metrics\.listen: is not a loopback address/);
});
