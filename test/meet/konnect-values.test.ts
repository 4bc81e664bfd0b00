// The Meet tests compare Sesame's values with these helpers, so the helpers are pinned to
// known answers first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { konnectSubject } from './konnect-values.js';

describe("Konnect's derived values, as the Meet tests compute them", () => {
  it("gives the konnect-spec §5.1 sub for the test vector's DN", () => {
    assert.equal(
      konnectSubject('cn=testuser,ou=users,dc=cloudron', 'identifier-ldap'),
      'zCcbxlB0lfIZ2HuebqoravlIb5WVT9XLe8-pakfdjnKFC9oF8J4k2Xvcoe1wJMboF7elLtNuUrwSUJzXlkPMAg@konnect',
    );
  });

  it('keys the guest sub by the manager name, so a guest id never collides with a DN', () => {
    const id = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345@1.kwmguest';
    assert.notEqual(konnectSubject(id, 'guest'), konnectSubject(id, 'identifier-ldap'));
    assert.match(konnectSubject(id, 'guest'), /^[A-Za-z0-9_-]{86}@konnect$/);
  });
});
