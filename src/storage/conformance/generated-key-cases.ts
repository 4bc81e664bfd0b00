import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GeneratedKeyRecord, Storage } from '../types.js';
import { MINUTE, T0, aGeneratedKey, useStorage } from './fixtures.js';

const DAY = 24 * 60 * MINUTE;

/** The key a rotation adds after `aGeneratedKey()`, a day later, signing from an hour after that. */
function aRotatedKey(overrides: Partial<GeneratedKeyRecord> = {}): GeneratedKeyRecord {
  return aGeneratedKey({
    seq: 2,
    kid: 'rotated-kid',
    sealedKey: 'v1.rotated',
    createdAt: T0 + DAY,
    signsFrom: T0 + DAY + 60 * MINUTE,
    ...overrides,
  });
}

/**
 * Generated signing keys shared through storage (issues 9 and 10): a ring of keys per
 * algorithm. Of instances storing the first key at the same time, all end up with the first
 * stored; of rotations racing for the next place, exactly one is stored; a key is retired once.
 */
export function describeGeneratedKeyCases(factory: () => Promise<Storage>): void {
  describe('generated signing keys', () => {
    const storage = useStorage(factory);

    it('has no key for an algorithm until one is stored', async () => {
      assert.deepEqual(await storage().generatedKeys.list('RS256'), []);
    });

    it('stores the first key for an algorithm and returns it, the sealed key as given', async () => {
      assert.deepEqual(await storage().generatedKeys.insertIfAbsent(aGeneratedKey()), aGeneratedKey());
      assert.deepEqual(await storage().generatedKeys.list('RS256'), [aGeneratedKey()]);
    });

    it('keeps the first key when another arrives for the same algorithm, and returns the first', async () => {
      const keys = storage().generatedKeys;
      await keys.insertIfAbsent(aGeneratedKey());
      const later = aGeneratedKey({ kid: 'other-kid', sealedKey: 'v1.other', createdAt: T0 + 1000 });
      assert.deepEqual(await keys.insertIfAbsent(later), aGeneratedKey());
      assert.deepEqual(await keys.list('RS256'), [aGeneratedKey()]);
    });

    it('keeps one ring per algorithm, each on its own', async () => {
      const keys = storage().generatedKeys;
      const es256 = aGeneratedKey({ alg: 'ES256', kid: 'es-kid', sealedKey: 'v1.es' });
      await keys.insertIfAbsent(aGeneratedKey());
      assert.deepEqual(await keys.insertIfAbsent(es256), es256);
      assert.deepEqual(await keys.list('RS256'), [aGeneratedKey()]);
      assert.deepEqual(await keys.list('ES256'), [es256]);
      assert.deepEqual(await keys.list('EdDSA'), []);
    });

    it('hands every one of two concurrent callers the same key, leaving one stored', async () => {
      const keys = storage().generatedKeys;
      const [a, b] = await Promise.all([
        keys.insertIfAbsent(aGeneratedKey({ kid: 'kid-a', sealedKey: 'v1.a' })),
        keys.insertIfAbsent(aGeneratedKey({ kid: 'kid-b', sealedKey: 'v1.b' })),
      ]);
      assert.deepEqual(a, b);
      assert.ok(a.kid === 'kid-a' || a.kid === 'kid-b', `one of the two keys, got ${a.kid}`);
      assert.deepEqual(await keys.list('RS256'), [a]);
    });

    it('hands ten concurrent callers the same key', async () => {
      const keys = storage().generatedKeys;
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          keys.insertIfAbsent(aGeneratedKey({ kid: `kid-${i}`, sealedKey: `v1.${i}` })),
        ),
      );
      assert.equal(new Set(results.map((r) => r.kid)).size, 1);
      assert.deepEqual(await keys.list('RS256'), [results[0]]);
    });

    it('refuses a first key whose seq is not 1 as misuse, storing nothing', async () => {
      const keys = storage().generatedKeys;
      await assert.rejects(keys.insertIfAbsent(aGeneratedKey({ seq: 2 })), TypeError);
      assert.deepEqual(await keys.list('RS256'), []);
    });

    it('adds a rotated key at the next seq, listed after the first as given', async () => {
      const keys = storage().generatedKeys;
      await keys.insertIfAbsent(aGeneratedKey());
      assert.equal(await keys.add(aRotatedKey()), true);
      assert.deepEqual(await keys.list('RS256'), [aGeneratedKey(), aRotatedKey()]);
    });

    it('lists a ring by seq, whatever order the keys were added in, retired keys included', async () => {
      const keys = storage().generatedKeys;
      const third = aRotatedKey({ seq: 3, kid: 'third-kid', sealedKey: 'v1.third' });
      await keys.insertIfAbsent(aGeneratedKey());
      assert.equal(await keys.add(third), true);
      assert.equal(await keys.add(aRotatedKey()), true);
      assert.equal(await keys.retire('RS256', aGeneratedKey().kid, T0 + 2 * DAY), true);
      assert.deepEqual(await keys.list('RS256'), [
        aGeneratedKey({ sealedKey: '', retiredAt: T0 + 2 * DAY }),
        aRotatedKey(),
        third,
      ]);
    });

    it('refuses a key at a seq already taken, storing nothing', async () => {
      const keys = storage().generatedKeys;
      await keys.insertIfAbsent(aGeneratedKey());
      await keys.add(aRotatedKey());
      assert.equal(await keys.add(aRotatedKey({ kid: 'late-kid', sealedKey: 'v1.late' })), false);
      assert.equal(await keys.add(aGeneratedKey({ kid: 'late-kid', sealedKey: 'v1.late' })), false);
      assert.deepEqual(await keys.list('RS256'), [aGeneratedKey(), aRotatedKey()]);
    });

    it('refuses a key whose kid is in the ring already, storing nothing', async () => {
      const keys = storage().generatedKeys;
      await keys.insertIfAbsent(aGeneratedKey());
      assert.equal(await keys.add(aRotatedKey({ kid: aGeneratedKey().kid })), false);
      assert.deepEqual(await keys.list('RS256'), [aGeneratedKey()]);
    });

    it('stores exactly one of two rotations racing for the same seq', async () => {
      const keys = storage().generatedKeys;
      await keys.insertIfAbsent(aGeneratedKey());
      const a = aRotatedKey({ kid: 'kid-a', sealedKey: 'v1.a' });
      const b = aRotatedKey({ kid: 'kid-b', sealedKey: 'v1.b' });
      const added = await Promise.all([keys.add(a), keys.add(b)]);
      assert.equal(added.filter((ok) => ok).length, 1, `exactly one added, got ${added.join(', ')}`);
      assert.deepEqual(await keys.list('RS256'), [aGeneratedKey(), added[0] ? a : b]);
    });

    it('retires a key: sets when, erases its sealed key, and says it did', async () => {
      const keys = storage().generatedKeys;
      await keys.insertIfAbsent(aGeneratedKey());
      assert.equal(await keys.retire('RS256', aGeneratedKey().kid, T0 + DAY), true);
      assert.deepEqual(await keys.list('RS256'), [aGeneratedKey({ sealedKey: '', retiredAt: T0 + DAY })]);
    });

    it('retires a key once: a second retirement is refused and keeps the first time', async () => {
      const keys = storage().generatedKeys;
      await keys.insertIfAbsent(aGeneratedKey());
      await keys.retire('RS256', aGeneratedKey().kid, T0 + DAY);
      assert.equal(await keys.retire('RS256', aGeneratedKey().kid, T0 + 2 * DAY), false);
      assert.deepEqual(await keys.list('RS256'), [aGeneratedKey({ sealedKey: '', retiredAt: T0 + DAY })]);
    });

    it('refuses to retire a key it does not have', async () => {
      const keys = storage().generatedKeys;
      assert.equal(await keys.retire('RS256', aGeneratedKey().kid, T0 + DAY), false);
      await keys.insertIfAbsent(aGeneratedKey());
      assert.equal(await keys.retire('RS256', 'unknown-kid', T0 + DAY), false);
      assert.equal(await keys.retire('ES256', aGeneratedKey().kid, T0 + DAY), false);
      assert.deepEqual(await keys.list('RS256'), [aGeneratedKey()]);
    });

    it('retires only the key named, leaving the rest of its ring and other algorithms alone', async () => {
      const keys = storage().generatedKeys;
      // The same kid under another algorithm is another key (kids are unique per algorithm).
      const es256 = aGeneratedKey({ alg: 'ES256', sealedKey: 'v1.es' });
      await keys.insertIfAbsent(aGeneratedKey());
      await keys.add(aRotatedKey());
      assert.deepEqual(await keys.insertIfAbsent(es256), es256);
      assert.equal(await keys.retire('RS256', aGeneratedKey().kid, T0 + DAY), true);
      assert.deepEqual(await keys.list('RS256'), [
        aGeneratedKey({ sealedKey: '', retiredAt: T0 + DAY }),
        aRotatedKey(),
      ]);
      assert.deepEqual(await keys.list('ES256'), [es256]);
    });

    it('never purges a key, however old, retired or not', async () => {
      const keys = storage().generatedKeys;
      await keys.insertIfAbsent(aGeneratedKey());
      await keys.add(aRotatedKey());
      await keys.retire('RS256', aGeneratedKey().kid, T0 + DAY);
      await storage().purgeExpired(T0 + 10 * 365 * DAY);
      assert.deepEqual(await keys.list('RS256'), [
        aGeneratedKey({ sealedKey: '', retiredAt: T0 + DAY }),
        aRotatedKey(),
      ]);
    });
  });
}
