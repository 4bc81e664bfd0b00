import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PostalAddress, Storage } from '../types.js';
import { T0, aStoredUser, aUser, anAddress, useStorage } from './fixtures.js';

/**
 * What issue 8 adds to users: the `phone_number` and `address` claims (OIDC Core §5.1, §5.1.1),
 * so the scope-phone and scope-address modules can be answered from the built-in backend.
 */
export function describeUserContactCases(factory: () => Promise<Storage>): void {
  describe("users' phone numbers and addresses", () => {
    const storage = useStorage(factory);

    it('keeps a phone number and a full address as given, by id, by username and in the list', async () => {
      const user = aUser({ phoneNumber: '+49 (30) 1234-5678 ext. 9', address: anAddress() });
      await storage().users.create(user);
      assert.deepEqual(await storage().users.getById('user-1'), aStoredUser(user));
      assert.deepEqual(await storage().users.getByUsername('ALICE'), aStoredUser(user));
      assert.deepEqual(await storage().users.list(), [aStoredUser(user)]);
    });

    it('returns a user created without them, or with null, with both null', async () => {
      await storage().users.create(aUser());
      await storage().users.create(
        aUser({ id: 'user-2', username: 'bob', phoneNumber: null, address: null }),
      );
      const without = await storage().users.getById('user-1');
      assert.deepEqual(without, aStoredUser());
      assert.equal(without?.phoneNumber, null);
      assert.equal(without?.address, null);
      assert.deepEqual(
        await storage().users.getById('user-2'),
        aStoredUser({ id: 'user-2', username: 'bob' }),
      );
    });

    it('keeps an address with only some members, and an empty one, without inventing the others', async () => {
      await storage().users.create(aUser({ address: { country: 'FR' } }));
      await storage().users.create(aUser({ id: 'user-2', username: 'bob', address: {} }));
      assert.deepEqual((await storage().users.getById('user-1'))?.address, { country: 'FR' });
      assert.deepEqual((await storage().users.getById('user-2'))?.address, {});
    });

    it('keeps only the members of the address claim, the same in every engine', async () => {
      const withExtras = { ...anAddress(), planet: 'Earth', postal_code: 10115 } as unknown as PostalAddress;
      await storage().users.create(aUser({ address: withExtras }));
      const kept: Record<string, string> = { ...anAddress() };
      delete kept['postal_code'];
      assert.deepEqual((await storage().users.getById('user-1'))?.address, kept);
    });

    it('update sets, replaces and clears them, and leaves them alone when not given', async () => {
      const users = storage().users;
      await users.create(aUser());
      assert.equal(
        await users.update('user-1', { phoneNumber: '+1 555 0100', address: anAddress() }, T0 + 1),
        true,
      );
      assert.deepEqual(
        await users.getById('user-1'),
        aStoredUser({ phoneNumber: '+1 555 0100', address: anAddress(), updatedAt: T0 + 1 }),
      );

      await users.update('user-1', { name: 'Alice L.' }, T0 + 2);
      assert.deepEqual(
        await users.getById('user-1'),
        aStoredUser({
          name: 'Alice L.',
          phoneNumber: '+1 555 0100',
          address: anAddress(),
          updatedAt: T0 + 2,
        }),
      );

      await users.update('user-1', { address: { locality: 'Lyon' } }, T0 + 3);
      assert.deepEqual(
        (await users.getById('user-1'))?.address,
        { locality: 'Lyon' },
        'replaced, not merged',
      );

      await users.update('user-1', { phoneNumber: null, address: null }, T0 + 4);
      assert.deepEqual(await users.getById('user-1'), aStoredUser({ name: 'Alice L.', updatedAt: T0 + 4 }));
    });

    it('changing an address after storing or reading it does not change the stored one', async () => {
      const address: Record<string, string> = { ...anAddress() };
      await storage().users.create(aUser({ address }));
      address['locality'] = 'tampered';
      const read = await storage().users.getById('user-1');
      (read?.address as { locality?: string }).locality = 'tampered too';
      assert.deepEqual((await storage().users.getById('user-1'))?.address, anAddress());
    });
  });
}
