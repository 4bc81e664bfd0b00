import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { locateConfigFile } from './locate.js';
import { tempDir } from './test-helpers.js';

test('--config wins, resolved against the working directory', () => {
  const cwd = tempDir({ 'sesame.yaml': '' });
  assert.deepEqual(locateConfigFile('conf/other.yaml', cwd, { SESAME_CONFIG: 'env.yaml' }), {
    kind: 'given',
    file: join(cwd, 'conf/other.yaml'),
  });
});

test('without --config, the file SESAME_CONFIG names is used, resolved against the working directory', () => {
  const cwd = tempDir({ 'conf/env.yaml': 'issuer: https://id.example.com\n' });
  assert.deepEqual(locateConfigFile(undefined, cwd, { SESAME_CONFIG: 'conf/env.yaml' }), {
    kind: 'env',
    file: join(cwd, 'conf/env.yaml'),
  });
});

test('SESAME_CONFIG wins over ./sesame.yaml, and names a missing file rather than fall back', () => {
  const cwd = tempDir({ 'sesame.yaml': '' });
  assert.deepEqual(locateConfigFile(undefined, cwd, { SESAME_CONFIG: '/etc/sesame/missing.yaml' }), {
    kind: 'env',
    file: '/etc/sesame/missing.yaml',
  });
});

test('a blank SESAME_CONFIG is as good as none', () => {
  const cwd = tempDir({ 'sesame.yaml': '' });
  assert.deepEqual(locateConfigFile(undefined, cwd, { SESAME_CONFIG: '  ' }), {
    kind: 'found',
    file: join(cwd, 'sesame.yaml'),
  });
});

test('without --config or SESAME_CONFIG, ./sesame.yaml is used when it exists', () => {
  const cwd = tempDir({ 'sesame.yaml': 'issuer: https://id.example.com\n' });
  assert.deepEqual(locateConfigFile(undefined, cwd, {}), { kind: 'found', file: join(cwd, 'sesame.yaml') });
});

test('a dangling sesame.yaml link is still used, so that loading reports it', () => {
  const cwd = tempDir();
  symlinkSync(join(cwd, 'missing.yaml'), join(cwd, 'sesame.yaml'));
  assert.equal(locateConfigFile(undefined, cwd, {}).kind, 'found');
});

test('with none of them there is no file, and it says where it looked', () => {
  const cwd = tempDir({ 'sesame.yml': '' });
  assert.deepEqual(locateConfigFile(undefined, cwd, {}), { kind: 'none', looked: join(cwd, 'sesame.yaml') });
});
