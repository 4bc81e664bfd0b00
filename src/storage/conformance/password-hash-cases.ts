import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Storage } from '../types.js';
import { T0, aStoredUser, aUser, anAddress, useStorage } from './fixtures.js';

const OLD = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';
const UPGRADED = '$argon2id$v=19$m=47104,t=1,p=1$bmV3c2FsdA$bmV3aGFzaA';
const CHANGED = '$argon2id$v=19$m=19456,t=2,p=1$b3RoZXI$Y2hhbmdlZA';

/**
 * `users.replacePasswordHash`, the compare-and-set behind rehashing a password at sign-in: it
 * must never overwrite a hash other than the one the caller verified.
 */
export function describePasswordHashCases(factory: () => Promise<Storage>): void {
  describe("replacing a user's password hash", () => {
    const storage = useStorage(factory);

    it('replaces the hash that is still the expected one, and nothing else but the update time', async () => {
      const user = aUser({ passwordHash: OLD, phoneNumber: '+1 555 0100', address: anAddress() });
      await storage().users.create(user);
      assert.equal(await storage().users.replacePasswordHash('user-1', OLD, UPGRADED, T0 + 5), true);
      assert.deepEqual(
        await storage().users.getById('user-1'),
        aStoredUser({ ...user, passwordHash: UPGRADED, updatedAt: T0 + 5 }),
      );
    });

    it('refuses, changing nothing, when the password was changed since the hash was read', async () => {
      await storage().users.create(aUser({ passwordHash: OLD }));
      await storage().users.update('user-1', { passwordHash: CHANGED }, T0 + 1);
      assert.equal(await storage().users.replacePasswordHash('user-1', OLD, UPGRADED, T0 + 2), false);
      assert.deepEqual(
        await storage().users.getById('user-1'),
        aStoredUser({ passwordHash: CHANGED, updatedAt: T0 + 1 }),
      );
    });

    it('reports false for an unknown user', async () => {
      assert.equal(await storage().users.replacePasswordHash('nobody', OLD, UPGRADED, T0), false);
    });

    it('replaces only the named user, even when another has the same hash', async () => {
      await storage().users.create(aUser({ passwordHash: OLD }));
      await storage().users.create(aUser({ id: 'user-2', username: 'bob', passwordHash: OLD }));
      assert.equal(await storage().users.replacePasswordHash('user-1', OLD, UPGRADED, T0 + 5), true);
      assert.equal((await storage().users.getById('user-2'))?.passwordHash, OLD);
    });

    it('lets exactly one of several concurrent replacements of the same hash succeed', async () => {
      await storage().users.create(aUser({ passwordHash: OLD }));
      const candidates = [0, 1, 2, 3].map((i) => `${UPGRADED}-${i}`);
      const results = await Promise.all(
        candidates.map((hash) => storage().users.replacePasswordHash('user-1', OLD, hash, T0 + 5)),
      );
      assert.equal(results.filter(Boolean).length, 1);
      const winner = candidates[results.indexOf(true)];
      assert.equal((await storage().users.getById('user-1'))?.passwordHash, winner);
    });
  });
}
