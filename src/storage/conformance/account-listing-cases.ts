import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Storage } from '../types.js';
import { MINUTE, T0, aSession, useStorage } from './fixtures.js';

/** What the account page lists: a user's live sessions and consents (`listByUser`). */
export function describeAccountListingCases(factory: () => Promise<Storage>): void {
  describe('sessions.listByUser', () => {
    const storage = useStorage(factory);

    it('lists only the live sessions of that user, by id in code unit order', async () => {
      const s = storage();
      // Upper case sorts before lower case in code units, after it in most collations.
      const a = aSession({ id: 'b-session', secretHash: 'hash-b' });
      const b = aSession({ id: 'A-session', secretHash: 'hash-a' });
      const c = aSession({ id: 'c-session', secretHash: 'hash-c', expiresAt: T0 + MINUTE });
      await s.sessions.create(a);
      await s.sessions.create(b);
      await s.sessions.create(c);
      await s.sessions.create(aSession({ id: 'other', secretHash: 'hash-o', userId: 'user-2' }));
      assert.deepEqual(await s.sessions.listByUser('user-1', T0), [b, a, c]);
      assert.deepEqual(await s.sessions.listByUser('user-1', T0 + MINUTE), [b, a], 'expired one left out');
      assert.deepEqual(await s.sessions.listByUser('nobody', T0), []);
    });

    it('no longer lists a deleted session', async () => {
      const s = storage();
      await s.sessions.create(aSession());
      await s.sessions.delete('session-1');
      assert.deepEqual(await s.sessions.listByUser('user-1', T0), []);
    });
  });

  describe('consents.listByUser', () => {
    const storage = useStorage(factory);
    const consent = (clientId: string, userId = 'user-1') => ({
      userId,
      clientId,
      scopes: ['openid', 'profile'],
      createdAt: T0,
    });

    it("lists the user's consents by client id in code unit order, and no one else's", async () => {
      const s = storage();
      await s.consents.put(consent('wiki'));
      await s.consents.put(consent('Chat'));
      await s.consents.put(consent('apps'));
      await s.consents.put(consent('wiki', 'user-2'));
      assert.deepEqual(await s.consents.listByUser('user-1'), [
        consent('Chat'),
        consent('apps'),
        consent('wiki'),
      ]);
      assert.deepEqual(await s.consents.listByUser('nobody'), []);
    });

    it('shows a replaced consent once, with its new scopes, and drops a deleted one', async () => {
      const s = storage();
      await s.consents.put(consent('wiki'));
      await s.consents.put({ ...consent('wiki'), scopes: ['openid', 'email'], createdAt: T0 + MINUTE });
      await s.consents.put(consent('chat'));
      await s.consents.delete('user-1', 'chat');
      assert.deepEqual(await s.consents.listByUser('user-1'), [
        { ...consent('wiki'), scopes: ['openid', 'email'], createdAt: T0 + MINUTE },
      ]);
    });
  });
}
