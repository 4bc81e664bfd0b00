import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from './errors.js';
import { loadConfig } from './load.js';
import { problemsOf, tempDir } from './test-helpers.js';

function load(yaml: string) {
  const dir = tempDir({ 'sesame.yaml': yaml });
  return loadConfig({ file: join(dir, 'sesame.yaml'), env: {}, cwd: dir });
}

test('every problem in the file is reported at once, in file order, with line and column', () => {
  const { file, problems } = problemsOf(
    [
      'issuer: https://id.example.com',
      'listen: localhost',
      'signing:',
      '  alg: HS256',
      'lifetimes:',
      '  code: 5m',
      'throttle:',
      '  max_failures_per_account: 0',
      'trusted_proxies: [10.0.0.0/33]',
      'identity: kerberos',
    ].join('\n'),
  );
  assert.deepEqual(problems, [
    `${file}:2:9: listen: "localhost" is not host:port or [ipv6]:port`,
    `${file}:4:8: signing.alg: must be one of RS256, PS256, ES256, EdDSA`,
    `${file}:6:9: lifetimes.code: must be between 1s and 120s`,
    `${file}:8:29: throttle.max_failures_per_account: must be at least 1`,
    `${file}:9:19: trusted_proxies[0]: "10.0.0.0/33" is not an IP address or CIDR`,
    `${file}:10:11: identity: "kerberos" is not an identity backend; use builtin or ldap`,
  ]);
});

test('the error message lists every problem', () => {
  const dir = tempDir({ 'sesame.yaml': 'log:\n  level: loud\n  format: xml\n' });
  assert.throws(
    () => loadConfig({ file: join(dir, 'sesame.yaml'), env: {} }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /2 problems/);
      assert.match(error.message, /:2:10: log\.level: must be one of/);
      assert.match(error.message, /:3:11: log\.format: must be one of json, text/);
      return true;
    },
  );
});

test('a bad value from the environment names the variable', () => {
  const { problems } = problemsOf('signing:\n  alg: RS256\n', {
    SESAME_SIGNING_ALG: 'none',
    SESAME_LIFETIMES_ID_TOKEN: 'soon',
    SESAME_THROTTLE_MAX_FAILURES_PER_ADDRESS: 'many',
    SESAME_DEMO: 'perhaps',
  });
  assert.deepEqual(problems, [
    'env SESAME_SIGNING_ALG: must be one of RS256, PS256, ES256, EdDSA',
    'env SESAME_LIFETIMES_ID_TOKEN: "soon" is not a duration such as 600, 10m, 12h or 30d',
    'env SESAME_DEMO: must be true or false',
    'env SESAME_THROTTLE_MAX_FAILURES_PER_ADDRESS: must be a whole number',
  ]);
});

test('an unknown key is refused with a suggestion when one is close', () => {
  const { file, problems } = problemsOf(
    'isuer: https://id.example.com\ndataDir: x\nlifetimes:\n  acess_token: 5\naccess_token: 5\nfrobnicate: 1\n',
  );
  assert.deepEqual(problems, [
    `${file}:1:1: isuer: unknown key; did you mean "issuer"?`,
    `${file}:2:1: dataDir: unknown key; did you mean "data_dir"?`,
    `${file}:4:3: lifetimes.acess_token: unknown key; did you mean "access_token"?`,
    `${file}:5:1: access_token: unknown key; did you mean "lifetimes.access_token"?`,
    `${file}:6:1: frobnicate: unknown key`,
  ]);
});

test('an unknown key with a null value is still refused', () => {
  assert.deepEqual(problemsOf('extra:\n').problems.length, 1);
});

test('an http issuer is refused unless its host is loopback', () => {
  const { file, problems } = problemsOf('issuer: http://id.example.com\n');
  assert.deepEqual(problems, [
    `${file}:1:9: issuer: must use https; http is accepted only for localhost, 127.0.0.0/8 and ::1`,
  ]);
  for (const issuer of ['http://localhost:8080/', 'http://127.0.0.9', 'http://[::1]:8777']) {
    const { config, warnings } = load(`issuer: ${issuer}\n`);
    assert.equal(config.issuer, issuer.replace(/\/$/, ''));
    assert.equal(warnings.length, 1, issuer);
    assert.match(warnings[0] ?? '', /:1:9: issuer: uses http/);
  }
});

