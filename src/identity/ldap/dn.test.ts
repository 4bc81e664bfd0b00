import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstRdnValue, isWithinScope, parseDn } from './dn.js';

describe('distinguished names (RFC 4514)', () => {
  it('reads the first RDN value, undoing both escape styles', () => {
    const cases: [string, string | null][] = [
      ['cn=admins,ou=groups,dc=cloudron', 'admins'],
      ['cn=R&D\\2C Europe,ou=groups,dc=cloudron', 'R&D, Europe'],
      ['cn=Smith\\, John,ou=users,dc=cloudron', 'Smith, John'],
      ['CN = spaced , dc=x', 'spaced'],
      ['cn=J\\C3\\BCrgen,dc=x', 'Jürgen'],
      ['cn=Jürgen,dc=x', 'Jürgen'],
      ['cn=a\\+b+uid=c,dc=x', 'a+b'],
      ['cn=trailing\\ ,dc=x', 'trailing '],
      ['not a dn', null],
      ['cn=x,', null],
      ['cn=x\\', null],
    ];
    for (const [dn, value] of cases) assert.equal(firstRdnValue(dn), value, dn);
  });

  it('parses multi-valued RDNs and the root DN', () => {
    assert.deepEqual(parseDn(''), []);
    assert.deepEqual(parseDn('cn=a+uid=b,dc=x'), [
      [
        { type: 'cn', value: 'a' },
        { type: 'uid', value: 'b' },
      ],
      [{ type: 'dc', value: 'x' }],
    ]);
  });

  it('tells whether an entry lies within a base and scope, ignoring case and spacing', () => {
    const base = 'ou=users,dc=cloudron';
    const cases: [string, 'base' | 'one' | 'sub', boolean][] = [
      ['uid=alice,ou=users,dc=cloudron', 'sub', true],
      ['uid=alice, OU=Users, dc=Cloudron', 'sub', true],
      ['cn=Smith\\2C John,ou=users,dc=cloudron', 'one', true],
      ['uid=x,ou=sub,ou=users,dc=cloudron', 'one', false],
      ['uid=x,ou=sub,ou=users,dc=cloudron', 'sub', true],
      ['ou=users,dc=cloudron', 'base', true],
      ['uid=alice,ou=users,dc=cloudron', 'base', false],
      ['uid=alice,ou=others,dc=cloudron', 'sub', false],
      ['dc=cloudron', 'sub', false],
      ['uid=evil,ou=users,dc=cloudron,dc=evil', 'sub', false],
      ['garbage', 'sub', false],
    ];
    for (const [dn, scope, expected] of cases)
      assert.equal(isWithinScope(dn, base, scope), expected, `${dn} ${scope}`);
  });
});
