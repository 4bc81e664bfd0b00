import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StorageError, type BackchannelDeliveryRecord, type Storage } from '../types.js';
import { MINUTE, T0, aDelivery, aGrant, useStorage } from './fixtures.js';

const LEASE = 30_000;

/**
 * Back-channel logout (OpenID Connect Back-Channel Logout 1.0): the clients a browser session
 * signed in to, and the queue of logout tokens to deliver, whose claims are leases that two
 * workers never hold on one delivery at once.
 */
export function describeBackchannelCases(factory: () => Promise<Storage>): void {
  describeClientsOfSession(factory);
  describeDeliveryQueue(factory);
}

function describeClientsOfSession(factory: () => Promise<Storage>): void {
  describe('the clients a browser session signed in to', () => {
    const storage = useStorage(factory);

    it('are none for a session with no grant', async () => {
      await storage().grants.create(aGrant({ sessionId: 'session-2' }));
      assert.deepEqual(await storage().grants.clientsOfSession('session-1'), []);
    });

    it('are each client with a grant in that session, once, sorted, and no other session’s', async () => {
      const grants = storage().grants;
      await grants.create(aGrant({ id: 'g1', clientId: 'zeta' }));
      await grants.create(aGrant({ id: 'g2', clientId: 'alpha' }));
      await grants.create(aGrant({ id: 'g3', clientId: 'zeta', userId: 'user-2' }));
      await grants.create(aGrant({ id: 'g4', clientId: 'Beta' }));
      await grants.create(aGrant({ id: 'g5', clientId: 'älpha' }));
      await grants.create(aGrant({ id: 'other-session', clientId: 'gamma', sessionId: 'session-2' }));
      await grants.create(aGrant({ id: 'guest', clientId: 'delta', sessionId: null }));
      // UTF-16 code unit order: upper case before lower case, non-ASCII after, in every engine.
      assert.deepEqual(await grants.clientsOfSession('session-1'), ['Beta', 'alpha', 'zeta', 'älpha']);
      assert.deepEqual(await grants.clientsOfSession('session-2'), ['gamma']);
    });

    it('include clients whose grant was revoked or has expired, until the grant is purged', async () => {
      const s = storage();
      await s.grants.create(aGrant({ id: 'revoked', clientId: 'client-r' }));
      await s.grants.create(aGrant({ id: 'expired', clientId: 'client-e', expiresAt: T0 + MINUTE }));
      await s.grants.create(aGrant({ id: 'live', clientId: 'client-l', expiresAt: T0 + 2 * MINUTE }));
      await s.grants.revoke('revoked', T0);
      assert.deepEqual(await s.grants.clientsOfSession('session-1'), ['client-e', 'client-l', 'client-r']);
      await s.purgeExpired(T0 + MINUTE);
      assert.deepEqual(await s.grants.clientsOfSession('session-1'), ['client-l', 'client-r']);
    });

    it('match the session id exactly', async () => {
      await storage().grants.create(aGrant({ sessionId: 'Session-1' }));
      await storage().grants.create(aGrant({ id: 'g2', sessionId: 'session-%' }));
      assert.deepEqual(await storage().grants.clientsOfSession('session-1'), []);
      assert.deepEqual(await storage().grants.clientsOfSession('session-_'), []);
    });
  });
}

