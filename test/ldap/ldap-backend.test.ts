import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runIdentityConformance } from '../../src/identity/conformance/identity-conformance.js';
import { createLdapBackend } from '../../src/identity/ldap/index.js';
import type { IdentityBackend } from '../../src/identity/types.js';
import { konnectSubject } from '../../src/tokens/subject.js';
import {
  captureLogger,
  startSlapd,
  testLdapConfig,
  type LdapConfigOverrides,
  type RunningSlapd,
} from '../helpers/slapd.js';

const ALICE = {
  username: 'alice',
  password: 'alice password',
  name: 'Alice Example',
  email: 'alice@cloudron.example',
};
const BOB = { username: 'bob', password: 'bob secret', name: 'Bob Builder', email: 'bob@cloudron.example' };
const JOHN = {
  username: 'jsmith',
  password: "john's secret",
  name: 'Smith, John',
  email: 'john.smith@cloudron.example',
};
const TESTUSER = {
  username: 'testuser',
  password: 'test',
  name: 'testuser',
  email: 'testuser@cloudron.example',
};

runIdentityConformance('ldap (slapd)', async () => {
  const slapd = await startSlapd();
  const backend = createLdapBackend(testLdapConfig(slapd), captureLogger().log);
  return {
    backend,
    users: [ALICE, BOB, JOHN, TESTUSER],
    unknownId: 'uid=nobody,ou=users,dc=cloudron',
    async close() {
      await backend.close();
      await slapd.destroy();
    },
  };
});

