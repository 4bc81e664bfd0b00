import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Storage } from '../types.js';
import { T0, aClaimsRequest, aCode, aGrant, aGuest, aStoredGrant, useStorage } from './fixtures.js';

/**
 * What Kopano Meet support adds to grants and codes (kopano-meet.md req. 37–38): a grant keeps
 * the authorized claims request and the guest it was made for, and a guest's code has no
 * browser session.
 */
export function describeClaimsAndGuestCases(factory: () => Promise<Storage>): void {
  describe("grants' claims requests and guests", () => {
    const storage = useStorage(factory);

    it('keeps the claims request as given: nested objects, arrays, passthru and unicode', async () => {
      await storage().grants.create(aGrant({ claims: aClaimsRequest() }));
      assert.deepEqual(await storage().grants.get('grant-1'), aStoredGrant({ claims: aClaimsRequest() }));
    });

    it("keeps a guest grant's guest and claims request as given", async () => {
      const guestGrant = aGrant({ sessionId: null, guest: aGuest(), claims: aClaimsRequest() });
      await storage().grants.create(guestGrant);
      assert.deepEqual(await storage().grants.get('grant-1'), aStoredGrant(guestGrant));
    });

    it("keeps a guest's missing names and unverified email as null and false", async () => {
      const bare = aGuest({
        name: null,
        email: null,
        emailVerified: false,
        givenName: null,
        familyName: null,
      });
      await storage().grants.create(aGrant({ guest: bare }));
      assert.deepEqual((await storage().grants.get('grant-1'))?.guest, bare);
    });

    it('returns claims and guest as null for a grant created without them', async () => {
      await storage().grants.create(aGrant());
      await storage().grants.create(aGrant({ id: 'grant-2', claims: null, guest: null }));
      const omitted = await storage().grants.get('grant-1');
      assert.deepEqual(omitted, aStoredGrant());
      assert.equal(omitted?.claims, null);
      assert.equal(omitted?.guest, null);
      assert.deepEqual(await storage().grants.get('grant-2'), aStoredGrant({ id: 'grant-2' }));
    });

    it('revoking a grant keeps its claims request and guest', async () => {
      await storage().grants.create(aGrant({ claims: aClaimsRequest(), guest: aGuest() }));
      await storage().grants.revoke('grant-1', T0 + 1);
      assert.deepEqual(
        await storage().grants.get('grant-1'),
        aStoredGrant({ claims: aClaimsRequest(), guest: aGuest(), revokedAt: T0 + 1 }),
      );
    });

    it('changing a claims request after storing or reading it does not change the stored one', async () => {
      const claims = aClaimsRequest();
      await storage().grants.create(aGrant({ claims }));
      (claims['passthru'] as Record<string, unknown>)['kopano/kwm/guest'] = 'tampered';
      const read = await storage().grants.get('grant-1');
      (read?.claims?.['id_token'] as Record<string, unknown>)['guest'] = 'tampered';
      assert.deepEqual((await storage().grants.get('grant-1'))?.claims, aClaimsRequest());
    });
  });

  describe("a guest's authorization code", () => {
    const storage = useStorage(factory);

    it('is consumed once and comes back without a session', async () => {
      await storage().codes.create(aCode({ sessionId: null }));
      assert.deepEqual(await storage().codes.consume('code-hash-1', T0 + 1000), {
        kind: 'consumed',
        code: aCode({ sessionId: null, consumedAt: T0 + 1000 }),
      });
      assert.deepEqual(await storage().codes.consume('code-hash-1', T0 + 2000), {
        kind: 'reused',
        code: aCode({ sessionId: null, consumedAt: T0 + 1000 }),
      });
    });
  });
}
