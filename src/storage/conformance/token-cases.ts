import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StorageError, type Storage } from '../types.js';
import {
  MINUTE,
  T0,
  aCode,
  aGrant,
  aRefreshToken,
  aSession,
  aStoredGrant,
  anInteraction,
  successor,
  useStorage,
} from './fixtures.js';

const GRACE = 10_000;
const DAY = 24 * 60 * MINUTE;

/** Authorization codes, grants, refresh-token rotation and purging. */
export function describeTokenCases(factory: () => Promise<Storage>): void {
  describe('authorization codes', () => {
    const storage = useStorage(factory);

    it('reports an unknown code as not_found', async () => {
      assert.deepEqual(await storage().codes.consume('nope', T0), { kind: 'not_found' });
    });

    it('consumes a code once and returns it with the consumption time', async () => {
      await storage().codes.create(aCode());
      assert.deepEqual(await storage().codes.consume('code-hash-1', T0 + 1000), {
        kind: 'consumed',
        code: aCode({ consumedAt: T0 + 1000 }),
      });
    });

    it('reports a second redemption as reused, with the grant to revoke', async () => {
      await storage().codes.create(aCode());
      await storage().codes.consume('code-hash-1', T0 + 1000);
      const again = await storage().codes.consume('code-hash-1', T0 + 2000);
      assert.equal(again.kind, 'reused');
      assert.equal(again.kind === 'reused' && again.code.grantId, 'grant-1');
      assert.equal(again.kind === 'reused' && again.code.consumedAt, T0 + 1000);
    });

    it('reports a replay after expiry still as reused', async () => {
      await storage().codes.create(aCode());
      await storage().codes.consume('code-hash-1', T0);
      assert.equal((await storage().codes.consume('code-hash-1', T0 + 10 * MINUTE)).kind, 'reused');
    });

    it('refuses a code from the moment it expires, without consuming it', async () => {
      await storage().codes.create(aCode());
      assert.deepEqual(await storage().codes.consume('code-hash-1', aCode().expiresAt), {
        kind: 'expired',
        code: aCode(),
      });
    });

    it('keeps a code without nonce or PKCE as given', async () => {
      const plain = aCode({ nonce: null, codeChallenge: null, codeChallengeMethod: null, scopes: [] });
      await storage().codes.create(plain);
      assert.deepEqual(await storage().codes.consume('code-hash-1', T0), {
        kind: 'consumed',
        code: { ...plain, consumedAt: T0 },
      });
    });

    it('refuses a second code with the same hash with a conflict', async () => {
      await storage().codes.create(aCode());
      await assert.rejects(
        storage().codes.create(aCode()),
        (e: unknown) => e instanceof StorageError && e.kind === 'conflict',
      );
    });

    it('lets exactly one of ten concurrent redemptions consume the code', async () => {
      await storage().codes.create(aCode());
      const results = await Promise.all(
        Array.from({ length: 10 }, () => storage().codes.consume('code-hash-1', T0)),
      );
      assert.equal(results.filter((r) => r.kind === 'consumed').length, 1);
      assert.equal(results.filter((r) => r.kind === 'reused').length, 9);
    });
  });

  describe('grants', () => {
    const storage = useStorage(factory);

    it('returns null for an unknown grant and stores a grant as given', async () => {
      assert.equal(await storage().grants.get('grant-1'), null);
      await storage().grants.create(aGrant({ sessionId: null }));
      assert.deepEqual(await storage().grants.get('grant-1'), aStoredGrant({ sessionId: null }));
    });

    it('revoking is idempotent and keeps the first revocation time', async () => {
      await storage().grants.create(aGrant());
      await storage().grants.revoke('grant-1', T0 + 1);
      await storage().grants.revoke('grant-1', T0 + 2);
      await storage().grants.revoke('unknown', T0);
      assert.equal((await storage().grants.get('grant-1'))?.revokedAt, T0 + 1);
    });

    it('revoking a grant ends its refresh tokens: they no longer rotate', async () => {
      await storage().grants.create(aGrant());
      await storage().refreshTokens.create(aRefreshToken());
      await storage().grants.revoke('grant-1', T0 + 1);
      assert.equal(await storage().refreshTokens.get('refresh-hash-1'), null);
      assert.deepEqual(await storage().refreshTokens.rotate('refresh-hash-1', successor(1), T0 + 2, GRACE), {
        kind: 'not_found',
      });
      assert.equal(await storage().refreshTokens.get(successor(1).tokenHash), null);
    });

    it('withdrawing consent revokes every grant of that user for that client only', async () => {
      const s = storage();
      await s.grants.create(aGrant());
      await s.grants.create(aGrant({ id: 'grant-2' }));
      await s.grants.create(aGrant({ id: 'grant-3', clientId: 'client-2' }));
      await s.grants.create(aGrant({ id: 'grant-4', userId: 'user-2' }));
      await s.refreshTokens.create(aRefreshToken({ grantId: 'grant-2' }));
      await s.grants.revokeForUserClient('user-1', 'client-1', T0 + 5);
      assert.equal((await s.grants.get('grant-1'))?.revokedAt, T0 + 5);
      assert.equal((await s.grants.get('grant-2'))?.revokedAt, T0 + 5);
      assert.equal((await s.grants.get('grant-3'))?.revokedAt, null);
      assert.equal((await s.grants.get('grant-4'))?.revokedAt, null);
      assert.equal(await s.refreshTokens.get('refresh-hash-1'), null);
    });

    it('refuses a refresh token for an unknown grant with a conflict', async () => {
      await assert.rejects(
        storage().refreshTokens.create(aRefreshToken()),
        (e: unknown) => e instanceof StorageError && e.kind === 'conflict',
      );
    });
  });

  describe('refresh token rotation', () => {
    const storage = useStorage(factory);
    const setup = async (): Promise<Storage> => {
      const s = storage();
      await s.grants.create(aGrant());
      await s.refreshTokens.create(aRefreshToken());
      return s;
    };

    it('returns null for an unknown token and reports its rotation as not_found', async () => {
      assert.equal(await storage().refreshTokens.get('nope'), null);
      assert.deepEqual(await storage().refreshTokens.rotate('nope', successor(1), T0, GRACE), {
        kind: 'not_found',
      });
    });

    it('rotates an active token: it points at its stored successor', async () => {
      const s = await setup();
      assert.deepEqual(await s.refreshTokens.rotate('refresh-hash-1', successor(1), T0 + 1000, GRACE), {
        kind: 'rotated',
        previous: aRefreshToken(),
      });
      assert.deepEqual(
        await s.refreshTokens.get('refresh-hash-1'),
        aRefreshToken({ rotatedAt: T0 + 1000, replacedBy: successor(1).tokenHash }),
      );
      assert.deepEqual(await s.refreshTokens.get(successor(1).tokenHash), successor(1));
    });

    it('a retry within the grace window withdraws the earlier successor; presenting that one later is reuse', async () => {
      const s = await setup();
      await s.refreshTokens.rotate('refresh-hash-1', successor(1), T0 + 1000, GRACE);
      const retry = await s.refreshTokens.rotate(
        'refresh-hash-1',
        successor(2),
        T0 + 1000 + GRACE - 1,
        GRACE,
      );
      assert.equal(retry.kind, 'grace');
      assert.equal((await s.refreshTokens.get(successor(1).tokenHash))?.withdrawnAt, T0 + 1000 + GRACE - 1);
      const late = await s.refreshTokens.rotate(successor(1).tokenHash, successor(3), T0 + 2000, GRACE);
      assert.equal(late.kind, 'reused', 'whoever holds the withdrawn token is not the one that retried');
      assert.equal(await s.refreshTokens.get(successor(3).tokenHash), null, 'no successor stored for reuse');
      assert.deepEqual(await s.refreshTokens.get(successor(2).tokenHash), successor(2));
      assert.equal((await s.refreshTokens.get('refresh-hash-1'))?.replacedBy, successor(2).tokenHash);
      assert.equal(
        (await s.refreshTokens.rotate(successor(2).tokenHash, successor(4), T0 + 3000, GRACE)).kind,
        'rotated',
      );
    });

    it('reports reuse once the grace window has passed, and stores no successor', async () => {
      const s = await setup();
      await s.refreshTokens.rotate('refresh-hash-1', successor(1), T0 + 1000, GRACE);
      const late = await s.refreshTokens.rotate('refresh-hash-1', successor(2), T0 + 1000 + GRACE, GRACE);
      assert.equal(late.kind, 'reused');
      assert.equal(late.kind === 'reused' && late.previous.grantId, 'grant-1');
      assert.equal(await s.refreshTokens.get(successor(2).tokenHash), null);
      assert.notEqual(await s.refreshTokens.get(successor(1).tokenHash), null);
    });

    it('reports reuse within the grace window when the successor has already been used', async () => {
      const s = await setup();
      await s.refreshTokens.rotate('refresh-hash-1', successor(1), T0 + 1000, GRACE);
      await s.refreshTokens.rotate(successor(1).tokenHash, successor(2), T0 + 2000, GRACE);
      assert.equal(
        (await s.refreshTokens.rotate('refresh-hash-1', successor(3), T0 + 3000, GRACE)).kind,
        'reused',
      );
      assert.equal(await s.refreshTokens.get(successor(3).tokenHash), null);
    });

    it('reports an expired token as expired and stores no successor', async () => {
      const s = await setup();
      const result = await s.refreshTokens.rotate(
        'refresh-hash-1',
        successor(1),
        aRefreshToken().expiresAt,
        GRACE,
      );
      assert.deepEqual(result, { kind: 'expired', previous: aRefreshToken() });
      assert.equal(await s.refreshTokens.get(successor(1).tokenHash), null);
    });

    it('lets exactly one of ten concurrent rotations rotate; the others are reuse', async () => {
      const s = await setup();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          s.refreshTokens.rotate('refresh-hash-1', successor(i), T0 + 1000, 0),
        ),
      );
      assert.equal(results.filter((r) => r.kind === 'rotated').length, 1);
      assert.equal(results.filter((r) => r.kind === 'reused').length, 9);
    });

    it('concurrent retries within the grace window leave exactly one live successor', async () => {
      const s = await setup();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          s.refreshTokens.rotate('refresh-hash-1', successor(i), T0 + 1000, GRACE),
        ),
      );
      assert.equal(results.filter((r) => r.kind === 'rotated').length, 1);
      assert.equal(results.filter((r) => r.kind === 'grace').length, 9);
      const live = [];
      for (let i = 0; i < 10; i++) {
        const token = await s.refreshTokens.get(successor(i).tokenHash);
        if (token !== null && token.withdrawnAt === null) live.push(i);
      }
      assert.equal(live.length, 1);
      assert.equal(
        (await s.refreshTokens.get('refresh-hash-1'))?.replacedBy,
        successor(live[0] ?? -1).tokenHash,
      );
    });
  });

  describe('purgeExpired', () => {
    const storage = useStorage(factory);

    it('removes expired sessions, interactions, codes, grants, refresh tokens and old throttle hits, and keeps live ones', async () => {
      const s = storage();
      const cut = T0 + 5 * MINUTE;
      await s.sessions.create(aSession({ id: 'old', secretHash: 'old', expiresAt: cut }));
      await s.sessions.create(aSession({ id: 'live', secretHash: 'live', expiresAt: cut + 1 }));
      await s.interactions.create(anInteraction({ id: 'old', expiresAt: cut }));
      await s.interactions.create(anInteraction({ id: 'live', expiresAt: cut + 1 }));
      await s.codes.create(aCode({ codeHash: 'old', expiresAt: cut }));
      await s.codes.create(aCode({ codeHash: 'live', expiresAt: cut + 1 }));
      await s.grants.create(aGrant({ id: 'old', expiresAt: cut }));
      await s.grants.create(aGrant({ id: 'live', expiresAt: cut + DAY }));
      await s.refreshTokens.create(
        aRefreshToken({ tokenHash: 'of-old-grant', grantId: 'old', expiresAt: cut + DAY }),
      );
      await s.refreshTokens.create(aRefreshToken({ tokenHash: 'old', grantId: 'live', expiresAt: cut }));
      await s.refreshTokens.create(aRefreshToken({ tokenHash: 'live', grantId: 'live', expiresAt: cut + 1 }));
      await s.throttle.hit('old', cut - 2 * DAY, MINUTE);
      await s.throttle.hit('live', cut - MINUTE, MINUTE);

      await s.purgeExpired(cut);

      assert.equal(await s.sessions.get('old', T0), null);
      assert.notEqual(await s.sessions.get('live', T0), null);
      assert.equal(await s.interactions.get('old', T0), null);
      assert.notEqual(await s.interactions.get('live', T0), null);
      assert.deepEqual(await s.codes.consume('old', T0), { kind: 'not_found' });
      assert.equal((await s.codes.consume('live', T0)).kind, 'consumed');
      assert.equal(await s.grants.get('old'), null);
      assert.notEqual(await s.grants.get('live'), null);
      assert.equal(await s.refreshTokens.get('of-old-grant'), null);
      assert.equal(await s.refreshTokens.get('old'), null);
      assert.notEqual(await s.refreshTokens.get('live'), null);
      assert.equal(await s.throttle.count('old', cut, 3 * DAY), 0);
      assert.equal(await s.throttle.count('live', cut, 3 * DAY), 1);
    });
  });
}
