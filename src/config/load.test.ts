import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from './load.js';
import { tempDir } from './test-helpers.js';

const FULL = `issuer: https://id.example.com/
listen: "0.0.0.0:9000"
data_dir: /var/lib/sesame
storage: postgresql://sesame:secret@db.example.com/sesame
identity: builtin
registration: conf/identifier-registration.yaml
identifier_scopes: conf/identifier-scopes.yaml
signing:
  keys: [keys/a.pem, /etc/sesame/b.pem]
  alg: ES256
  publish_delay: 1h
lifetimes:
  access_token: 300
  id_token: 2h
  refresh_token: 14d
  code: 90s
  interaction: 20m
  session_idle: 1h
  session_absolute: 1d
  refresh_grace: 0
compat: konnect
access_token_format: rfc9068
session_management: false
allow_client_guests: true
allow_dynamic_client_registration: true
log:
  level: debug
  format: text
demo: true
branding:
  product_name: Example Cloud
  logo: brand/logo.svg
  accent_color: "#AA3300"
  forgot_password_url: https://accounts.example.com/reset
  imprint_url: https://example.com/imprint
  privacy_url: https://example.com/privacy
trusted_proxies: [10.0.0.0/8, "::1", 192.168.1.7]
throttle:
  window: 5m
  max_failures_per_account_address: 2
  max_failures_per_account: 3
  account_interval: 1m
  max_failures_per_address: 50
passwords:
  memory_kib: 65536
  iterations: 3
  parallelism: 4
http:
  request_timeout: 20s
  headers_timeout: 5s
  keep_alive_timeout: 3s
  max_connections: 200
limits:
  pending_sign_ins: 500
  pending_sign_ins_per_address: 10
  registration_file_bytes: 65536
metrics:
  listen: 127.0.0.1:9464
storage_pool_size: 4
`;

test('with no file and no environment Sesame runs a local development instance', () => {
  const dir = tempDir();
  const { config, warnings } = loadConfig({ cwd: dir, env: {} });
  assert.deepEqual(config, {
    issuer: 'http://localhost:8777',
    listen: { host: '127.0.0.1', port: 8777 },
    dataDir: join(dir, 'data'),
    storage: { kind: 'sqlite', path: join(dir, 'data', 'sesame.db') },
    identity: { kind: 'builtin' },
    registration: null,
    identifierScopes: null,
    signing: { alg: 'RS256', keys: [], publishDelay: 600 },
    lifetimes: {
      accessToken: 600,
      idToken: 3600,
      refreshToken: 30 * 86400,
      code: 60,
      interaction: 900,
      sessionIdle: 8 * 3600,
      sessionAbsolute: 7 * 86400,
      refreshGrace: 10,
    },
    compat: {
      anySecretForSecretlessClients: false,
      redirectUriIgnoresQuery: false,
      implicitTrustOnIssuerHost: false,
      lenientTokenRequests: false,
      trustedClientsGetAllScopes: false,
    },
    accessTokenFormat: 'rfc9068',
    sessionManagement: true,
    allowClientGuests: false,
    allowDynamicClientRegistration: false,
    log: { level: 'info', format: 'json' },
    demo: true,
    branding: {
      productName: 'Sesame',
      logo: null,
      accentColor: null,
      forgotPasswordUrl: null,
      imprintUrl: null,
      privacyUrl: null,
    },
    trustedProxies: [],
    throttle: {
      windowSeconds: 900,
      maxFailuresPerAccountAddress: 5,
      maxFailuresPerAccount: 10,
      accountIntervalSeconds: 10,
      maxFailuresPerAddress: 20,
    },
    passwords: { memoryKib: 19456, iterations: 2, parallelism: 1 },
    http: {
      requestTimeoutSeconds: 30,
      headersTimeoutSeconds: 10,
      keepAliveTimeoutSeconds: 5,
      maxConnections: 1000,
    },
    limits: { pendingSignIns: 10000, pendingSignInsPerAddress: 100, registrationFileBytes: 1048576 },
    metrics: null,
  });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /^issuer: uses http/);
});