function describeDeliveryQueue(factory: () => Promise<Storage>): void {
  describe('back-channel logout deliveries', () => {
    const storage = useStorage(factory);
    const leased = (d: BackchannelDeliveryRecord, at: number): BackchannelDeliveryRecord => ({
      ...d,
      nextAttemptAt: at + LEASE,
    });

    it('claims nothing from an empty queue', async () => {
      assert.deepEqual(await storage().backchannelDeliveries.claimDue(T0, 10, LEASE), []);
    });

    it('claims a due delivery as enqueued, leased until now + lease', async () => {
      await storage().backchannelDeliveries.enqueue(aDelivery());
      assert.deepEqual(await storage().backchannelDeliveries.claimDue(T0 + 5, 10, LEASE), [
        leased(aDelivery(), T0 + 5),
      ]);
    });

    it('claims only deliveries due and unexpired: from nextAttemptAt, until expiresAt', async () => {
      const q = storage().backchannelDeliveries;
      const now = T0 + 10 * MINUTE;
      await q.enqueue(aDelivery({ id: 'due-now', nextAttemptAt: now }));
      await q.enqueue(aDelivery({ id: 'not-yet', nextAttemptAt: now + 1 }));
      await q.enqueue(aDelivery({ id: 'expires-now', expiresAt: now }));
      await q.enqueue(aDelivery({ id: 'expired', expiresAt: now - 1 }));
      await q.enqueue(aDelivery({ id: 'last-moment', expiresAt: now + 1 }));
      assert.deepEqual(
        (await q.claimDue(now, 10, LEASE)).map((d) => d.id),
        ['due-now', 'last-moment'],
      );
    });

    it('claims the oldest first, by creation then id, up to the limit', async () => {
      const q = storage().backchannelDeliveries;
      await q.enqueue(aDelivery({ id: 'c', createdAt: T0 - 1, nextAttemptAt: T0 - 1 }));
      await q.enqueue(aDelivery({ id: 'b', createdAt: T0 - 3, nextAttemptAt: T0 }));
      await q.enqueue(aDelivery({ id: 'a2', createdAt: T0 - 2 }));
      await q.enqueue(aDelivery({ id: 'a1', createdAt: T0 - 2 }));
      await q.enqueue(aDelivery({ id: 'oldest-but-not-due', createdAt: T0 - 9, nextAttemptAt: T0 + 1 }));
      assert.deepEqual(
        (await q.claimDue(T0, 3, LEASE)).map((d) => d.id),
        ['b', 'a1', 'a2'],
      );
      assert.deepEqual(
        (await q.claimDue(T0, 3, LEASE)).map((d) => d.id),
        ['c'],
        'the first three are leased; the fourth is left',
      );
      assert.deepEqual(await q.claimDue(T0, 3, LEASE), []);
    });

    it('claims nothing, and leases nothing, with a limit below 1', async () => {
      const q = storage().backchannelDeliveries;
      await q.enqueue(aDelivery());
      assert.deepEqual(await q.claimDue(T0, 0, LEASE), []);
      assert.deepEqual(await q.claimDue(T0, -1, LEASE), []);
      assert.equal((await q.claimDue(T0, 1, LEASE)).length, 1);
    });

    it('does not hand out a claimed delivery again until its lease ends, and then does, unchanged', async () => {
      const q = storage().backchannelDeliveries;
      await q.enqueue(aDelivery());
      await q.claimDue(T0, 10, LEASE);
      assert.deepEqual(await q.claimDue(T0 + LEASE - 1, 10, LEASE), []);
      assert.deepEqual(await q.claimDue(T0 + LEASE, 10, LEASE), [leased(aDelivery(), T0 + LEASE)]);
    });

    it('reschedule records the attempts and the next attempt, when the delivery is due again', async () => {
      const q = storage().backchannelDeliveries;
      await q.enqueue(aDelivery());
      await q.claimDue(T0, 10, LEASE);
      await q.reschedule('delivery-1', 1, T0 + 2 * LEASE);
      assert.deepEqual(await q.claimDue(T0 + LEASE, 10, LEASE), [], 'the lease no longer decides');
      assert.deepEqual(await q.claimDue(T0 + 2 * LEASE, 10, LEASE), [
        leased(aDelivery({ attempts: 1 }), T0 + 2 * LEASE),
      ]);
      await q.reschedule('unknown', 3, T0); // no error
    });

    it('reschedule can make a leased delivery due at once', async () => {
      const q = storage().backchannelDeliveries;
      await q.enqueue(aDelivery());
      await q.claimDue(T0, 10, LEASE);
      await q.reschedule('delivery-1', 1, T0);
      assert.deepEqual(await q.claimDue(T0, 10, LEASE), [leased(aDelivery({ attempts: 1 }), T0)]);
    });

    it('a deleted delivery is never claimed; deleting is idempotent', async () => {
      const q = storage().backchannelDeliveries;
      await q.enqueue(aDelivery());
      await q.enqueue(aDelivery({ id: 'delivery-2' }));
      await q.delete('delivery-1');
      await q.delete('delivery-1');
      await q.delete('unknown');
      assert.deepEqual(
        (await q.claimDue(T0, 10, LEASE)).map((d) => d.id),
        ['delivery-2'],
      );
    });

    it('refuses a second delivery with the same id with a conflict', async () => {
      await storage().backchannelDeliveries.enqueue(aDelivery());
      await assert.rejects(
        storage().backchannelDeliveries.enqueue(aDelivery({ clientId: 'client-2' })),
        (e: unknown) => e instanceof StorageError && e.kind === 'conflict',
      );
      assert.deepEqual(await storage().backchannelDeliveries.claimDue(T0, 10, LEASE), [
        leased(aDelivery(), T0),
      ]);
    });

    it('hands each due delivery to exactly one of ten concurrent claimers', async () => {
      const q = storage().backchannelDeliveries;
      const ids = Array.from({ length: 25 }, (_, i) => `delivery-${String(i).padStart(2, '0')}`);
      for (const id of ids) await q.enqueue(aDelivery({ id }));
      const claims = await Promise.all(Array.from({ length: 10 }, () => q.claimDue(T0, 3, LEASE)));
      const claimed = claims.flat().map((d) => d.id);
      assert.equal(new Set(claimed).size, claimed.length, 'no delivery handed out twice');
      assert.equal(claimed.length, 25, 'ten claims of three cover all 25');
      assert.deepEqual(await q.claimDue(T0, 100, LEASE), []);
    });

    it('purgeExpired removes expired deliveries, leased or not, and keeps live ones', async () => {
      const s = storage();
      const cut = T0 + 5 * MINUTE;
      await s.backchannelDeliveries.enqueue(aDelivery({ id: 'old', expiresAt: cut }));
      await s.backchannelDeliveries.enqueue(aDelivery({ id: 'old-leased', expiresAt: cut }));
      await s.backchannelDeliveries.enqueue(aDelivery({ id: 'live', expiresAt: cut + 1 }));
      await s.backchannelDeliveries.reschedule('old-leased', 2, T0 + 1);
      await s.purgeExpired(cut);
      // Claimed at an earlier time, when all three would be due: only the live one is left.
      assert.deepEqual(
        (await s.backchannelDeliveries.claimDue(T0 + 1, 10, LEASE)).map((d) => d.id),
        ['live'],
      );
    });
  });
}
