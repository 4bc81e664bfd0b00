import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Storage } from '../types.js';
import { MINUTE, T0, aCode, aStoredInteraction, anInteraction, useStorage } from './fixtures.js';

/**
 * What the hardening of issue 7 adds: a peek at a code before it is spent (item 4), pending
 * sign-ins counted in total and per client address (item 2), and the throttle listed and
 * cleared by prefix for `sesame throttle list|clear` (item 6).
 */
export function describeHardeningCases(factory: () => Promise<Storage>): void {
  describeCodePeek(factory);
  describeInteractionAddresses(factory);
  describeThrottleAdministration(factory);
}

function describeCodePeek(factory: () => Promise<Storage>): void {
  describe('peeking at an authorization code', () => {
    const storage = useStorage(factory);

    it('returns null for an unknown code', async () => {
      assert.equal(await storage().codes.get('nope'), null);
    });

    it('returns a live code as stored and does not spend it: it can still be redeemed, once', async () => {
      await storage().codes.create(aCode());
      assert.deepEqual(await storage().codes.get('code-hash-1'), aCode());
      assert.deepEqual(await storage().codes.get('code-hash-1'), aCode());
      assert.deepEqual(await storage().codes.consume('code-hash-1', T0 + 1000), {
        kind: 'consumed',
        code: aCode({ consumedAt: T0 + 1000 }),
      });
    });

    it('returns a spent code with its consumption time, and a replay is still reported as reuse', async () => {
      await storage().codes.create(aCode());
      await storage().codes.consume('code-hash-1', T0 + 1000);
      assert.deepEqual(await storage().codes.get('code-hash-1'), aCode({ consumedAt: T0 + 1000 }));
      assert.equal((await storage().codes.consume('code-hash-1', T0 + 2000)).kind, 'reused');
      assert.deepEqual(await storage().codes.get('code-hash-1'), aCode({ consumedAt: T0 + 1000 }));
    });

    it('returns an expired code unchanged until it is purged', async () => {
      await storage().codes.create(aCode());
      const end = aCode().expiresAt;
      assert.deepEqual(await storage().codes.consume('code-hash-1', end), { kind: 'expired', code: aCode() });
      assert.deepEqual(await storage().codes.get('code-hash-1'), aCode());
      await storage().purgeExpired(end);
      assert.equal(await storage().codes.get('code-hash-1'), null);
    });
  });
}

