import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Identity } from '../identity/types.js';
import { konnectSubject } from '../tokens/subject.js';
import { publicSubject, userSubject } from './grant-subject.js';

const user: Identity = {
  id: 'cn=testuser,ou=users,dc=cloudron',
  username: 'testuser',
  name: null,
  givenName: null,
  familyName: null,
  email: null,
  emailVerified: false,
};
const HASHED =
  'zCcbxlB0lfIZ2HuebqoravlIb5WVT9XLe8-pakfdjnKFC9oF8J4k2Xvcoe1wJMboF7elLtNuUrwSUJzXlkPMAg@konnect';

describe('subjects (konnect-spec §5.1)', () => {
  it("derives Konnect's keyed hash as the public subject", () => {
    assert.equal(publicSubject(user, 'identifier-ldap'), HASHED);
    assert.equal(publicSubject(user, 'identifier-ldap'), konnectSubject(user.id, 'identifier-ldap'));
  });

  it('gives ID token and userinfo the raw id only under konnect/raw_sub', () => {
    assert.equal(userSubject(user, 'identifier-ldap', ['openid', 'konnect/raw_sub']), user.id);
    assert.equal(userSubject(user, 'identifier-ldap', ['openid']), HASHED);
  });

  it('treats konnect/hashed_sub as the default', () => {
    assert.equal(userSubject(user, 'identifier-ldap', ['openid', 'konnect/hashed_sub']), HASHED);
  });
});
