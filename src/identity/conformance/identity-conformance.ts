import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Identity, IdentityBackend } from '../types.js';

/** A user the setup has put into the backend, with the password that signs them in. */
export interface ConformanceUser {
  readonly username: string;
  readonly password: string;
  readonly name: string;
  readonly email: string;
}

/** What a backend's setup hands to the suite. */
export interface ConformanceFixture {
  readonly backend: IdentityBackend;
  /** At least two users; every username contains at least one letter. */
  readonly users: readonly ConformanceUser[];
  /**
   * An id that names no user but is well-formed for this backend (an LDAP DN under the base,
   * say). Defaults to a random UUID.
   */
  readonly unknownId?: string;
  close(): Promise<void>;
}

/**
 * The behaviour every `IdentityBackend` promises (see `identity/types.ts`), as one node:test
 * suite. Each implementation's test file calls this with a setup that returns a backend
 * holding the listed users; the suite calls `close` when done.
 */
export function runIdentityConformance(name: string, setup: () => Promise<ConformanceFixture>): void {
  describe(`identity backend conformance: ${name}`, () => {
    let fixture: ConformanceFixture;
    let alice: ConformanceUser;
    let bob: ConformanceUser;

    before(async () => {
      fixture = await setup();
      assert.ok(fixture.users.length >= 2, 'the conformance setup must provide at least two users');
      [alice, bob] = fixture.users as [ConformanceUser, ConformanceUser];
      for (const user of fixture.users) {
        assert.match(user.username, /\p{L}/u, 'conformance usernames must contain a letter');
      }
    });
    after(async () => {
      await fixture?.close();
    });

    const signIn = (username: string, password: string): Promise<Identity | null> =>
      fixture.backend.authenticate(username, password);

    it('names a subject namespace for the keyed subject hash', () => {
      assert.equal(typeof fixture.backend.subjectNamespace, 'string');
      assert.ok(fixture.backend.subjectNamespace.length > 0);
    });

    it('signs a user in with the right password and returns their name and email', async () => {
      for (const user of fixture.users) {
        const identity = await signIn(user.username, user.password);
        assert.ok(identity, `${user.username} should be signed in`);
        assert.equal(typeof identity.id, 'string');
        assert.ok(identity.id.length > 0);
        assert.equal(identity.username.toLowerCase(), user.username.toLowerCase());
        assert.equal(identity.name, user.name);
        assert.equal(identity.email, user.email);
        assert.equal(typeof identity.emailVerified, 'boolean');
      }
    });

    it('refuses a wrong password with null, without saying why', async () => {
      assert.equal(await signIn(alice.username, `${alice.password}x`), null);
      assert.equal(await signIn(alice.username, otherCase(alice.password)), null);
      assert.equal(await signIn(alice.username, ` ${alice.password}`), null);
    });

    it("refuses another user's password", async () => {
      assert.equal(await signIn(alice.username, bob.password), null);
      assert.equal(await signIn(bob.username, alice.password), null);
    });

    it('refuses an unknown user with the same null as a wrong password', async () => {
      const unknown = `nobody-${randomUUID().slice(0, 8)}`;
      assert.equal(await signIn(unknown, alice.password), null);
      assert.equal(await signIn(unknown, 'some password'), null);
    });

    it('refuses an empty password even for a real user', async () => {
      assert.equal(await signIn(alice.username, ''), null);
      assert.equal(await signIn('', ''), null);
    });

    it('matches the username case-insensitively', async () => {
      const exact = await signIn(alice.username, alice.password);
      const upper = await signIn(alice.username.toUpperCase(), alice.password);
      const lower = await signIn(alice.username.toLowerCase(), alice.password);
      assert.ok(exact && upper && lower);
      assert.equal(upper.id, exact.id);
      assert.equal(lower.id, exact.id);
    });

    it('keeps the same id across two sign-ins and gives different users different ids', async () => {
      const first = await signIn(alice.username, alice.password);
      const second = await signIn(alice.username, alice.password);
      const other = await signIn(bob.username, bob.password);
      assert.ok(first && second && other);
      assert.equal(second.id, first.id);
      assert.notEqual(other.id, first.id);
    });

    it('looks a signed-in user up again by the returned id', async () => {
      for (const user of fixture.users) {
        const identity = await signIn(user.username, user.password);
        assert.ok(identity);
        const again = await fixture.backend.getUser(identity.id);
        assert.deepEqual(again, identity);
      }
    });

    it('returns null for an id that names no user', async () => {
      assert.equal(await fixture.backend.getUser(fixture.unknownId ?? randomUUID()), null);
    });
  });
}

/** The same text with a different case (passwords are case-sensitive), or altered if it has none. */
function otherCase(text: string): string {
  const upper = text.toUpperCase();
  if (upper !== text) return upper;
  const lower = text.toLowerCase();
  return lower !== text ? lower : `${text}!`;
}
