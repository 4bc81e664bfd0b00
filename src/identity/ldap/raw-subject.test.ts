import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRawSubject, encodeRawSubject, queryEscape } from './raw-subject.js';

describe('raw subject from LDAP_SUB_ATTRIBUTES (konnect-spec §5.1)', () => {
  it("escapes values like Go's url.QueryEscape", () => {
    const cases: [string, string][] = [
      ['alice', 'alice'],
      ['a b', 'a+b'],
      ['alice@example.org', 'alice%40example.org'],
      ["-_.~!*'()", '-_.~%21%2A%27%28%29'],
      ['a+b&c=d', 'a%2Bb%26c%3Dd'],
      ['jürgen', 'j%C3%BCrgen'],
      ['/?#[]', '%2F%3F%23%5B%5D'],
    ];
    for (const [value, escaped] of cases) assert.equal(queryEscape(value), escaped, value);
  });

  it('sorts the keys and lists every value of each attribute in order', () => {
    const encoded = encodeRawSubject(
      new Map([
        ['uid', ['alice']],
        ['mail', ['alice@example.org', 'a.b c@example.org']],
        ['employeeNumber', []],
      ]),
    );
    assert.equal(encoded, 'mail=alice%40example.org&mail=a.b+c%40example.org&uid=alice');
  });

  it('sorts keys by code unit, so upper case comes first as in Go', () => {
    assert.equal(
      encodeRawSubject(
        new Map([
          ['uid', ['x']],
          ['Mail', ['y']],
        ]),
      ),
      'Mail=y&uid=x',
    );
  });

  it('gives an empty id when no attribute has a value', () => {
    assert.equal(encodeRawSubject(new Map([['uid', []]])), '');
  });

  it('reads an encoding back into the same pairs', () => {
    const attributes = new Map([
      ['mail', ['alice@example.org', 'x&y=z+1']],
      ['uid', ['älice b']],
    ]);
    assert.deepEqual(decodeRawSubject(encodeRawSubject(attributes)), [
      ['mail', 'alice@example.org'],
      ['mail', 'x&y=z+1'],
      ['uid', 'älice b'],
    ]);
  });

  it('refuses strings that are not such an encoding', () => {
    for (const bad of ['', 'uid', '=alice', 'uid=a&', 'uid=%zz', 'cn=testuser,ou=users&x']) {
      assert.equal(decodeRawSubject(bad), null, bad);
    }
  });
});
