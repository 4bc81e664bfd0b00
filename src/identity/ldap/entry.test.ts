import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from 'ldapts';
import { firstText, formatUuid, parseNumericId, textValues } from './entry.js';

describe('reading LDAP entries', () => {
  const entry: Entry = {
    dn: 'uid=a,dc=x',
    Mail: ['', 'a@x.org', 'b@x.org'],
    cn: 'A',
    jpegPhoto: Buffer.from([1, 2]),
  };

  it('finds attributes whatever their case and uses the first non-empty value', () => {
    assert.equal(firstText(entry, 'mail'), 'a@x.org');
    assert.deepEqual(textValues(entry, 'MAIL'), ['', 'a@x.org', 'b@x.org']);
    assert.equal(firstText(entry, 'CN'), 'A');
    assert.equal(firstText(entry, 'sn'), null);
    assert.equal(firstText(entry, 'dn'), null);
  });

  it('formats the uuid attribute per LDAP_UUID_ATTRIBUTE_TYPE', () => {
    const bytes = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
    assert.equal(formatUuid(bytes, 'uuid'), '6ba7b810-9dad-11d1-80b4-00c04fd430c8');
    assert.equal(formatUuid(bytes, 'binary'), 'a6e4EJ2tEdGAtADAT9QwyA==');
    assert.equal(formatUuid(Buffer.from('some-text-id'), 'text'), 'some-text-id');
    assert.equal(formatUuid(Buffer.from([1, 2, 3]), 'uuid'), null);
    assert.equal(formatUuid(null, 'text'), null);
  });

  it('reads numeric ids as safe integers only', () => {
    assert.equal(parseNumericId('1001'), 1001);
    assert.equal(parseNumericId(' -5 '), -5);
    assert.equal(parseNumericId('10a'), null);
    assert.equal(parseNumericId('99999999999999999999'), null);
    assert.equal(parseNumericId(null), null);
  });
});