test('an empty config file turns the demo off', () => {
  const dir = tempDir({ 'sesame.yaml': '' });
  assert.equal(loadConfig({ file: join(dir, 'sesame.yaml'), env: {} }).config.demo, false);
});

test('a file setting every key gives exactly those values', () => {
  const dir = tempDir({
    'etc/sesame.yaml': FULL,
    'etc/conf/identifier-registration.yaml': 'clients: []\n',
    'etc/conf/identifier-scopes.yaml': 'scopes: {}\n',
    'etc/keys/a.pem': 'x',
    'etc/brand/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
  });
  const file = join(dir, 'etc', 'sesame.yaml');
  // b.pem is absolute and does not exist: that is the only problem.
  assert.throws(() => loadConfig({ file, env: {} }), {
    problems: [`${file}:9:22: signing.keys[1]: file not found: /etc/sesame/b.pem`],
  });
  const env = { SESAME_SIGNING_KEYS: join(dir, 'etc', 'keys', 'a.pem') };
  const { config, warnings } = loadConfig({ file, env });
  assert.deepEqual(warnings, []);
  assert.deepEqual(config, {
    issuer: 'https://id.example.com',
    listen: { host: '0.0.0.0', port: 9000 },
    dataDir: '/var/lib/sesame',
    storage: { kind: 'postgres', url: 'postgresql://sesame:secret@db.example.com/sesame', poolSize: 4 },
    identity: { kind: 'builtin' },
    registration: join(dir, 'etc', 'conf', 'identifier-registration.yaml'),
    identifierScopes: join(dir, 'etc', 'conf', 'identifier-scopes.yaml'),
    signing: { alg: 'ES256', keys: [join(dir, 'etc', 'keys', 'a.pem')], publishDelay: 3600 },
    lifetimes: {
      accessToken: 300,
      idToken: 7200,
      refreshToken: 14 * 86400,
      code: 90,
      interaction: 1200,
      sessionIdle: 3600,
      sessionAbsolute: 86400,
      refreshGrace: 0,
    },
    compat: {
      anySecretForSecretlessClients: true,
      redirectUriIgnoresQuery: true,
      implicitTrustOnIssuerHost: true,
      lenientTokenRequests: true,
      trustedClientsGetAllScopes: true,
    },
    accessTokenFormat: 'rfc9068',
    sessionManagement: false,
    allowClientGuests: true,
    allowDynamicClientRegistration: true,
    log: { level: 'debug', format: 'text' },
    demo: true,
    branding: {
      productName: 'Example Cloud',
      logo: join(dir, 'etc', 'brand', 'logo.svg'),
      accentColor: '#aa3300',
      forgotPasswordUrl: 'https://accounts.example.com/reset',
      imprintUrl: 'https://example.com/imprint',
      privacyUrl: 'https://example.com/privacy',
    },
    trustedProxies: ['10.0.0.0/8', '::1', '192.168.1.7'],
    throttle: {
      windowSeconds: 300,
      maxFailuresPerAccountAddress: 2,
      maxFailuresPerAccount: 3,
      accountIntervalSeconds: 60,
      maxFailuresPerAddress: 50,
    },
    passwords: { memoryKib: 65536, iterations: 3, parallelism: 4 },
    http: {
      requestTimeoutSeconds: 20,
      headersTimeoutSeconds: 5,
      keepAliveTimeoutSeconds: 3,
      maxConnections: 200,
    },
    limits: { pendingSignIns: 500, pendingSignInsPerAddress: 10, registrationFileBytes: 65536 },
    metrics: { listen: { host: '127.0.0.1', port: 9464 } },
  });
});