describe('LDAP backend against slapd', () => {
  let slapd: RunningSlapd;
  const opened: IdentityBackend[] = [];
  const backendWith = (overrides: LdapConfigOverrides = {}): IdentityBackend => {
    const backend = createLdapBackend(testLdapConfig(slapd, overrides), captureLogger().log);
    opened.push(backend);
    return backend;
  };

  before(async () => {
    slapd = await startSlapd();
  });
  after(async () => {
    for (const backend of opened) await backend.close();
    await slapd?.destroy();
  });

  it('gives testuser the sub of the konnect-spec §5.1 test vector', async () => {
    const identity = await backendWith().authenticate('testuser', 'test');
    assert.ok(identity);
    assert.equal(identity.id, 'cn=testuser,ou=users,dc=cloudron');
    assert.equal(
      konnectSubject(identity.id, 'identifier-ldap'),
      'zCcbxlB0lfIZ2HuebqoravlIb5WVT9XLe8-pakfdjnKFC9oF8J4k2Xvcoe1wJMboF7elLtNuUrwSUJzXlkPMAg@konnect',
    );
  });

  it('uses the DN exactly as the server returns it, and finds the user by either spelling', async () => {
    const backend = backendWith();
    const john = await backend.authenticate('jsmith', "john's secret");
    assert.equal(john?.id, 'cn=Smith\\2C John,ou=users,dc=cloudron');
    assert.deepEqual(await backend.getUser('cn=Smith\\, John,ou=users,dc=cloudron'), john);
  });

  it('refuses LDAP filter injection in the username without an error', async () => {
    const backend = backendWith();
    const attempts = [
      '*',
      '*)(uid=*',
      'alice)(|(uid=*',
      'alice)(uid=*))(|(uid=*',
      '\\',
      '\0',
      'alice\0',
      'ali*',
      '(uid=alice)',
    ];
    for (const username of attempts) {
      assert.equal(await backend.authenticate(username, 'alice password'), null, JSON.stringify(username));
      assert.equal(await backend.authenticate(username, '*'), null, JSON.stringify(username));
    }
    for (const id of ['*', 'uid=*,ou=users,dc=cloudron', 'uid=alice)(uid=*,ou=users,dc=cloudron', '\0']) {
      assert.equal(await backend.getUser(id), null, JSON.stringify(id));
    }
  });

  it('refuses a login that matches two entries, entries outside the filter, and padded usernames', async () => {
    const backend = backendWith({ baseDn: 'dc=cloudron' });
    assert.equal(await backend.authenticate('twin', 'twin'), null);
    assert.equal(await backend.authenticate('machine', 'machine'), null);
    assert.equal(await backend.getUser('uid=machine,ou=others,dc=cloudron'), null);
    assert.equal(await backend.authenticate(' alice', 'alice password'), null);
    assert.equal(await backend.authenticate('alice ', 'alice password'), null);
  });

  it('does not find users outside the base DN or the scope', async () => {
    const outside = backendWith({ baseDn: 'ou=groups,dc=cloudron' });
    assert.equal(await outside.authenticate('alice', 'alice password'), null);
    assert.equal(await outside.getUser('uid=alice,ou=users,dc=cloudron'), null);
    const oneLevel = backendWith({ baseDn: 'dc=cloudron', scope: 'one' });
    assert.equal(await oneLevel.authenticate('alice', 'alice password'), null);
    assert.equal(await oneLevel.getUser('uid=alice,ou=users,dc=cloudron'), null);
  });

  it('maps the configured attributes onto the identity', async () => {
    const alice = await backendWith().authenticate('ALICE', 'alice password');
    assert.deepEqual(alice, {
      id: 'uid=alice,ou=users,dc=cloudron',
      username: 'alice',
      name: 'Alice Example',
      givenName: 'Alice',
      familyName: 'Example',
      email: 'alice@cloudron.example',
      emailVerified: false,
      uuid: null,
      numericId: null,
      groups: [],
    });
    const renamed = backendWith({ attributes: { name: 'GIVENNAME', email: 'UID', login: 'MAIL' } });
    const byMail = await renamed.authenticate('alice.example@cloudron.example', 'alice password');
    assert.equal(byMail?.username, 'alice@cloudron.example');
    assert.equal(byMail?.name, 'Alice');
    assert.equal(byMail?.email, 'alice');
  });

  it('reads the uuid as text, base64 or a canonical UUID, and the numeric id', async () => {
    const text = backendWith({ attributes: { uuid: 'employeeNumber' } });
    assert.equal((await text.authenticate('testuser', 'test'))?.uuid, '3f1e2d4c-0000-4000-8000-000000000001');
    const binary = backendWith({ attributes: { uuid: 'audio', uuidType: 'binary' } });
    assert.equal((await binary.authenticate('alice', 'alice password'))?.uuid, 'a6e4EJ2tEdGAtADAT9QwyA==');
    const uuid = backendWith({ attributes: { uuid: 'audio', uuidType: 'uuid' } });
    const alice = await uuid.authenticate('alice', 'alice password');
    assert.equal(alice?.uuid, '6ba7b810-9dad-11d1-80b4-00c04fd430c8');
    assert.deepEqual(await uuid.getUser(alice!.id), alice);
    const numbered = backendWith({ attributes: { uidNumber: 'uidNumber' } });
    assert.equal((await numbered.authenticate('bob', 'bob secret'))?.numericId, 1001);
    assert.equal((await numbered.authenticate('alice', 'alice password'))?.numericId, null);
  });

  it('offers konnect/id only when a uidNumber attribute is configured', () => {
    assert.deepEqual(backendWith().extraScopes, ['konnect/uuid', 'konnect/raw_sub']);
    assert.deepEqual(backendWith({ attributes: { uidNumber: 'uidNumber' } }).extraScopes, [
      'konnect/uuid',
      'konnect/raw_sub',
      'konnect/id',
    ]);
  });

  it("lists groups from the user's memberOf, sorted, with escaped names read back", async () => {
    const backend = backendWith({ groups: { source: 'memberOf' } });
    assert.deepEqual((await backend.authenticate('testuser', 'test'))?.groups, ['admins']);
    const john = await backend.authenticate('jsmith', "john's secret");
    assert.deepEqual(john?.groups, ['R&D, Europe', 'admins']);
    assert.deepEqual((await backend.getUser(john!.id))?.groups, ['R&D, Europe', 'admins']);
    assert.deepEqual((await backend.authenticate('bob', 'bob secret'))?.groups, []);
  });

  it('lists groups by searching groupOfNames, groupOfUniqueNames and posixGroup entries', async () => {
    const backend = backendWith({ groups: { source: 'search', baseDn: 'ou=groups,dc=cloudron' } });
    const expected: [string, string, string[]][] = [
      ['testuser', 'test', ['admins', 'developers']],
      ['jsmith', "john's secret", ['R&D, Europe', 'admins', 'staff']],
      ['alice', 'alice password', ['staff']],
      ['bob', 'bob secret', ['developers']],
    ];
    for (const [username, password, groups] of expected) {
      const identity = await backend.authenticate(username, password);
      assert.deepEqual(identity?.groups, groups, username);
      assert.deepEqual((await backend.getUser(identity!.id))?.groups, groups, username);
    }
    const missing = backendWith({ groups: { source: 'search', baseDn: 'ou=nowhere,dc=cloudron' } });
    assert.deepEqual((await missing.authenticate('testuser', 'test'))?.groups, []);
  });

  it('leaves groups out when they are switched off', async () => {
    const identity = await backendWith({ groups: { source: 'none' } }).authenticate('testuser', 'test');
    assert.ok(identity);
    assert.equal('groups' in identity, false);
  });

  it('uses LDAP_SUB_ATTRIBUTES as the raw subject and finds the user by it again', async () => {
    const backend = backendWith({ attributes: { sub: ['uid', 'mail'] } });
    const alice = await backend.authenticate('alice', 'alice password');
    assert.equal(alice?.id, 'mail=alice%40cloudron.example&mail=alice.example%40cloudron.example&uid=alice');
    assert.deepEqual(await backend.getUser(alice!.id), alice);
    const john = await backend.authenticate('jsmith', "john's secret");
    assert.equal(john?.id, 'mail=john.smith%40cloudron.example&uid=jsmith');
    assert.deepEqual(await backend.getUser(john!.id), john);
    for (const id of [
      'uid=alice',
      'mail=alice%40cloudron.example&uid=alice',
      'uid=alice,ou=users,dc=cloudron',
      'cn=alice',
      'uid=*',
    ]) {
      assert.equal(await backend.getUser(id), null, id);
    }
  });

  it('serves many concurrent sign-ins over the shared service connection', async () => {
    const backend = backendWith();
    const users = [ALICE, BOB, JOHN, TESTUSER];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, index) => users[index % users.length]!).map((user) =>
        backend.authenticate(user.username, user.password),
      ),
    );
    results.forEach((identity, index) =>
      assert.equal(identity?.username, users[index % users.length]!.username),
    );
  });
});
