import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterParser } from 'ldapts';
import { andFilter, equalityFilter, escapeFilterValue, orFilter, parenthesize } from './filter.js';

describe('LDAP filter escaping (RFC 4515 §3)', () => {
  const cases: [string, string][] = [
    ['alice', 'alice'],
    ['*', '\\2a'],
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['alice)(|(uid=*', 'alice\\29\\28|\\28uid=\\2a'],
    ['\\', '\\5c'],
    ['a\0b', 'a\\00b'],
    ['cn=Smith\\2C John,ou=users', 'cn=Smith\\5c2C John,ou=users'],
    ['jürgen ø', 'jürgen ø'],
  ];
  for (const [value, escaped] of cases) {
    it(`escapes ${JSON.stringify(value)} so it stays one assertion value`, () => {
      assert.equal(escapeFilterValue(value), escaped);
      const parsed = FilterParser.parseString(equalityFilter('uid', value)) as unknown as { value: string };
      assert.equal(parsed.value, value);
    });
  }

  it('adds missing outer parentheses to a configured filter', () => {
    assert.equal(parenthesize('objectClass=user'), '(objectClass=user)');
    assert.equal(parenthesize(' (objectClass=user) '), '(objectClass=user)');
  });

  it('combines filters, leaving a single one as it is', () => {
    assert.equal(andFilter(['(a=1)']), '(a=1)');
    assert.equal(andFilter(['(a=1)', '(b=2)']), '(&(a=1)(b=2))');
    assert.equal(orFilter(['(a=1)', '(b=2)']), '(|(a=1)(b=2))');
  });
});