test('environment variables win over the file', () => {
  const dir = tempDir({
    'sesame.yaml': 'issuer: https://file.example.com\nsigning:\n  alg: PS256\ndemo: true\n',
    'k1.pem': 'x',
    'k2.pem': 'x',
    'k3.pem': 'x',
  });
  const { config } = loadConfig({
    file: join(dir, 'sesame.yaml'),
    cwd: dir,
    env: {
      SESAME_ISSUER: 'https://env.example.com/',
      SESAME_LISTEN: '[::1]:8443',
      SESAME_SIGNING_ALG: 'EdDSA',
      SESAME_SIGNING_KEYS: 'k1.pem, k2.pem k3.pem',
      SESAME_STORAGE: 'memory',
      SESAME_LIFETIMES_ACCESS_TOKEN: '15m',
      SESAME_THROTTLE_MAX_FAILURES_PER_ACCOUNT: '7',
      SESAME_TRUSTED_PROXIES: '10.0.0.1,10.0.0.2',
      SESAME_COMPAT: 'konnect',
      SESAME_LOG_LEVEL: 'warn',
      SESAME_LOG_FORMAT: 'text',
      SESAME_DEMO: 'false',
      SESAME_REGISTRATION: '',
      PATH: '/usr/bin',
    },
  });
  assert.equal(config.issuer, 'https://env.example.com');
  assert.deepEqual(config.listen, { host: '::1', port: 8443 });
  assert.equal(config.signing.alg, 'EdDSA');
  assert.deepEqual(
    config.signing.keys,
    ['k1.pem', 'k2.pem', 'k3.pem'].map((k) => join(dir, k)),
  );
  assert.deepEqual(config.storage, { kind: 'memory' });
  assert.equal(config.lifetimes.accessToken, 900);
  assert.equal(config.throttle.maxFailuresPerAccount, 7);
  assert.deepEqual(config.trustedProxies, ['10.0.0.1', '10.0.0.2']);
  assert.equal(config.compat.redirectUriIgnoresQuery, true);
  assert.deepEqual(config.log, { level: 'warn', format: 'text' });
  assert.equal(config.demo, false);
  assert.equal(config.registration, null, 'an empty variable is ignored');
});

test('SESAME_DEMO=false turns the demo off even without a file', () => {
  const { config } = loadConfig({ cwd: tempDir(), env: { SESAME_DEMO: 'false' } });
  assert.equal(config.demo, false);
});

test('an unknown SESAME_ variable is a warning with a suggestion', () => {
  const { warnings } = loadConfig({ cwd: tempDir(), env: { SESAME_ISUER: 'x' } });
  assert.ok(
    warnings.includes('env SESAME_ISUER: not a Sesame setting, ignored; did you mean SESAME_ISSUER?'),
  );
});

test('relative paths in the file resolve against the file, from the environment against cwd', () => {
  const dir = tempDir({
    'conf/sesame.yaml':
      'data_dir: state\nstorage: sqlite:db/s.db\nregistration: reg.yaml\nsigning:\n  keys: [k.pem]\n',
    'conf/reg.yaml': '',
    'conf/k.pem': '',
  });
  const file = join(dir, 'conf', 'sesame.yaml');
  const { config } = loadConfig({ file, cwd: '/', env: {} });
  assert.equal(config.dataDir, join(dir, 'conf', 'state'));
  assert.deepEqual(config.storage, { kind: 'sqlite', path: join(dir, 'conf', 'db', 's.db') });
  assert.equal(config.registration, join(dir, 'conf', 'reg.yaml'));
  assert.deepEqual(config.signing.keys, [join(dir, 'conf', 'k.pem')]);

  const fromEnv = loadConfig({ file, cwd: dir, env: { SESAME_DATA_DIR: 'elsewhere' } }).config;
  assert.equal(fromEnv.dataDir, join(dir, 'elsewhere'));
  assert.deepEqual(fromEnv.storage, { kind: 'sqlite', path: join(dir, 'conf', 'db', 's.db') });
});

test('the default database lives in data_dir', () => {
  const dir = tempDir({ 'sesame.yaml': 'data_dir: /srv/sesame\n' });
  const { config } = loadConfig({ file: join(dir, 'sesame.yaml'), env: {} });
  assert.deepEqual(config.storage, { kind: 'sqlite', path: '/srv/sesame/sesame.db' });
});

