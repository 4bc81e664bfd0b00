import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { locateConfigFile } from './locate.js';
import { tempDir } from './test-helpers.js';

test('--config wins, resolved against the working directory', () => {
  const cwd = tempDir({ 'sesame.yaml': '' });
  assert.deepEqual(locateConfigFile('conf/other.yaml', cwd), {
    kind: 'given',
    file: join(cwd, 'conf/other.yaml'),
  });
});

test('without --config, ./sesame.yaml is used when it exists', () => {
  const cwd = tempDir({ 'sesame.yaml': 'issuer: https://id.example.com\n' });
  assert.deepEqual(locateConfigFile(undefined, cwd), { kind: 'found', file: join(cwd, 'sesame.yaml') });
});

test('a dangling sesame.yaml link is still used, so that loading reports it', () => {
  const cwd = tempDir();
  symlinkSync(join(cwd, 'missing.yaml'), join(cwd, 'sesame.yaml'));
  assert.equal(locateConfigFile(undefined, cwd).kind, 'found');
});

test('with neither there is no file, and it says where it looked', () => {
  const cwd = tempDir({ 'sesame.yml': '' });
  assert.deepEqual(locateConfigFile(undefined, cwd), { kind: 'none', looked: join(cwd, 'sesame.yaml') });
});
