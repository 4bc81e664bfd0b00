import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../errors.js';
import { loadKonnectdConfig } from './load.js';
import { RefusedError } from './to-config.js';

const root = mkdtempSync(join(tmpdir(), 'sesame-konnectd-config-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** A fresh directory with an empty `etc/` standing in for /etc/kopano. */
function sandbox(files: Record<string, string | Buffer> = {}) {
  const dir = join(root, String(++counter));
  mkdirSync(join(dir, 'etc'), { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const load = (argv: string[], env: Record<string, string> = {}) =>
    loadKonnectdConfig(argv, {
      env,
      cwd: dir,
      etcDir: join(dir, 'etc'),
      systemDataDir: join(dir, 'no-such-dir'),
    });
  return { dir, load };
}

describe('konnectd front door: defaults', () => {
  it('starts from Konnect defaults with Sesame refresh tokens, text logs and every relaxation on', () => {
    const { dir, load } = sandbox();
    const { config, warnings } = load(['builtin']);
    assert.equal(config.issuer, 'https://localhost');
    assert.deepEqual(config.listen, { host: '127.0.0.1', port: 8777 });
    assert.equal(config.signing.alg, 'PS256');
    assert.deepEqual(config.signing.keys, []);
    assert.equal(config.lifetimes.accessToken, 600);
    assert.equal(config.lifetimes.idToken, 3600);
    assert.equal(config.lifetimes.refreshToken, 30 * 86400);
    assert.equal(config.log.format, 'text');
    assert.equal(config.dataDir, join(dir, 'data'));
    assert.deepEqual(config.storage, { kind: 'sqlite', path: join(dir, 'data', 'sesame.db') });
    assert.deepEqual(config.instanceSecret, { kind: 'ephemeral' });
    assert.equal(config.registration, null);
    assert.deepEqual(Object.values(config.compat), [true, true, true, true, true]);
    assert.equal(config.accessTokenFormat, 'konnect');
    assert.equal(config.sessionManagement, true);
    assert.equal(config.allowClientGuests, false);
    assert.equal(config.demo, false);
    assert.deepEqual(config.passwords, { memoryKib: 19456, iterations: 2, parallelism: 1 });
    assert.ok(Object.isFrozen(config));
    assert.match(warnings.join('\n'), /no issuer set/);
  });

  it("uses Konnect's files under /etc/kopano when they exist", () => {
    const { dir, load } = sandbox({
      'etc/konnectd-signing-private-key.pem': 'x',
      'etc/konnectd-encryption-secret.key': Buffer.alloc(32),
      'etc/konnectd-identifier-registration.yaml': 'clients: []\n',
      'etc/konnectd-identifier-scopes.yaml': 'scopes: {}\n',
    });
    mkdirSync(join(dir, 'etc', 'konnectkeys'));
    const { config } = load(['builtin']);
    assert.deepEqual(config.signing.keys, [join(dir, 'etc/konnectd-signing-private-key.pem')]);
    assert.deepEqual(config.instanceSecret, {
      kind: 'file',
      path: join(dir, 'etc/konnectd-encryption-secret.key'),
    });
    assert.equal(config.registration, join(dir, 'etc/konnectd-identifier-registration.yaml'));
    assert.equal(config.signing.validationKeysPath, join(dir, 'etc/konnectkeys'));
    assert.equal(config.identifierScopes, join(dir, 'etc/konnectd-identifier-scopes.yaml'));
  });

  it('takes --identifier-scopes-conf, and refuses a missing file', () => {
    const { dir, load } = sandbox({ 'scopes.yaml': 'scopes: {}\n' });
    assert.equal(
      load(['--identifier-scopes-conf', 'scopes.yaml', 'builtin']).config.identifierScopes,
      join(dir, 'scopes.yaml'),
    );
    assert.throws(
      () => load(['--identifier-scopes-conf', 'nope.yaml', 'builtin']),
      /identifier scopes file not found/,
    );
  });
});

describe('konnectd front door: precedence (flag > env > konnectd.cfg > default)', () => {
  const table: { name: string; flag?: string; env?: string; cfg?: string; want: string }[] = [
    {
      name: 'all three: the flag',
      flag: '127.0.0.1:1001',
      env: '127.0.0.1:1002',
      cfg: '127.0.0.1:1003',
      want: '127.0.0.1:1001',
    },
    {
      name: 'env and cfg: the environment',
      env: '127.0.0.1:1002',
      cfg: '127.0.0.1:1003',
      want: '127.0.0.1:1002',
    },
    { name: 'flag and cfg: the flag', flag: '127.0.0.1:1001', cfg: '127.0.0.1:1003', want: '127.0.0.1:1001' },
    { name: 'cfg only', cfg: '127.0.0.1:1003', want: '127.0.0.1:1003' },
    { name: 'nothing: the default', want: '127.0.0.1:8777' },
  ];
  for (const row of table) {
    it(`listen, ${row.name}`, () => {
      const { load } = sandbox({ 'konnectd.cfg': row.cfg ? `listen = ${row.cfg}\n` : '' });
      const argv = ['--config', 'konnectd.cfg', ...(row.flag ? ['--listen', row.flag] : []), 'builtin'];
      const { config } = load(argv, row.env ? { KONNECTD_LISTEN: row.env } : {});
      assert.equal(`${config.listen.host}:${config.listen.port}`, row.want);
    });
  }

  it('finds the cfg file through KONNECTD_CONFIG and takes the identity manager from it', () => {
    const { load } = sandbox({ 'k.cfg': 'identity_manager=builtin\nlog_level=debug\n' });
    const { config } = load([], { KONNECTD_CONFIG: 'k.cfg' });
    assert.equal(config.identity.kind, 'builtin');
    assert.equal(config.log.level, 'debug');
  });

  it('lets OIDC_ISSUER_IDENTIFIER win over the cfg issuer, with a warning', () => {
    const { load } = sandbox({ 'k.cfg': 'oidc_issuer_identifier=https://cfg.example.com\n' });
    const { config, warnings } = load(['--config=k.cfg', 'builtin'], {
      OIDC_ISSUER_IDENTIFIER: 'https://env.example.com/',
    });
    assert.equal(config.issuer, 'https://env.example.com');
    assert.match(
      warnings.join('\n'),
      /env OIDC_ISSUER_IDENTIFIER \(https:\/\/env\.example\.com\/\) overrides oidc_issuer_identifier at .*k\.cfg:1/,
    );
  });

  it('reads KONNECTD_SIGNING_PRIVATE_KEY as a space-separated list', () => {
    const { dir, load } = sandbox({ 'a.pem': 'x', 'b.pem': 'y' });
    const { config } = load(['builtin'], { KONNECTD_SIGNING_PRIVATE_KEY: 'a.pem  b.pem' });
    assert.deepEqual(config.signing.keys, [join(dir, 'a.pem'), join(dir, 'b.pem')]);
  });

  it('exports ldap_* cfg keys for the ldap manager, the real environment winning', () => {
    const { load } = sandbox({
      'k.cfg': 'identity_manager=ldap\nldap_uri=ldap://cfg:389\nldap_basedn=dc=cfg\n',
    });
    const { config } = load(['--config', 'k.cfg', '--insecure'], { LDAP_URI: 'ldap://env:389' });
    assert.equal(config.identity.kind, 'ldap');
    if (config.identity.kind !== 'ldap') return;
    assert.match(config.identity.ldap.uri, /^ldap:\/\/env:389/);
    assert.equal(config.identity.ldap.baseDn, 'dc=cfg');
    assert.equal(config.identity.ldap.insecureTls, true);
  });
});

describe('konnectd front door: values', () => {
  it('accepts http issuers only on loopback, with a warning', () => {
    const { load } = sandbox();
    assert.match(load(['--iss', 'http://127.0.0.1:8777', 'builtin']).warnings.join('\n'), /issuer uses http/);
    assert.throws(() => load(['--iss', 'http://id.example.com', 'builtin']), /--iss: issuer must use https/);
  });

  it('honours a refresh lifetime over a year, with a warning', () => {
    const { load } = sandbox();
    const { config, warnings } = load(['--refresh-token-expiration', '94608000', 'builtin']);
    assert.equal(config.lifetimes.refreshToken, 94608000);
    assert.match(
      warnings.join('\n'),
      /--refresh-token-expiration: refresh tokens valid for more than a year/,
    );
  });

  it('reports every invalid value at once, each with its origin', () => {
    const { load } = sandbox({ 'k.cfg': 'signing_method=HS256\n' });
    assert.throws(
      () =>
        load([
          '--config',
          'k.cfg',
          '--listen',
          'nope',
          '--access-token-expiration',
          '-5',
          '--trusted-proxy',
          'proxy.local',
          '--log-level',
          'loud',
          '--signing-private-key',
          'missing.pem',
          'builtin',
        ]),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const text = error.problems.join('\n');
        assert.match(text, /k\.cfg:1: signing method HS256 is not supported/);
        assert.match(text, /--listen: "nope" is not host:port/);
        assert.match(text, /--access-token-expiration: "-5" is not a positive number of seconds/);
        assert.match(text, /--trusted-proxy: "proxy\.local" is not an IP address or CIDR/);
        assert.match(text, /--log-level: log level loud/);
        assert.match(text, /--signing-private-key: signing key file not found: .*missing\.pem/);
        return true;
      },
    );
  });

  it('maps Konnect log levels (warning, panic) to Sesame levels', () => {
    const { load } = sandbox();
    assert.equal(load(['--log-level', 'warning', 'builtin']).config.log.level, 'warn');
    assert.equal(load(['--log-level=panic', 'builtin']).config.log.level, 'fatal');
  });

  it('requires an encryption secret of exactly 32 bytes, naming the size', () => {
    const { dir, load } = sandbox({ 'short.key': Buffer.alloc(31), 'good.key': Buffer.alloc(32) });
    assert.throws(
      () => load(['--encryption-secret', 'short.key', 'builtin']),
      /short\.key holds 31 bytes; an encryption secret must be exactly 32 bytes/,
    );
    assert.throws(
      () => load(['--encryption-secret', 'nothing.key', 'builtin']),
      /encryption secret file not found/,
    );
    assert.deepEqual(load(['--encryption-secret', 'good.key', 'builtin']).config.instanceSecret, {
      kind: 'file',
      path: join(dir, 'good.key'),
    });
  });

  it('keeps --signing-kid and --validation-keys-path for the key loader', () => {
    const { dir, load } = sandbox({ 'a.pem': 'x' });
    mkdirSync(join(dir, 'keys'));
    const { config } = load([
      '--signing-private-key',
      'a.pem',
      '--signing-kid',
      'mykid',
      '--validation-keys-path',
      'keys',
      'builtin',
    ]);
    assert.equal(config.signing.kid, 'mykid');
    assert.equal(config.signing.validationKeysPath, join(dir, 'keys'));
    assert.throws(() => load(['--validation-keys-path', 'a.pem', 'builtin']), /not a directory/);
  });
});

describe('konnectd front door: metrics', () => {
  it("serves metrics only with --with-metrics, on Konnect's 127.0.0.1:6777 unless --metrics-listen says", () => {
    const { load } = sandbox();
    assert.equal(load(['builtin']).config.metrics, null);
    assert.deepEqual(load(['--with-metrics', 'builtin']).config.metrics, {
      listen: { host: '127.0.0.1', port: 6777 },
    });
    assert.deepEqual(
      load(['--with-metrics', '--metrics-listen', '127.0.0.1:9464', 'builtin']).config.metrics,
      { listen: { host: '127.0.0.1', port: 9464 } },
    );
    assert.equal(load(['--with-metrics=false', 'builtin']).config.metrics, null);
  });

  it('notes that --metrics-listen alone does nothing, as in Konnect', () => {
    const { load } = sandbox();
    const { config, notes } = load(['--metrics-listen', '127.0.0.1:9464', 'builtin']);
    assert.equal(config.metrics, null);
    assert.ok(notes.includes('--metrics-listen: --metrics-listen has no effect without --with-metrics'));
  });

  it('refuses a metrics address that cannot be read or is the public listener, and warns off loopback', () => {
    const { load } = sandbox();
    assert.throws(
      () => load(['--with-metrics', '--metrics-listen', 'nine', 'builtin']),
      (error: unknown) =>
        error instanceof ConfigError && /--metrics-listen: "nine" is not host:port/.test(error.message),
    );
    assert.throws(
      () => load(['--listen', '127.0.0.1:6777', '--with-metrics', 'builtin']),
      /default --metrics-listen: the metrics listener must not be the public listener/,
    );
    const { warnings } = load(['--with-metrics', '--metrics-listen', ':9464', 'builtin']);
    assert.ok(warnings.some((w) => /0\.0\.0\.0:9464 is not on loopback/.test(w)));
  });
});

describe('konnectd front door: refusals', () => {
  const refused = (argv: string[], pattern: RegExp, files: Record<string, string> = {}) => {
    const { load } = sandbox(files);
    assert.throws(
      () => load(argv),
      (error: unknown) => {
        assert.ok(error instanceof RefusedError, String(error));
        assert.match(error.message, pattern);
        return true;
      },
    );
  };

  it('refuses flags Sesame cannot honour, naming each', () => {
    refused(
      ['--with-pprof', '--uri-base-path', '/konnect', 'ldap'],
      /--with-pprof: Sesame does not support --with-pprof[^]*--uri-base-path: Sesame does not support --uri-base-path/,
    );
    refused(['--sign-in-uri', 'https://x', 'builtin'], /Sesame does not support --sign-in-uri/);
  });

  it('refuses a refused setting in konnectd.cfg with file:line', () => {
    refused(['--config', 'k.cfg', 'builtin'], /k\.cfg:2: Sesame does not support --uri-base-path/, {
      'k.cfg': 'listen=127.0.0.1:1\nuri_base_path=/konnect\n',
    });
  });

  it("issues Konnect's access tokens unless --access-token-format rfc9068 asks for the minimal ones", () => {
    const { load } = sandbox({ 'k.cfg': 'access_token_format=rfc9068\n' });
    assert.equal(load(['--access-token-format', 'rfc9068', 'builtin']).config.accessTokenFormat, 'rfc9068');
    assert.equal(load(['--config', 'k.cfg', 'builtin']).config.accessTokenFormat, 'rfc9068');
    assert.equal(
      load(['builtin'], { KONNECTD_ACCESS_TOKEN_FORMAT: 'rfc9068' }).config.accessTokenFormat,
      'rfc9068',
    );
    assert.throws(() => load(['--access-token-format', 'opaque', 'builtin']), /must be konnect or rfc9068/);
  });

  it('turns dynamic client registration on with --allow-dynamic-client-registration', () => {
    const { load } = sandbox({ 'k.cfg': 'allow_dynamic_client_registration=yes\n' });
    assert.equal(load(['builtin']).config.allowDynamicClientRegistration, false);
    assert.equal(
      load(['--allow-dynamic-client-registration', 'builtin']).config.allowDynamicClientRegistration,
      true,
    );
    assert.equal(load(['--config', 'k.cfg', 'builtin']).config.allowDynamicClientRegistration, true);
  });

  it('turns guests on with --allow-client-guests or allow_client_guests=yes in konnectd.cfg', () => {
    const { load } = sandbox({ 'k.cfg': 'allow_client_guests=yes\n' });
    assert.equal(load(['--allow-client-guests', 'builtin']).config.allowClientGuests, true);
    assert.equal(load(['--config', 'k.cfg', 'builtin']).config.allowClientGuests, true);
  });

  it('lets refused flags through at their harmless values', () => {
    const { load } = sandbox();
    assert.doesNotThrow(() =>
      load(['--with-pprof=false', '--uri-base-path', '/', '--allow-client-guests=false', 'builtin']),
    );
  });

  it('refuses the kc, cookie and dummy identity managers and a missing one', () => {
    refused(['kc'], /the kc identity manager is not supported; use ldap or builtin/);
    refused(['cookie', 'http://x', 'a b'], /the cookie identity manager is not supported/);
    refused(['dummy'], /dummy identity manager signs anybody in/);
    refused([], /missing identity manager/);
  });

  it('accepts harmless flags with a note that they have no effect', () => {
    const { load } = sandbox();
    const { notes } = load([
      '--identifier-client-path',
      '/usr/share/kopano-konnect/identifier-webapp',
      '--pprof-listen',
      '127.0.0.1:6060',
      'builtin',
    ]);
    assert.match(notes.join('\n'), /--identifier-client-path: --identifier-client-path has no effect/);
    assert.match(notes.join('\n'), /--pprof-listen has no effect/);
  });

  it('leaves the time out of log lines with --log-timestamp=false', () => {
    const { load } = sandbox();
    assert.equal(load(['--log-timestamp=false', 'builtin']).config.log.timestamp, false);
    assert.equal(load(['builtin']).config.log.timestamp, true);
  });
});
