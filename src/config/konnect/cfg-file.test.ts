import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../errors.js';
import { cfgSettings, parseCfgFile } from './cfg-file.js';

const FILE = '/etc/kopano/konnectd.cfg';

describe('konnectd.cfg parsing', () => {
  const cases: { name: string; text: string; want: Record<string, string>; warnings?: RegExp[] }[] = [
    { name: 'key=value', text: 'listen=127.0.0.1:8777', want: { listen: '127.0.0.1:8777' } },
    { name: 'spaces around =', text: 'listen = 127.0.0.1:8777  ', want: { listen: '127.0.0.1:8777' } },
    {
      name: 'comments and blank lines',
      text: '# a comment\n;another\n\n  #listen = x\nlog_level=debug',
      want: { log_level: 'debug' },
    },
    { name: 'double quotes', text: 'identity_manager_args="a b"', want: { identity_manager_args: 'a b' } },
    {
      name: 'single quotes',
      text: "ldap_filter='(objectClass=person)'",
      want: { ldap_filter: '(objectClass=person)' },
    },
    {
      name: 'an = inside the value',
      text: 'ldap_binddn=cn=admin,dc=example,dc=com',
      want: { ldap_binddn: 'cn=admin,dc=example,dc=com' },
    },
    { name: 'empty value', text: 'signing_kid=', want: { signing_kid: '' } },
    { name: 'empty quoted value', text: 'signing_kid=""', want: { signing_kid: '' } },
    {
      name: 'CRLF line ends',
      text: 'listen=a:1\r\nlog_level=info\r\n',
      want: { listen: 'a:1', log_level: 'info' },
    },
    {
      name: 'duplicate keys: the last wins, with a warning',
      text: 'listen=a:1\nlisten=b:2',
      want: { listen: 'b:2' },
      warnings: [/konnectd\.cfg:2: listen is set again \(first on line 1\); the last value is used/],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const file = parseCfgFile(FILE, c.text);
      assert.deepEqual(Object.fromEntries([...file.entries].map(([k, e]) => [k, e.value])), c.want);
      assert.equal(file.warnings.length, c.warnings?.length ?? 0);
      c.warnings?.forEach((re, i) => assert.match(file.warnings[i] ?? '', re));
    });
  }

  it('refuses malformed lines, naming every one with file:line', () => {
    assert.throws(
      () => parseCfgFile(FILE, 'listen=a:1\nthis is not a setting\nsigning_kid="open\n1abc=x'),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(
          error.problems.map((p) => p.split(':').slice(0, 2).join(':')),
          [`${FILE}:2`, `${FILE}:3`, `${FILE}:4`],
        );
        assert.match(error.problems[1] ?? '', /no matching closing quote/);
        return true;
      },
    );
  });
});

describe('konnectd.cfg keys', () => {
  const settingsOf = (text: string, manager: string | null = null) =>
    cfgSettings(parseCfgFile(FILE, text), manager);

  it('maps keys to the flags the launcher would pass', () => {
    const s = settingsOf(
      [
        'oidc_issuer_identifier=https://id.example.com',
        'signing_private_key=/a.pem /b.pem',
        'allowed_scopes=openid  profile',
        'insecure=yes',
        'allow_client_guests=no',
        'web_resources_path=/usr/share/kopano-konnect',
        'identity_manager=ldap',
        'identity_manager_args=x y',
      ].join('\n'),
    );
    assert.deepEqual(s.settings.get('iss'), { value: 'https://id.example.com', origin: `${FILE}:1` });
    assert.deepEqual(s.settings.get('signing-private-key')?.value, ['/a.pem', '/b.pem']);
    assert.deepEqual(s.settings.get('allow-scope')?.value, ['openid', 'profile']);
    assert.equal(s.settings.get('insecure')?.value, true);
    assert.equal(s.settings.get('allow-client-guests')?.value, false);
    assert.equal(
      s.settings.get('identifier-client-path')?.value,
      '/usr/share/kopano-konnect/identifier-webapp',
    );
    assert.deepEqual(s.manager, { value: 'ldap', origin: `${FILE}:7` });
    assert.deepEqual(s.managerArgs, ['x', 'y']);
  });

  it('treats only the literal yes as true', () => {
    for (const value of ['Yes', 'true', '1', 'on', '']) {
      assert.equal(settingsOf(`insecure=${value}`).settings.get('insecure')?.value, false, value);
    }
  });

  it('honours trusted_proxies, which Konnect dropped, and says so', () => {
    const s = settingsOf('trusted_proxies=10.0.0.1 192.168.0.0/16');
    assert.deepEqual(s.settings.get('trusted-proxy')?.value, ['10.0.0.1', '192.168.0.0/16']);
    assert.match(s.notes.join('\n'), /trusted_proxies is honoured/);
  });

  it('exports ldap_* keys as LDAP_* only for the ldap identity manager', () => {
    const text = 'identity_manager=ldap\nldap_uri=ldap://dir:389\nldap_basedn=dc=example';
    assert.deepEqual(settingsOf(text).env, { LDAP_URI: 'ldap://dir:389', LDAP_BASEDN: 'dc=example' });
    assert.deepEqual(settingsOf(text, 'builtin').env, {});
  });

  it('passes upper-case keys through as environment variables', () => {
    assert.deepEqual(settingsOf('KONNECTD_LISTEN=127.0.0.1:9000').env, { KONNECTD_LISTEN: '127.0.0.1:9000' });
  });

  it('treats empty values as unset', () => {
    assert.equal(settingsOf('listen=').settings.has('listen'), false);
  });

  it('warns about unknown keys with file:line', () => {
    const s = settingsOf('listen=a:1\ntrused_proxies=10.0.0.1');
    assert.deepEqual(s.warnings, [`${FILE}:2: unknown key trused_proxies; ignored`]);
  });
});
