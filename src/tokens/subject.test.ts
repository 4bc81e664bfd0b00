import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { konnectSubject } from './subject.js';

describe('konnectSubject (konnect-spec §5.1)', () => {
  it('gives an LDAP DN the same subject Konnect gives it', () => {
    assert.equal(
      konnectSubject('cn=testuser,ou=users,dc=cloudron', 'identifier-ldap'),
      'zCcbxlB0lfIZ2HuebqoravlIb5WVT9XLe8-pakfdjnKFC9oF8J4k2Xvcoe1wJMboF7elLtNuUrwSUJzXlkPMAg@konnect',
    );
    assert.equal(
      konnectSubject('uid=testuser', 'identifier-ldap'),
      'SehTt6Eb7tVRy7BMJjVCSX9lTyw3wdO_41F4o-Lwi9VsIfwW7LglIhaW5xlW2tM6znLcfNYJoKlF0cg3x78ADQ@konnect',
    );
  });

  it('is always 94 characters, whatever the input', () => {
    for (const raw of ['', 'a', 'x'.repeat(10_000), 'cn=Jürgen Ümlaut,dc=example']) {
      assert.equal(konnectSubject(raw, 'identifier-ldap').length, 94);
    }
  });

  it('gives the same subjects once many others were computed since', () => {
    const dn = 'cn=testuser,ou=users,dc=cloudron';
    const first = konnectSubject(dn, 'identifier-ldap');
    const others = Array.from({ length: 12_000 }, (_, i) => konnectSubject(`uid=u${i}`, 'identifier-ldap'));
    assert.equal(new Set(others).size, others.length);
    assert.equal(konnectSubject(dn, 'identifier-ldap'), first);
    assert.equal(konnectSubject('uid=u0', 'identifier-ldap'), others[0]);
    assert.equal(konnectSubject('uid=u11999', 'identifier-ldap'), others[11_999]);
  });

  it('differs between backends for the same raw id', () => {
    assert.notEqual(
      konnectSubject('uid=testuser', 'identifier-ldap'),
      konnectSubject('uid=testuser', 'identifier-builtin'),
    );
  });
});