test('lifetimes accept seconds or durations with a unit', () => {
  const dir = tempDir({
    'sesame.yaml':
      'lifetimes:\n  access_token: 45\n  id_token: 10m\n  refresh_token: 12h\n  session_absolute: 30d\n  code: "120"\n',
  });
  const { lifetimes } = loadConfig({ file: join(dir, 'sesame.yaml'), env: {} }).config;
  assert.equal(lifetimes.accessToken, 45);
  assert.equal(lifetimes.idToken, 600);
  assert.equal(lifetimes.refreshToken, 43200);
  assert.equal(lifetimes.sessionAbsolute, 30 * 86400);
  assert.equal(lifetimes.code, 120);
});

test('null values mean the default', () => {
  const dir = tempDir({ 'sesame.yaml': 'issuer:\nsigning:\nregistration: ~\n' });
  const { config } = loadConfig({ file: join(dir, 'sesame.yaml'), env: {} });
  assert.equal(config.issuer, 'http://localhost:8777');
  assert.equal(config.signing.alg, 'RS256');
  assert.equal(config.registration, null);
});

test('the config is deeply frozen', () => {
  const { config } = loadConfig({ cwd: tempDir(), env: { SESAME_TRUSTED_PROXIES: '10.0.0.1' } });
  for (const value of [config, config.listen, config.lifetimes, config.trustedProxies, config.compat]) {
    assert.ok(Object.isFrozen(value));
  }
  assert.throws(() => {
    (config as { issuer: string }).issuer = 'https://evil.example';
  }, TypeError);
  assert.throws(() => (config.trustedProxies as string[]).push('0.0.0.0/0'), TypeError);
});

test('identity: ldap takes the directory from the LDAP_* variables, and names what is missing', async () => {
  const dir = await tempDir();
  const env = {
    SESAME_IDENTITY: 'ldap',
    LDAP_URI: 'ldap://127.0.0.1:3890',
    LDAP_BASEDN: 'ou=users,dc=example',
  };
  const { config } = loadConfig({ env, cwd: dir });
  assert.equal(config.identity.kind, 'ldap');
  if (config.identity.kind === 'ldap') {
    assert.equal(config.identity.ldap.uri, 'ldap://127.0.0.1:3890');
    assert.equal(config.identity.ldap.attributes.login, 'uid');
  }
  assert.throws(() => loadConfig({ env: { SESAME_IDENTITY: 'ldap' }, cwd: dir }), /LDAP_URI/);
});

test('an issuer derived from listen: follows SESAME_LISTEN alone, so the printed URLs work', () => {
  const { config, warnings } = loadConfig({ env: { SESAME_LISTEN: '127.0.0.1:18555' } });
  assert.equal(config.issuer, 'http://localhost:18555');
  assert.deepEqual(config.listen, { host: '127.0.0.1', port: 18555 });
  assert.ok(!warnings.some((w) => w.includes('issuer is not set')));
});

test('an issuer derived from listen: uses localhost for a wildcard listener, and warns for another address', () => {
  assert.equal(loadConfig({ env: { SESAME_LISTEN: '0.0.0.0:9000' } }).config.issuer, 'http://localhost:9000');
  const { config, warnings } = loadConfig({ env: { SESAME_LISTEN: '192.0.2.10:9000' } });
  assert.equal(config.issuer, 'http://localhost:9000');
  assert.ok(
    warnings.some(
      (w) => w.includes('issuer is not set: using http://localhost:9000') && w.includes('SESAME_ISSUER'),
    ),
    warnings.join('\n'),
  );
});

test('an issuer derived from listen: never replaces an issuer that is set, even one equal to the default', () => {
  const env = { SESAME_LISTEN: '127.0.0.1:9000', SESAME_ISSUER: 'http://localhost:8777' };
  assert.equal(loadConfig({ env }).config.issuer, 'http://localhost:8777');
  const dir = tempDir({ 'sesame.yaml': 'issuer: https://id.example.com\nlisten: 127.0.0.1:9000\n' });
  assert.equal(
    loadConfig({ file: join(dir, 'sesame.yaml'), env: {} }).config.issuer,
    'https://id.example.com',
  );
});