function describeInteractionAddresses(factory: () => Promise<Storage>): void {
  describe("interactions' client addresses", () => {
    const storage = useStorage(factory);
    const A = '192.0.2.7';
    const B = '2001:db8:1:2::/64';

    it('keeps the client address; one created without an address, or with null, comes back with null', async () => {
      const s = storage();
      await s.interactions.create(anInteraction({ id: 'with', clientAddress: B }));
      await s.interactions.create(anInteraction({ id: 'without' }));
      await s.interactions.create(anInteraction({ id: 'null', clientAddress: null }));
      assert.deepEqual(
        await s.interactions.get('with', T0),
        aStoredInteraction({ id: 'with', clientAddress: B }),
      );
      const without = await s.interactions.get('without', T0);
      assert.deepEqual(without, aStoredInteraction({ id: 'without' }));
      assert.equal(without?.clientAddress, null);
      assert.deepEqual(await s.interactions.get('null', T0), aStoredInteraction({ id: 'null' }));
    });

    it('attaching a session keeps the client address', async () => {
      await storage().interactions.create(anInteraction({ clientAddress: A }));
      await storage().interactions.setSession('interaction-1', 'session-9');
      assert.deepEqual(
        await storage().interactions.get('interaction-1', T0),
        aStoredInteraction({ clientAddress: A, sessionId: 'session-9' }),
      );
    });

    it('counts no live interactions in an empty store', async () => {
      assert.equal(await storage().interactions.countLive(T0), 0);
      assert.equal(await storage().interactions.countLive(T0, A), 0);
    });

    it('counts live interactions in total and per address, ignoring expired ones and other addresses', async () => {
      const s = storage();
      const now = T0 + 5 * MINUTE;
      await s.interactions.create(anInteraction({ id: 'a1', clientAddress: A }));
      await s.interactions.create(anInteraction({ id: 'a2', clientAddress: A }));
      await s.interactions.create(anInteraction({ id: 'a-expired', clientAddress: A, expiresAt: now }));
      await s.interactions.create(anInteraction({ id: 'b1', clientAddress: B }));
      await s.interactions.create(anInteraction({ id: 'b-expired', clientAddress: B, expiresAt: now - 1 }));
      await s.interactions.create(anInteraction({ id: 'no-address' }));
      await s.interactions.create(anInteraction({ id: 'no-address-expired', expiresAt: now }));

      assert.equal(await s.interactions.countLive(now), 4);
      assert.equal(await s.interactions.countLive(now, A), 2);
      assert.equal(await s.interactions.countLive(now, B), 1);
      assert.equal(await s.interactions.countLive(now, '198.51.100.1'), 0);
      // An address is matched exactly, not as a prefix or a pattern.
      assert.equal(await s.interactions.countLive(now, '192.0.2.'), 0);
      assert.equal(await s.interactions.countLive(now, '192.0.2.%'), 0);
    });

    it('an interaction counts until the moment it expires, and not once deleted', async () => {
      const s = storage();
      const end = anInteraction().expiresAt;
      await s.interactions.create(anInteraction({ clientAddress: A }));
      assert.equal(await s.interactions.countLive(end - 1, A), 1);
      assert.equal(await s.interactions.countLive(end - 1), 1);
      assert.equal(await s.interactions.countLive(end, A), 0);
      assert.equal(await s.interactions.countLive(end), 0);
      await s.interactions.delete('interaction-1');
      assert.equal(await s.interactions.countLive(T0, A), 0);
      assert.equal(await s.interactions.countLive(T0), 0);
    });
  });
}

