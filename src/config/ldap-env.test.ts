import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from './errors.js';
import { DEFAULT_GROUPS_FILTER, ldapConfigFromEnv } from './ldap-env.js';
import type { LdapConfig } from './types.js';

const MINIMAL = { LDAP_URI: 'ldap://ldap.example.org', LDAP_BASEDN: 'ou=users,dc=example,dc=org' };

function parse(
  env: Record<string, string | undefined>,
  insecureTls = false,
): { config: LdapConfig; warnings: string[] } {
  return ldapConfigFromEnv(env, { insecureTls });
}

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parse(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('LDAP_* environment (konnect-spec §1.4)', () => {
  it("applies Konnect's defaults", () => {
    const { config, warnings } = parse(MINIMAL);
    assert.deepEqual(config, {
      uri: 'ldap://ldap.example.org',
      bindDn: null,
      bindPassword: null,
      baseDn: 'ou=users,dc=example,dc=org',
      scope: 'sub',
      filter: '(objectClass=inetOrgPerson)',
      attributes: {
        login: 'uid',
        email: 'mail',
        name: 'cn',
        familyName: 'sn',
        givenName: 'givenName',
        uuid: 'uuid',
        uuidType: 'text',
        uidNumber: null,
        sub: [],
        phone: 'telephoneNumber',
        address: 'postalAddress',
      },
      groups: { source: 'memberOf', baseDn: null, filter: DEFAULT_GROUPS_FILTER, nameAttribute: 'cn' },
      startTls: false,
      insecureTls: false,
      timeoutSeconds: 10,
    });
    assert.deepEqual(warnings, []);
  });

  it('reads every setting', () => {
    const { config } = parse(
      {
        LDAP_URI: 'ldaps://ldap.example.org:1636',
        LDAP_BINDDN: 'cn=svc,dc=example,dc=org',
        LDAP_BINDPW: 'secret',
        LDAP_BASEDN: 'dc=example,dc=org',
        LDAP_SCOPE: 'one',
        LDAP_FILTER: 'objectClass=person',
        LDAP_LOGIN_ATTRIBUTE: 'sAMAccountName',
        LDAP_EMAIL_ATTRIBUTE: 'userPrincipalName',
        LDAP_NAME_ATTRIBUTE: 'displayName',
        LDAP_FAMILY_NAME_ATTRIBUTE: 'surname',
        LDAP_GIVEN_NAME_ATTRIBUTE: 'firstName',
        LDAP_UUID_ATTRIBUTE: 'objectGUID',
        LDAP_UUID_ATTRIBUTE_TYPE: 'binary',
        LDAP_UIDNUMBER_ATTRIBUTE: 'uidNumber',
        LDAP_SUB_ATTRIBUTES: ' uid  mail ',
        LDAP_PHONE_ATTRIBUTE: 'mobile',
        LDAP_ADDRESS_ATTRIBUTE: 'homePostalAddress',
        LDAP_TIMEOUT: '2.5',
        LDAP_GROUPS: 'search',
        LDAP_GROUPS_BASEDN: 'ou=groups,dc=example,dc=org',
        LDAP_GROUPS_FILTER: '(objectClass=group)',
        LDAP_GROUPS_NAME_ATTRIBUTE: 'name',
      },
      true,
    );
    assert.equal(config.uri, 'ldaps://ldap.example.org:1636');
    assert.equal(config.bindDn, 'cn=svc,dc=example,dc=org');
    assert.equal(config.bindPassword, 'secret');
    assert.equal(config.scope, 'one');
    assert.equal(config.filter, '(objectClass=person)');
    assert.deepEqual(config.attributes, {
      login: 'sAMAccountName',
      email: 'userPrincipalName',
      name: 'displayName',
      familyName: 'surname',
      givenName: 'firstName',
      uuid: 'objectGUID',
      uuidType: 'binary',
      uidNumber: 'uidNumber',
      sub: ['uid', 'mail'],
      phone: 'mobile',
      address: 'homePostalAddress',
    });
    assert.deepEqual(config.groups, {
      source: 'search',
      baseDn: 'ou=groups,dc=example,dc=org',
      filter: '(objectClass=group)',
      nameAttribute: 'name',
    });
    assert.equal(config.timeoutSeconds, 2.5);
    assert.equal(config.insecureTls, true);
  });

  const uris: [string, string][] = [
    ['ldap.example.org', 'ldap://ldap.example.org'],
    ['ldap.example.org:3890', 'ldap://ldap.example.org:3890'],
    ['LDAPS://ldap.example.org/', 'ldaps://ldap.example.org'],
    ['ldap://[::1]:389', 'ldap://[::1]:389'],
    ['ldap://127.0.0.1:389/dc=ignored', 'ldap://127.0.0.1:389'],
  ];
  for (const [given, uri] of uris) {
    it(`reads LDAP_URI ${given} as ${uri}`, () => {
      assert.equal(parse({ ...MINIMAL, LDAP_URI: given }).config.uri, uri);
    });
  }

  const invalid: [Record<string, string>, string][] = [
    [{ LDAP_URI: '', LDAP_BASEDN: 'dc=x' }, 'env LDAP_URI: required'],
    [
      { LDAP_URI: 'http://ldap.example.org', LDAP_BASEDN: 'dc=x' },
      'env LDAP_URI: "http://ldap.example.org": the scheme',
    ],
    [{ LDAP_URI: 'ldap://' }, 'env LDAP_URI: '],
    [{ LDAP_URI: 'ldap://x' }, 'env LDAP_BASEDN: required'],
    [{ ...MINIMAL, LDAP_BINDPW: 'secret' }, 'env LDAP_BINDPW: set without LDAP_BINDDN'],
    [{ ...MINIMAL, LDAP_SCOPE: 'subtree' }, 'env LDAP_SCOPE: "subtree" must be one of sub, one, base'],
    [
      { ...MINIMAL, LDAP_FILTER: '(&(objectClass=user)' },
      'env LDAP_FILTER: "(&(objectClass=user)" is not an LDAP filter',
    ],
    [
      { ...MINIMAL, LDAP_UUID_ATTRIBUTE_TYPE: 'guid' },
      'env LDAP_UUID_ATTRIBUTE_TYPE: "guid" must be one of text',
    ],
    [{ ...MINIMAL, LDAP_STARTTLS: 'maybe' }, 'env LDAP_STARTTLS: "maybe" must be yes or no'],
    [{ ...MINIMAL, LDAP_TIMEOUT: '0' }, 'env LDAP_TIMEOUT: "0" must be a number of seconds'],
    [{ ...MINIMAL, LDAP_TIMEOUT: '10s' }, 'env LDAP_TIMEOUT: "10s" must be a number of seconds'],
    [{ ...MINIMAL, LDAP_GROUPS: 'all' }, 'env LDAP_GROUPS: "all" must be one of none, memberOf, search'],
    [{ ...MINIMAL, LDAP_GROUPS_FILTER: 'objectClass=group)(' }, 'env LDAP_GROUPS_FILTER: '],
  ];
  for (const [env, expected] of invalid) {
    it(`reports ${expected.split(':')[0]} for ${JSON.stringify(env)}`, () => {
      const problems = problemsOf(env);
      assert.ok(
        problems.some((problem) => problem.startsWith(expected)),
        `${JSON.stringify(problems)} should include ${expected}`,
      );
    });
  }

  it('reports every problem at once', () => {
    const problems = problemsOf({ LDAP_BINDPW: 'x', LDAP_SCOPE: 'all', LDAP_TIMEOUT: '-1' });
    assert.deepEqual(
      problems.map((problem) => problem.split(':')[0]),
      ['env LDAP_URI', 'env LDAP_BINDPW', 'env LDAP_BASEDN', 'env LDAP_SCOPE', 'env LDAP_TIMEOUT'],
    );
  });

  it('reads LDAP_STARTTLS as yes or no, ignoring it for ldaps://', () => {
    assert.equal(parse({ ...MINIMAL, LDAP_STARTTLS: 'yes' }).config.startTls, true);
    assert.equal(parse({ ...MINIMAL, LDAP_STARTTLS: 'No' }).config.startTls, false);
    const { config, warnings } = parse({ ...MINIMAL, LDAP_URI: 'ldaps://x', LDAP_STARTTLS: 'yes' });
    assert.equal(config.startTls, false);
    assert.match(warnings[0]!, /^env LDAP_STARTTLS: ignored/);
  });

  it('chooses the groups source from what is known', () => {
    const cases: [Record<string, string>, LdapConfig['groups']['source'], string | null][] = [
      [{}, 'memberOf', null],
      [{ LDAP_GROUPS_BASEDN: 'ou=groups,dc=x' }, 'search', 'ou=groups,dc=x'],
      [{ LDAP_GROUPS: 'search' }, 'search', 'ou=users,dc=example,dc=org'],
      [{ LDAP_GROUPS: 'memberof' }, 'memberOf', null],
      [{ LDAP_GROUPS: 'none', LDAP_GROUPS_BASEDN: 'ou=groups,dc=x' }, 'none', 'ou=groups,dc=x'],
    ];
    for (const [env, source, baseDn] of cases) {
      const { groups } = parse({ ...MINIMAL, ...env }).config;
      assert.deepEqual([groups.source, groups.baseDn], [source, baseDn], JSON.stringify(env));
    }
  });

  it('warns about a bind DN without a password and about unknown LDAP_* names', () => {
    const { config, warnings } = parse({ ...MINIMAL, LDAP_BINDDN: 'cn=svc,dc=x', LDAP_FILTR: '(x=y)' });
    assert.equal(config.bindPassword, '');
    assert.deepEqual(
      warnings.map((warning) => warning.split(':')[0]),
      ['env LDAP_FILTR', 'env LDAP_BINDDN'],
    );
  });
});

describe("Cloudron's CLOUDRON_LDAP_* environment (konnect-spec §8)", () => {
  const CLOUDRON = {
    CLOUDRON_LDAP_URL: 'ldap://172.18.0.1:3002',
    CLOUDRON_LDAP_BIND_DN: 'cn=app,ou=apps,dc=cloudron',
    CLOUDRON_LDAP_BIND_PASSWORD: 'app secret',
    CLOUDRON_LDAP_USERS_BASE_DN: 'ou=users,dc=cloudron',
    CLOUDRON_LDAP_GROUPS_BASE_DN: 'ou=groups,dc=cloudron',
  };

  it("is used when LDAP_URI is not set, with Cloudron's attribute names", () => {
    const { config } = parse(CLOUDRON);
    assert.equal(config.uri, 'ldap://172.18.0.1:3002');
    assert.equal(config.bindDn, 'cn=app,ou=apps,dc=cloudron');
    assert.equal(config.bindPassword, 'app secret');
    assert.equal(config.baseDn, 'ou=users,dc=cloudron');
    assert.equal(config.filter, '(objectclass=user)');
    assert.deepEqual(
      [
        config.attributes.login,
        config.attributes.name,
        config.attributes.email,
        config.attributes.givenName,
        config.attributes.familyName,
      ],
      ['username', 'displayname', 'mail', 'givenName', 'sn'],
    );
    assert.equal(config.groups.source, 'search');
    assert.equal(config.groups.baseDn, 'ou=groups,dc=cloudron');
    assert.match(config.groups.filter, /\(objectclass=group\)/);
  });

  it('lets LDAP_* variables set alongside override single settings', () => {
    const { config } = parse({
      ...CLOUDRON,
      LDAP_LOGIN_ATTRIBUTE: 'mail',
      LDAP_FILTER: '(objectclass=inetOrgPerson)',
      LDAP_BASEDN: 'dc=cloudron',
      LDAP_GROUPS: 'memberOf',
    });
    assert.equal(config.uri, 'ldap://172.18.0.1:3002');
    assert.equal(config.attributes.login, 'mail');
    assert.equal(config.attributes.name, 'displayname');
    assert.equal(config.filter, '(objectclass=inetOrgPerson)');
    assert.equal(config.baseDn, 'dc=cloudron');
    assert.equal(config.groups.source, 'memberOf');
  });

  it('is ignored when LDAP_URI is set', () => {
    const { config } = parse({ ...CLOUDRON, ...MINIMAL });
    assert.equal(config.uri, 'ldap://ldap.example.org');
    assert.equal(config.bindDn, null);
    assert.equal(config.attributes.login, 'uid');
    assert.equal(config.groups.source, 'memberOf');
  });

  it('names the Cloudron variable in problems', () => {
    const problems = problemsOf({ CLOUDRON_LDAP_URL: 'ldap://x', CLOUDRON_LDAP_BIND_PASSWORD: 'p' });
    assert.deepEqual(
      problems.map((problem) => problem.split(':')[0]),
      ['env CLOUDRON_LDAP_BIND_PASSWORD', 'env CLOUDRON_LDAP_USERS_BASE_DN'],
    );
  });
});
