import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestRecord } from '../storage/types.js';
import { guestIdentity } from './guest/guest.js';
import { konnectIdentityClaims } from './konnect-identity-claims.js';
import type { Identity } from './types.js';

const alice: Identity = {
  id: 'uid=alice,ou=users,dc=example',
  username: 'alice',
  name: 'Alice Liddell',
  givenName: 'Alice',
  familyName: 'Liddell',
  email: 'alice@example.org',
  emailVerified: true,
  groups: ['staff'],
};

const guest = (fields: Partial<GuestRecord> = {}): GuestRecord => ({
  id: 'p2Qx8tVw4mZbR7nK1sLc9dHf3jGy6aEu@1.kwmguest',
  name: null,
  email: null,
  emailVerified: false,
  givenName: null,
  familyName: null,
  ...fields,
});

describe('konnectIdentityClaims (kopano-meet.md req. 21, 38)', () => {
  it('gives kwmserver and kapi the user id, username and display name', () => {
    assert.deepEqual(konnectIdentityClaims(alice, null), {
      'kc.i.id': 'uid=alice,ou=users,dc=example',
      'kc.i.un': 'alice',
      'kc.i.dn': 'Alice Liddell',
    });
  });

  it('sends an empty display name for a user without one, as Konnect does', () => {
    assert.deepEqual(konnectIdentityClaims({ ...alice, name: null }, null), {
      'kc.i.id': 'uid=alice,ou=users,dc=example',
      'kc.i.un': 'alice',
      'kc.i.dn': '',
    });
  });

  it("marks a Meet guest as a guest, with kwmserver's display name", () => {
    const bob = guest({ name: '(Guest) Bob' });
    assert.deepEqual(konnectIdentityClaims(guestIdentity(bob), bob), {
      'kc.i.id': 'p2Qx8tVw4mZbR7nK1sLc9dHf3jGy6aEu@1.kwmguest',
      'kc.i.guest': true,
      'kc.i.da': { n: '(Guest) Bob' },
    });
  });

  it('carries all guest data, with ev 1 for a verified e-mail', () => {
    const bob = guest({
      name: 'Bob Builder',
      email: 'bob@example.org',
      emailVerified: true,
      givenName: 'Bob',
      familyName: 'Builder',
    });
    const claims = konnectIdentityClaims(guestIdentity(bob), bob);
    assert.deepEqual(claims['kc.i.da'], {
      e: 'bob@example.org',
      ev: 1,
      n: 'Bob Builder',
      nf: 'Builder',
      ng: 'Bob',
    });
    assert.deepEqual(Object.keys(claims['kc.i.da'] as object), ['e', 'ev', 'n', 'nf', 'ng']);
    assert.ok(!('kc.i.un' in claims));
  });

  it('leaves out empty guest data and an unverified flag', () => {
    const bob = guest({ email: 'bob@example.org', name: '' });
    assert.deepEqual(konnectIdentityClaims(guestIdentity(bob), bob)['kc.i.da'], { e: 'bob@example.org' });
    assert.deepEqual(konnectIdentityClaims(guestIdentity(guest()), guest())['kc.i.da'], {});
  });

  it('refuses a guest record that does not belong to the identity', () => {
    assert.throws(() => konnectIdentityClaims(alice, guest()), TypeError);
  });
});