function describeThrottleAdministration(factory: () => Promise<Storage>): void {
  describe('listing the throttle', () => {
    const storage = useStorage(factory);

    it('lists nothing when nothing failed', async () => {
      assert.deepEqual(await storage().throttle.list(T0, MINUTE), []);
    });

    it('lists each key with failures in the window, sorted by key, with their count and the latest', async () => {
      const t = storage().throttle;
      await t.hit('user:bob', T0 - 2 * MINUTE, MINUTE);
      await t.hit('user:bob', T0 - 20_000, MINUTE);
      await t.hit('user:bob', T0 - 10_000, MINUTE);
      await t.hit('addr:192.0.2.7', T0 - 5_000, MINUTE);
      await t.hit('Zed', T0 - 1, MINUTE);
      await t.hit('zed', T0 - 2, MINUTE);
      assert.deepEqual(await t.list(T0, MINUTE), [
        // UTF-16 code unit order: upper case before lower case, whatever the database's collation.
        { key: 'Zed', count: 1, lastAt: T0 - 1 },
        { key: 'addr:192.0.2.7', count: 1, lastAt: T0 - 5_000 },
        { key: 'user:bob', count: 2, lastAt: T0 - 10_000 },
        { key: 'zed', count: 1, lastAt: T0 - 2 },
      ]);
    });

    it('leaves out a key whose failures all left the window, as count does', async () => {
      const t = storage().throttle;
      await t.hit('user:alice', T0 - 2 * MINUTE, MINUTE);
      await t.hit('user:alice', T0 - MINUTE, MINUTE);
      await t.hit('user:bob', T0 - MINUTE + 1, MINUTE);
      assert.equal(await t.count('user:alice', T0, MINUTE), 0);
      assert.deepEqual(await t.list(T0, MINUTE), [{ key: 'user:bob', count: 1, lastAt: T0 - MINUTE + 1 }]);
      assert.deepEqual(await t.list(T0, 3 * MINUTE), [
        { key: 'user:alice', count: 2, lastAt: T0 - MINUTE },
        { key: 'user:bob', count: 1, lastAt: T0 - MINUTE + 1 },
      ]);
    });

    it('leaves out a key whose failures were all released or cleared', async () => {
      const t = storage().throttle;
      await t.hit('released', T0, MINUTE);
      await t.hit('cleared', T0, MINUTE);
      await t.hit('kept', T0, MINUTE);
      await t.release('released', T0);
      await t.clear('cleared');
      assert.deepEqual(await t.list(T0, MINUTE), [{ key: 'kept', count: 1, lastAt: T0 }]);
    });
  });

  describe('clearing the throttle by prefix', () => {
    const storage = useStorage(factory);

    /** One failure for each key, at T0, then the keys `list` still shows after `clearPrefix(prefix)`. */
    async function clearAmong(keys: readonly string[], prefix: string): Promise<[number, string[]]> {
      const t = storage().throttle;
      for (const key of keys) await t.hit(key, T0, MINUTE);
      const cleared = await t.clearPrefix(prefix);
      return [cleared, (await t.list(T0, MINUTE)).map((k) => k.key)];
    }

    it('clears every key that starts with the prefix and says how many keys it cleared', async () => {
      const t = storage().throttle;
      await t.hit('acct:alice|addr:192.0.2.7', T0, MINUTE);
      await t.hit('acct:alice|addr:192.0.2.7', T0 + 1, MINUTE);
      await t.hit('acct:alice|addr:198.51.100.1', T0, MINUTE);
      await t.hit('acct:alice', T0, MINUTE);
      await t.hit('acct:alic', T0, MINUTE);
      await t.hit('acct:bob', T0, MINUTE);
      await t.hit('x-acct:alice', T0, MINUTE);
      assert.equal(await t.clearPrefix('acct:alice'), 3, 'keys, not failures');
      assert.deepEqual(
        (await t.list(T0 + 1, MINUTE)).map((k) => k.key),
        ['acct:alic', 'acct:bob', 'x-acct:alice'],
      );
      assert.equal(await t.hit('acct:alice', T0 + 2, MINUTE), 1, 'counting starts again');
    });

    it('reports 0 when no key starts with the prefix, and changes nothing', async () => {
      assert.deepEqual(await clearAmong(['acct:alice', 'acct:bob'], 'acct:carol'), [
        0,
        ['acct:alice', 'acct:bob'],
      ]);
    });

    it('treats % and _ in the prefix as themselves, not as wildcards', async () => {
      const keys = ['a%b:1', 'a%', 'axb:1', 'ab:1', 'a_c:1', 'abc:1', '%:1', 'a\\%:1'];
      assert.deepEqual(await clearAmong(keys, 'a%'), [
        2,
        ['%:1', 'a\\%:1', 'a_c:1', 'ab:1', 'abc:1', 'axb:1'],
      ]);
      assert.equal(await storage().throttle.clearPrefix('a_c'), 1);
      assert.equal(await storage().throttle.clearPrefix('%'), 1);
      assert.equal(await storage().throttle.clearPrefix('_'), 0);
      assert.equal(await storage().throttle.clearPrefix('a\\'), 1);
      assert.deepEqual(
        (await storage().throttle.list(T0, MINUTE)).map((k) => k.key),
        ['ab:1', 'abc:1', 'axb:1'],
      );
    });

    it('compares letter case and non-ASCII text exactly', async () => {
      const keys = ['Alice|1', 'alice|1', 'zoë|1', 'zoe|1', 'zoë|2', '李|1', '𝄞x|1', '𝄞y|1'];
      assert.deepEqual(await clearAmong(keys, 'alice'), [
        1,
        ['Alice|1', 'zoe|1', 'zoë|1', 'zoë|2', '李|1', '𝄞x|1', '𝄞y|1'],
      ]);
      assert.equal(await storage().throttle.clearPrefix('zoë'), 2);
      assert.equal(await storage().throttle.clearPrefix('李'), 1);
      assert.equal(await storage().throttle.clearPrefix('𝄞x'), 1);
      assert.deepEqual(
        (await storage().throttle.list(T0, MINUTE)).map((k) => k.key),
        ['Alice|1', 'zoe|1', '𝄞y|1'],
      );
    });

    it('clears every key with the empty prefix', async () => {
      assert.deepEqual(await clearAmong(['a', 'b', '%'], ''), [3, []]);
    });
  });
}
