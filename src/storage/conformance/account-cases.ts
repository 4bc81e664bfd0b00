import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StorageError, type Storage } from '../types.js';
import {
  MINUTE,
  T0,
  aGrant,
  aRefreshToken,
  aSession,
  aStoredInteraction,
  aStoredUser,
  aUser,
  anInteraction,
  useStorage,
} from './fixtures.js';

async function rejectsWith(promise: Promise<unknown>, kind: StorageError['kind']): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof StorageError && error.kind === kind);
}

/** Users, sessions, interactions, consents, the throttle, and user removal. */
export function describeAccountCases(factory: () => Promise<Storage>): void {
  describe('users', () => {
    const storage = useStorage(factory);

    it('returns null for an unknown user id or username', async () => {
      assert.equal(await storage().users.getById('nobody'), null);
      assert.equal(await storage().users.getByUsername('nobody'), null);
    });

    it('stores a user and finds it by id and by username in any letter case', async () => {
      await storage().users.create(aUser());
      assert.deepEqual(await storage().users.getById('user-1'), aStoredUser());
      assert.deepEqual(await storage().users.getByUsername('alice'), aStoredUser());
      assert.deepEqual(await storage().users.getByUsername('ALICE'), aStoredUser());
    });

    it('keeps null fields and an unverified email as given', async () => {
      const bare = aUser({
        email: null,
        emailVerified: false,
        name: null,
        givenName: null,
        familyName: null,
      });
      await storage().users.create(bare);
      assert.deepEqual(await storage().users.getById('user-1'), aStoredUser(bare));
    });

    it('refuses a username that differs only in letter case with a conflict', async () => {
      await storage().users.create(aUser());
      await rejectsWith(storage().users.create(aUser({ id: 'user-2', username: 'aLICE' })), 'conflict');
      assert.equal((await storage().users.list()).length, 1);
    });

    it('refuses a second user with the same id with a conflict', async () => {
      await storage().users.create(aUser());
      await rejectsWith(storage().users.create(aUser({ username: 'bob' })), 'conflict');
    });

    it('lists users ordered by username', async () => {
      await storage().users.create(aUser({ id: 'u-c', username: 'carol' }));
      await storage().users.create(aUser({ id: 'u-a', username: 'Alice' }));
      await storage().users.create(aUser({ id: 'u-b', username: 'bob' }));
      assert.deepEqual(
        (await storage().users.list()).map((u) => u.username),
        ['Alice', 'bob', 'carol'],
      );
    });

    it('updates only the given fields and the update time', async () => {
      await storage().users.create(aUser());
      assert.equal(
        await storage().users.update(
          'user-1',
          { email: null, emailVerified: false, passwordHash: 'new' },
          T0 + 5,
        ),
        true,
      );
      assert.deepEqual(
        await storage().users.getById('user-1'),
        aStoredUser({ email: null, emailVerified: false, passwordHash: 'new', updatedAt: T0 + 5 }),
      );
    });

    it('reports false when updating or removing an unknown user', async () => {
      assert.equal(await storage().users.update('nobody', { name: 'x' }, T0), false);
      assert.equal(await storage().users.remove('nobody'), false);
    });

    it('frees the username of a removed user', async () => {
      await storage().users.create(aUser());
      assert.equal(await storage().users.remove('user-1'), true);
      assert.equal(await storage().users.getById('user-1'), null);
      assert.equal(await storage().users.getByUsername('alice'), null);
      await storage().users.create(aUser({ id: 'user-2', username: 'ALICE' }));
    });

    it("removing a user ends their sessions, consents, grants and refresh tokens, but not other users'", async () => {
      const s = storage();
      await s.users.create(aUser());
      await s.users.create(aUser({ id: 'user-2', username: 'bob' }));
      await s.sessions.create(aSession());
      await s.sessions.create(aSession({ id: 'session-2', secretHash: 'sh-2', userId: 'user-2' }));
      await s.consents.put({ userId: 'user-1', clientId: 'client-1', scopes: ['openid'], createdAt: T0 });
      await s.consents.put({ userId: 'user-2', clientId: 'client-1', scopes: ['openid'], createdAt: T0 });
      await s.grants.create(aGrant());
      await s.grants.create(aGrant({ id: 'grant-2', userId: 'user-2' }));
      await s.refreshTokens.create(aRefreshToken());
      await s.refreshTokens.create(
        aRefreshToken({ tokenHash: 'rt-2', grantId: 'grant-2', userId: 'user-2' }),
      );

      assert.equal(await s.users.remove('user-1'), true);

      assert.equal(await s.sessions.get('session-1', T0), null);
      assert.equal(await s.consents.get('user-1', 'client-1'), null);
      assert.equal(await s.grants.get('grant-1'), null);
      assert.equal(await s.refreshTokens.get('refresh-hash-1'), null);
      assert.notEqual(await s.sessions.get('session-2', T0), null);
      assert.notEqual(await s.consents.get('user-2', 'client-1'), null);
      assert.notEqual(await s.grants.get('grant-2'), null);
      assert.notEqual(await s.refreshTokens.get('rt-2'), null);
    });
  });

  describe('sessions', () => {
    const storage = useStorage(factory);

    it('returns null for an unknown session', async () => {
      assert.equal(await storage().sessions.get('nope', T0), null);
      assert.equal(await storage().sessions.getBySecretHash('nope', T0), null);
    });

    it('finds a live session by id and by secret hash', async () => {
      await storage().sessions.create(aSession());
      assert.deepEqual(await storage().sessions.get('session-1', T0), aSession());
      assert.deepEqual(
        await storage().sessions.getBySecretHash('session-secret-hash-1', T0 + MINUTE),
        aSession(),
      );
    });

    it('hides a session from the moment it expires', async () => {
      await storage().sessions.create(aSession());
      const end = aSession().expiresAt;
      assert.notEqual(await storage().sessions.get('session-1', end - 1), null);
      assert.equal(await storage().sessions.get('session-1', end), null);
      assert.equal(await storage().sessions.getBySecretHash('session-secret-hash-1', end), null);
    });

    it('touch records the last activity without extending the absolute end', async () => {
      await storage().sessions.create(aSession());
      await storage().sessions.touch('session-1', T0 + 7 * MINUTE);
      assert.deepEqual(
        await storage().sessions.get('session-1', T0),
        aSession({ lastSeenAt: T0 + 7 * MINUTE }),
      );
      await storage().sessions.touch('unknown', T0); // no error
    });

    it('a deleted session is gone, by id and by secret', async () => {
      await storage().sessions.create(aSession());
      await storage().sessions.delete('session-1');
      assert.equal(await storage().sessions.get('session-1', T0), null);
      assert.equal(await storage().sessions.getBySecretHash('session-secret-hash-1', T0), null);
      await storage().sessions.delete('session-1'); // idempotent
    });
  });

  describe('interactions', () => {
    const storage = useStorage(factory);

    it('returns null for an unknown interaction', async () => {
      assert.equal(await storage().interactions.get('nope', T0), null);
    });

    it('keeps the authorization request as given, nested values included', async () => {
      await storage().interactions.create(anInteraction());
      assert.deepEqual(await storage().interactions.get('interaction-1', T0), aStoredInteraction());
    });

    it('hides an interaction from the moment it expires', async () => {
      await storage().interactions.create(anInteraction());
      assert.notEqual(await storage().interactions.get('interaction-1', T0 + 10 * MINUTE - 1), null);
      assert.equal(await storage().interactions.get('interaction-1', T0 + 10 * MINUTE), null);
    });

    it('setSession attaches and detaches the signed-in session', async () => {
      await storage().interactions.create(anInteraction());
      await storage().interactions.setSession('interaction-1', 'session-9');
      assert.equal((await storage().interactions.get('interaction-1', T0))?.sessionId, 'session-9');
      await storage().interactions.setSession('interaction-1', null);
      assert.equal((await storage().interactions.get('interaction-1', T0))?.sessionId, null);
    });

    it('a deleted interaction is gone', async () => {
      await storage().interactions.create(anInteraction());
      await storage().interactions.delete('interaction-1');
      assert.equal(await storage().interactions.get('interaction-1', T0), null);
    });
  });

  describe('consents', () => {
    const storage = useStorage(factory);
    const consent = {
      userId: 'user-1',
      clientId: 'client-1',
      scopes: ['openid', 'email', 'profile'],
      createdAt: T0,
    };

    it('returns null when the user never consented to the client', async () => {
      assert.equal(await storage().consents.get('user-1', 'client-1'), null);
    });

    it('remembers a consent with its scopes in order', async () => {
      await storage().consents.put(consent);
      assert.deepEqual(await storage().consents.get('user-1', 'client-1'), consent);
      assert.equal(await storage().consents.get('user-1', 'client-2'), null);
    });

    it('a new consent replaces the earlier one for the same user and client', async () => {
      await storage().consents.put(consent);
      const later = { ...consent, scopes: ['openid'], createdAt: T0 + MINUTE };
      await storage().consents.put(later);
      assert.deepEqual(await storage().consents.get('user-1', 'client-1'), later);
    });

    it('a deleted consent is gone and other clients keep theirs', async () => {
      await storage().consents.put(consent);
      await storage().consents.put({ ...consent, clientId: 'client-2' });
      await storage().consents.delete('user-1', 'client-1');
      assert.equal(await storage().consents.get('user-1', 'client-1'), null);
      assert.notEqual(await storage().consents.get('user-1', 'client-2'), null);
    });
  });

  describe('throttle', () => {
    const storage = useStorage(factory);

    it('counts failures of one key within the sliding window', async () => {
      const t = storage().throttle;
      assert.equal(await t.count('alice', T0, MINUTE), 0);
      assert.equal(await t.hit('alice', T0, MINUTE), 1);
      assert.equal(await t.hit('alice', T0 + 30_000, MINUTE), 2);
      assert.equal(await t.hit('bob', T0 + 30_000, MINUTE), 1);
      assert.equal(await t.count('alice', T0 + 30_000, MINUTE), 2);
      // The first failure leaves the window exactly one window length after it.
      assert.equal(await t.count('alice', T0 + MINUTE, MINUTE), 1);
      assert.equal(await t.hit('alice', T0 + 80_000, MINUTE), 2);
      assert.equal(await t.count('alice', T0 + 200_000, MINUTE), 0);
    });

    it('release withdraws one of two hits of a key at the same millisecond, and the other stays', async () => {
      const t = storage().throttle;
      await t.hit('alice', T0, MINUTE);
      await t.hit('alice', T0, MINUTE);
      await t.release('alice', T0);
      assert.equal(await t.count('alice', T0, MINUTE), 1);
      await t.release('alice', T0);
      assert.equal(await t.count('alice', T0, MINUTE), 0);
      await t.release('alice', T0);
      assert.equal(await t.count('alice', T0, MINUTE), 0, 'releasing what is not there changes nothing');
      assert.equal(await t.hit('alice', T0, MINUTE), 1);
    });

    it('release withdraws a hit of one key at one moment only', async () => {
      const t = storage().throttle;
      await t.hit('alice', T0, MINUTE);
      await t.hit('alice', T0 + 1, MINUTE);
      await t.hit('bob', T0 + 1, MINUTE);
      await t.release('alice', T0 + 1);
      assert.equal(await t.count('alice', T0 + 1, MINUTE), 1);
      assert.equal(await t.count('bob', T0 + 1, MINUTE), 1);
      await t.release('nobody', T0);
    });

    it('clear forgets the failures of one key only', async () => {
      const t = storage().throttle;
      await t.hit('alice', T0, MINUTE);
      await t.hit('bob', T0, MINUTE);
      await t.clear('alice');
      assert.equal(await t.count('alice', T0, MINUTE), 0);
      assert.equal(await t.count('bob', T0, MINUTE), 1);
    });
  });
}
