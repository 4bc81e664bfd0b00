import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Storage } from '../types.js';
import { T0, aGeneratedKey, useStorage } from './fixtures.js';

/**
 * Generated signing keys shared through storage (issue 9): one key per algorithm, and of
 * instances storing one at the same time, all end up with the first.
 */
export function describeGeneratedKeyCases(factory: () => Promise<Storage>): void {
  describe('generated signing keys', () => {
    const storage = useStorage(factory);

    it('has no key for an algorithm until one is stored', async () => {
      assert.equal(await storage().generatedKeys.get('RS256'), null);
    });

    it('stores the first key for an algorithm and returns it, the sealed key as given', async () => {
      assert.deepEqual(await storage().generatedKeys.insertIfAbsent(aGeneratedKey()), aGeneratedKey());
      assert.deepEqual(await storage().generatedKeys.get('RS256'), aGeneratedKey());
    });

    it('keeps the first key when another arrives for the same algorithm, and returns the first', async () => {
      const keys = storage().generatedKeys;
      await keys.insertIfAbsent(aGeneratedKey());
      const later = aGeneratedKey({ kid: 'other-kid', sealedKey: 'v1.other', createdAt: T0 + 1000 });
      assert.deepEqual(await keys.insertIfAbsent(later), aGeneratedKey());
      assert.deepEqual(await keys.get('RS256'), aGeneratedKey());
    });

    it('keeps one key per algorithm, each on its own', async () => {
      const keys = storage().generatedKeys;
      const es256 = aGeneratedKey({ alg: 'ES256', kid: 'es-kid', sealedKey: 'v1.es' });
      await keys.insertIfAbsent(aGeneratedKey());
      assert.deepEqual(await keys.insertIfAbsent(es256), es256);
      assert.deepEqual(await keys.get('RS256'), aGeneratedKey());
      assert.deepEqual(await keys.get('ES256'), es256);
      assert.equal(await keys.get('EdDSA'), null);
    });

    it('hands every one of two concurrent callers the same key, leaving one stored', async () => {
      const keys = storage().generatedKeys;
      const [a, b] = await Promise.all([
        keys.insertIfAbsent(aGeneratedKey({ kid: 'kid-a', sealedKey: 'v1.a' })),
        keys.insertIfAbsent(aGeneratedKey({ kid: 'kid-b', sealedKey: 'v1.b' })),
      ]);
      assert.deepEqual(a, b);
      assert.ok(a?.kid === 'kid-a' || a?.kid === 'kid-b', `one of the two keys, got ${a?.kid}`);
      assert.deepEqual(await keys.get('RS256'), a);
    });

    it('hands ten concurrent callers the same key', async () => {
      const keys = storage().generatedKeys;
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          keys.insertIfAbsent(aGeneratedKey({ kid: `kid-${i}`, sealedKey: `v1.${i}` })),
        ),
      );
      assert.equal(new Set(results.map((r) => r.kid)).size, 1);
      assert.deepEqual(await keys.get('RS256'), results[0]);
    });

    it('never purges a key, however old', async () => {
      await storage().generatedKeys.insertIfAbsent(aGeneratedKey());
      await storage().purgeExpired(T0 + 10 * 365 * 24 * 3600 * 1000);
      assert.deepEqual(await storage().generatedKeys.get('RS256'), aGeneratedKey());
    });
  });
}
