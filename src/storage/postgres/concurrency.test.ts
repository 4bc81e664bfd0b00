import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import {
  aCode,
  aDelivery,
  aGeneratedKey,
  aGrant,
  aRefreshToken,
  aSession,
  successor,
  T0,
} from '../conformance/fixtures.js';
import type { Storage } from '../types.js';
import { createPostgresStorage } from './postgres-storage.js';
import { openTestSchemas } from './test-database.js';

/**
 * Two Sesame instances on one PostgreSQL database (DESIGN.md "Scaling out"): two separate pools
 * on one schema, racing each other.
 */

const schemas = await openTestSchemas();

if ('skip' in schemas) {
  describe('two instances on one PostgreSQL database', { skip: schemas.skip }, () => {});
} else {
  after(() => schemas.dropAll());

  /** Runs `fn` with two instances on a fresh schema, closing both afterwards. */
  const withTwo = async (fn: (a: Storage, b: Storage) => Promise<void>): Promise<void> => {
    const { url } = await schemas.create();
    const a = await createPostgresStorage(url);
    const b = await createPostgresStorage(url);
    try {
      await fn(a, b);
    } finally {
      await a.close();
      await b.close();
    }
  };
  const either = (a: Storage, b: Storage, i: number): Storage => (i % 2 === 0 ? a : b);

  describe('two instances on one PostgreSQL database', () => {
    it('redeem an authorization code exactly once between them', async () => {
      await withTwo(async (a, b) => {
        await a.codes.create(aCode());
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => either(a, b, i).codes.consume('code-hash-1', T0)),
        );
        assert.equal(results.filter((r) => r.kind === 'consumed').length, 1);
        assert.equal(results.filter((r) => r.kind === 'reused').length, 9);
      });
    });

    it('rotate a refresh token once between them; the others are reuse', async () => {
      await withTwo(async (a, b) => {
        await a.grants.create(aGrant());
        await a.refreshTokens.create(aRefreshToken());
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            either(a, b, i).refreshTokens.rotate('refresh-hash-1', successor(i), T0 + 1000, 0),
          ),
        );
        assert.equal(results.filter((r) => r.kind === 'rotated').length, 1);
        assert.equal(results.filter((r) => r.kind === 'reused').length, 9);
        const stored = await Promise.all(
          Array.from({ length: 10 }, (_, i) => b.refreshTokens.get(successor(i).tokenHash)),
        );
        assert.equal(stored.filter((t) => t !== null).length, 1, 'exactly one new token');
      });
    });

    it('treat concurrent retries within the grace window as retries, leaving one live successor', async () => {
      await withTwo(async (a, b) => {
        await a.grants.create(aGrant());
        await a.refreshTokens.create(aRefreshToken());
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            either(a, b, i).refreshTokens.rotate('refresh-hash-1', successor(i), T0 + 1000, 10_000),
          ),
        );
        assert.equal(results.filter((r) => r.kind === 'rotated').length, 1);
        assert.equal(results.filter((r) => r.kind === 'grace').length, 9);
        const stored = await Promise.all(
          Array.from({ length: 10 }, (_, i) => a.refreshTokens.get(successor(i).tokenHash)),
        );
        assert.equal(stored.filter((t) => t !== null && t.withdrawnAt === null).length, 1);
      });
    });

    it('see a session deleted through one as gone through the other', async () => {
      await withTwo(async (a, b) => {
        await a.sessions.create(aSession());
        assert.notEqual(await b.sessions.get('session-1', T0), null);
        await b.sessions.delete('session-1');
        assert.equal(await a.sessions.get('session-1', T0), null);
      });
    });

    it('purge one at a time: a purge while another holds the lock is skipped', async () => {
      const { url } = await schemas.create();
      const storage = await createPostgresStorage(url);
      const other = new pg.Client({ connectionString: url });
      await other.connect();
      try {
        const ended = aSession().expiresAt;
        await storage.sessions.create(aSession());
        // Another instance's purge, holding the purge lock in its transaction.
        await other.query('begin');
        await other.query(
          `select pg_advisory_xact_lock(${0x5e5a3f}, hashtext(coalesce(current_schema(), '')))`,
        );
        await storage.purgeExpired(ended);
        assert.notEqual(await storage.sessions.get('session-1', T0), null, 'skipped while the other purges');
        await other.query('commit');
        await storage.purgeExpired(ended);
        assert.equal(await storage.sessions.get('session-1', T0), null, 'purged once the lock is free');
      } finally {
        await other.end();
        await storage.close();
      }
    });

    it('never hand one back-channel delivery to both', async () => {
      await withTwo(async (a, b) => {
        for (let i = 0; i < 30; i++) await a.backchannelDeliveries.enqueue(aDelivery({ id: `d-${i}` }));
        const claims = await Promise.all(
          Array.from({ length: 12 }, (_, i) => either(a, b, i).backchannelDeliveries.claimDue(T0, 3, 60_000)),
        );
        const claimed = claims.flat().map((d) => d.id);
        assert.equal(new Set(claimed).size, claimed.length, 'no delivery handed out twice');
        assert.equal(claimed.length, 30);
        assert.deepEqual(await b.backchannelDeliveries.claimDue(T0, 100, 60_000), []);
      });
    });

    it('let exactly one use a value once', async () => {
      await withTwo(async (a, b) => {
        const uses = await Promise.all(
          Array.from({ length: 10 }, (_, i) => either(a, b, i).once.use('client-1|jti-1', T0 + 60_000, T0)),
        );
        assert.equal(uses.filter((u) => u).length, 1);
      });
    });

    it('end up with one generated signing key when both store theirs at once', async () => {
      await withTwo(async (a, b) => {
        const stored = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            either(a, b, i).generatedKeys.insertIfAbsent(
              aGeneratedKey({ kid: `kid-${i}`, sealedKey: `v1.${i}` }),
            ),
          ),
        );
        assert.equal(new Set(stored.map((k) => k.kid)).size, 1, 'every caller got the same key');
        assert.deepEqual(await a.generatedKeys.list('RS256'), [stored[0]]);
        assert.deepEqual(await b.generatedKeys.list('RS256'), [stored[0]]);
      });
    });

    it('store exactly one of two rotations racing for the next key', async () => {
      await withTwo(async (a, b) => {
        await a.generatedKeys.insertIfAbsent(aGeneratedKey());
        const rotated = (kid: string) =>
          aGeneratedKey({ seq: 2, kid, sealedKey: `v1.${kid}`, createdAt: T0 + 1000, signsFrom: T0 + 2000 });
        const added = await Promise.all([
          a.generatedKeys.add(rotated('kid-a')),
          b.generatedKeys.add(rotated('kid-b')),
        ]);
        assert.equal(added.filter((ok) => ok).length, 1, `exactly one added, got ${added.join(', ')}`);
        const ring = [aGeneratedKey(), rotated(added[0] ? 'kid-a' : 'kid-b')];
        assert.deepEqual(await a.generatedKeys.list('RS256'), ring);
        assert.deepEqual(await b.generatedKeys.list('RS256'), ring);
      });
    });

    it('both start when migrating a new database at the same moment, applying each migration once', async () => {
      const { url } = await schemas.create();
      const ran: (readonly number[])[] = [];
      const instances = await Promise.all(
        Array.from({ length: 2 }, () => createPostgresStorage(url, { onMigrated: (ids) => ran.push(ids) })),
      );
      await Promise.all(instances.map((s) => s.close()));
      assert.deepEqual(
        ran.map((ids) => ids.length).sort(),
        [0, 6],
        'one instance applied all six, the other none',
      );
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query('select id from sesame_migrations order by id');
        assert.deepEqual(
          rows.map((r: { id: number }) => r.id),
          [1, 2, 3, 4, 5, 6],
        );
      } finally {
        await client.end();
      }
    });
  });
}