test('the issuer loses its trailing slash and may not carry a query or fragment', () => {
  assert.equal(load('issuer: https://id.example.com/auth/\n').config.issuer, 'https://id.example.com/auth');
  assert.match(
    problemsOf('issuer: https://id.example.com/?a=1\n').problems[0] ?? '',
    /must not have a query/,
  );
  assert.match(
    problemsOf('issuer: https://id.example.com#x\n').problems[0] ?? '',
    /must not have a fragment/,
  );
  assert.match(problemsOf('issuer: id.example.com\n').problems[0] ?? '', /not an absolute URL/);
  assert.match(problemsOf('issuer: ftp://id.example.com\n').problems[0] ?? '', /must be an https URL/);
});

test('listen accepts host:port and [ipv6]:port with a port up to 65535', () => {
  assert.deepEqual(load('listen: "[::1]:8777"\n').config.listen, { host: '::1', port: 8777 });
  assert.deepEqual(load('listen: 0.0.0.0:0\n').config.listen, { host: '0.0.0.0', port: 0 });
  assert.match(problemsOf('listen: 0.0.0.0:65536\n').problems[0] ?? '', /port 65536 is not between/);
  assert.match(problemsOf('listen: 8777\n').problems[0] ?? '', /not host:port/);
});

test('storage understands sqlite, memory and postgres URLs', () => {
  assert.deepEqual(load('storage: memory\n').config.storage, { kind: 'memory' });
  assert.deepEqual(load('storage: postgres://u@db/s\n').config.storage, {
    kind: 'postgres',
    url: 'postgres://u@db/s',
    poolSize: 10,
  });
  assert.deepEqual(load('storage: postgres://u@db/s\nstorage_pool_size: 3\n').config.storage, {
    kind: 'postgres',
    url: 'postgres://u@db/s',
    poolSize: 3,
  });
  assert.match(problemsOf('storage_pool_size: 0\n').problems[0] ?? '', /at least 1/);
  assert.deepEqual(load('storage: "sqlite::memory:"\n').config.storage, { kind: 'sqlite', path: ':memory:' });
  assert.match(
    problemsOf('storage: mysql://db\n').problems[0] ?? '',
    /:1:10: storage: "mysql:\/\/db" is not/,
  );
});

test('durations that cannot be read are refused', () => {
  const { file, problems } = problemsOf(
    'lifetimes:\n  access_token: 10 minutes\n  id_token: -5\n  session_idle: 8d\n  session_absolute: 1d\n',
  );
  assert.deepEqual(problems, [
    `${file}:2:17: lifetimes.access_token: "10 minutes" is not a duration such as 600, 10m, 12h or 30d`,
    `${file}:3:13: lifetimes.id_token: "-5" is not a duration such as 600, 10m, 12h or 30d`,
  ]);
  const longer = problemsOf('lifetimes:\n  session_idle: 8d\n  session_absolute: 1d\n');
  assert.deepEqual(longer.problems, [
    `${longer.file}:2:17: lifetimes.session_idle: must not be longer than lifetimes.session_absolute`,
  ]);
});

test('a section that is not a mapping is refused', () => {
  const { file, problems } = problemsOf('signing: RS256\nlifetimes: [1]\n');
  assert.deepEqual(problems, [
    `${file}:1:10: signing: must be a mapping of keys`,
    `${file}:2:12: lifetimes: must be a mapping of keys`,
  ]);
});

test('YAML syntax errors and duplicate keys are reported with their position', () => {
  const syntax = problemsOf('issuer: [unclosed\n').problems;
  assert.equal(syntax.length, 1);
  assert.match(syntax[0] ?? '', /sesame\.yaml:\d+:\d+: /);
  const duplicate = problemsOf('demo: true\ndemo: false\n').problems;
  assert.match(duplicate[0] ?? '', /sesame\.yaml:2:1: .*unique/i);
  assert.match(problemsOf('- a\n- b\n').problems[0] ?? '', /:1:1: \(top level\): the file must be a mapping/);
});

test('a missing registration file or signing key is reported, as is a missing config file', () => {
  const { file, problems } = problemsOf('registration: nope.yaml\nsigning:\n  keys:\n    - missing.pem\n');
  const dir = file.replace(/\/sesame\.yaml$/, '');
  assert.deepEqual(problems, [
    `${file}:1:15: registration: file not found: ${dir}/nope.yaml`,
    `${file}:4:7: signing.keys[0]: file not found: ${dir}/missing.pem`,
  ]);
  assert.throws(() => loadConfig({ file: join(tempDir(), 'absent.yaml'), env: {} }), {
    name: 'ConfigError',
    message: /absent\.yaml: cannot read the config file \(ENOENT\)/,
  });
});
