import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StorageError, type Storage } from '../types.js';
import { MINUTE, T0, aDynamicClient, aPushedRequest, useStorage } from './fixtures.js';

async function rejectsWithConflict(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (e: unknown) => e instanceof StorageError && e.kind === 'conflict');
}

/**
 * Dynamically registered clients (RFC 7591/7592), values used once (RFC 7523 §3 `jti` replay)
 * and pushed authorization requests (RFC 9126).
 */
export function describeRegistrationAndParCases(factory: () => Promise<Storage>): void {
  describeDynamicClients(factory);
  describeOnce(factory);
  describePushedRequests(factory);
}

function describeDynamicClients(factory: () => Promise<Storage>): void {
  describe('dynamically registered clients', () => {
    const storage = useStorage(factory);
    const TOKEN_HASH = aDynamicClient().registrationTokenHash;

    it('returns null for an unknown client and lists none at first', async () => {
      assert.equal(await storage().dynamicClients.get('nope'), null);
      assert.deepEqual(await storage().dynamicClients.list(), []);
    });

    it('keeps a client and its metadata as given: nested values, unicode, nulls', async () => {
      await storage().dynamicClients.create(aDynamicClient());
      assert.deepEqual(await storage().dynamicClients.get('dyn-client-1'), aDynamicClient());
    });

    it('keeps a public client with no secret hash', async () => {
      const publicClient = aDynamicClient({
        secretHash: null,
        metadata: { token_endpoint_auth_method: 'none' },
      });
      await storage().dynamicClients.create(publicClient);
      assert.deepEqual(await storage().dynamicClients.get('dyn-client-1'), publicClient);
    });

    it('refuses a taken client id with a conflict, and keeps the first', async () => {
      await storage().dynamicClients.create(aDynamicClient());
      await rejectsWithConflict(storage().dynamicClients.create(aDynamicClient({ metadata: {} })));
      assert.deepEqual(await storage().dynamicClients.get('dyn-client-1'), aDynamicClient());
    });

    it('lists every client sorted by id in UTF-16 code unit order', async () => {
      const clients = storage().dynamicClients;
      for (const clientId of ['zeta', 'Zeta', 'alpha', 'älpha', 'a_b', 'a%b', '𝄞'])
        await clients.create(aDynamicClient({ clientId }));
      assert.deepEqual(
        (await clients.list()).map((c) => c.clientId),
        ['Zeta', 'a%b', 'a_b', 'alpha', 'zeta', 'älpha', '𝄞'],
      );
      assert.deepEqual((await clients.list())[0], aDynamicClient({ clientId: 'Zeta' }));
    });

    it('update replaces metadata, hashes and update time, and keeps the creation time', async () => {
      const clients = storage().dynamicClients;
      await clients.create(aDynamicClient());
      const changed = aDynamicClient({
        metadata: { redirect_uris: ['https://rp.example.org/other'], client_name: 'Renamed' },
        secretHash: null,
        registrationTokenHash: 'registration-token-hash-2',
        createdAt: T0 + 999,
        updatedAt: T0 + MINUTE,
      });
      assert.equal(await clients.update(changed, TOKEN_HASH), true);
      assert.deepEqual(await clients.get('dyn-client-1'), { ...changed, createdAt: T0 });
    });

    it('stamps name every client with its token hash and update time, and follow each change', async () => {
      const clients = storage().dynamicClients;
      assert.deepEqual(await clients.stamps(), []);
      await clients.create(aDynamicClient({ clientId: 'dyn-b' }));
      await clients.create(aDynamicClient({ clientId: 'dyn-a', updatedAt: T0 + 5 }));
      assert.deepEqual(await clients.stamps(), [
        { clientId: 'dyn-a', registrationTokenHash: TOKEN_HASH, updatedAt: T0 + 5 },
        { clientId: 'dyn-b', registrationTokenHash: TOKEN_HASH, updatedAt: T0 },
      ]);
      const changed = aDynamicClient({
        clientId: 'dyn-b',
        registrationTokenHash: 'rotated',
        updatedAt: T0 + MINUTE,
      });
      assert.equal(await clients.update(changed, TOKEN_HASH), true);
      assert.equal(await clients.delete('dyn-a', TOKEN_HASH), true);
      assert.deepEqual(await clients.stamps(), [
        { clientId: 'dyn-b', registrationTokenHash: 'rotated', updatedAt: T0 + MINUTE },
      ]);
    });

    it('update reports false for an unknown client and creates nothing', async () => {
      assert.equal(await storage().dynamicClients.update(aDynamicClient(), TOKEN_HASH), false);
      assert.equal(await storage().dynamicClients.get('dyn-client-1'), null);
    });

    it('update and delete change nothing unless the registration token hash is the expected one', async () => {
      const clients = storage().dynamicClients;
      await clients.create(aDynamicClient());
      const changed = aDynamicClient({ metadata: {}, registrationTokenHash: 'registration-token-hash-2' });
      assert.equal(await clients.update(changed, 'another-token-hash'), false);
      assert.equal(await clients.delete('dyn-client-1', 'another-token-hash'), false);
      assert.deepEqual(await clients.get('dyn-client-1'), aDynamicClient());
    });

    it('of two updates expecting one token hash, only the first is made (token rotation)', async () => {
      const clients = storage().dynamicClients;
      await clients.create(aDynamicClient());
      const first = aDynamicClient({ registrationTokenHash: 'rotated-1', updatedAt: T0 + 1 });
      const second = aDynamicClient({ registrationTokenHash: 'rotated-2', updatedAt: T0 + 2 });
      const results = await Promise.all([
        clients.update(first, TOKEN_HASH),
        clients.update(second, TOKEN_HASH),
      ]);
      assert.deepEqual(
        results.filter((made) => made),
        [true],
      );
      const stored = await clients.get('dyn-client-1');
      assert.deepEqual(stored, results[0] ? first : second);
      assert.equal(await clients.delete('dyn-client-1', TOKEN_HASH), false, 'the old hash deletes nothing');
      assert.equal(await clients.delete('dyn-client-1', stored!.registrationTokenHash), true);
    });

    it('delete removes one client, and reports false when there is none', async () => {
      const clients = storage().dynamicClients;
      await clients.create(aDynamicClient());
      await clients.create(aDynamicClient({ clientId: 'dyn-client-2' }));
      assert.equal(await clients.delete('dyn-client-1', TOKEN_HASH), true);
      assert.equal(await clients.delete('dyn-client-1', TOKEN_HASH), false);
      assert.equal(await clients.get('dyn-client-1'), null);
      assert.deepEqual(
        (await clients.list()).map((c) => c.clientId),
        ['dyn-client-2'],
      );
      await clients.create(aDynamicClient());
    });

    it('changing metadata after storing or reading it does not change the stored one', async () => {
      const client = aDynamicClient();
      await storage().dynamicClients.create(client);
      (client.metadata['redirect_uris'] as string[]).push('https://evil.example/cb');
      const read = await storage().dynamicClients.get('dyn-client-1');
      (read?.metadata['grant_types'] as string[]).push('implicit');
      assert.deepEqual(await storage().dynamicClients.get('dyn-client-1'), aDynamicClient());
    });
  });
}

function describeOnce(factory: () => Promise<Storage>): void {
  describe('values used once', () => {
    const storage = useStorage(factory);
    const EXP = T0 + 5 * MINUTE;

    it('accepts a key the first time and refuses it while it is live', async () => {
      const once = storage().once;
      assert.equal(await once.use('client-1|jti-1', EXP, T0), true);
      assert.equal(await once.use('client-1|jti-1', EXP, T0 + 1), false);
      assert.equal(await once.use('client-1|jti-1', EXP, EXP - 1), false);
    });

    it('tells keys apart exactly', async () => {
      const once = storage().once;
      assert.equal(await once.use('client-1|jti-1', EXP, T0), true);
      for (const other of [
        'client-1|JTI-1',
        'client-2|jti-1',
        'client-1|jti-1 ',
        'client-1|jti-%',
        'client-1|jti-_',
      ])
        assert.equal(await once.use(other, EXP, T0), true, other);
    });

    it('accepts a key again from the moment its earlier use expires', async () => {
      const once = storage().once;
      await once.use('k', EXP, T0);
      assert.equal(await once.use('k', EXP + 5 * MINUTE, EXP), true);
      assert.equal(await once.use('k', EXP + 5 * MINUTE, EXP + 1), false, 'the new use holds it');
      assert.equal(await once.use('k', EXP + 10 * MINUTE, EXP + 5 * MINUTE), true);
    });

    it('a refused use does not extend the earlier one', async () => {
      const once = storage().once;
      await once.use('k', EXP, T0);
      assert.equal(await once.use('k', EXP + 60 * MINUTE, T0 + 1), false);
      assert.equal(await once.use('k', EXP + 60 * MINUTE, EXP), true);
    });

    it('lets exactly one of ten concurrent uses of a new key succeed', async () => {
      const once = storage().once;
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => once.use('k', EXP, T0 + i)));
      assert.equal(results.filter((r) => r).length, 1);
    });

    it('lets exactly one of ten concurrent uses of an expired key succeed', async () => {
      const once = storage().once;
      await once.use('k', T0 + 1, T0);
      const results = await Promise.all(Array.from({ length: 10 }, () => once.use('k', EXP, T0 + 1)));
      assert.equal(results.filter((r) => r).length, 1);
    });

    it('purgeExpired forgets expired keys and keeps live ones', async () => {
      const s = storage();
      const cut = T0 + MINUTE;
      await s.once.use('old', cut, T0);
      await s.once.use('live', cut + 1, T0);
      await s.purgeExpired(cut);
      // Asked at an earlier time, when both would be live: only the live one is remembered.
      assert.equal(await s.once.use('old', cut, T0), true);
      assert.equal(await s.once.use('live', cut + 1, T0), false);
    });
  });
}

function describePushedRequests(factory: () => Promise<Storage>): void {
  describe('pushed authorization requests', () => {
    const storage = useStorage(factory);

    it('takes nothing for an unknown request uri', async () => {
      assert.equal(await storage().pushedRequests.take('nope', 'client-1', T0), null);
    });

    it('takes a pushed request once, as given', async () => {
      await storage().pushedRequests.create(aPushedRequest());
      assert.deepEqual(
        await storage().pushedRequests.take('request-uri-hash-1', 'client-1', T0),
        aPushedRequest(),
      );
      assert.equal(await storage().pushedRequests.take('request-uri-hash-1', 'client-1', T0), null);
    });

    it('gives a request only to the client that pushed it, and keeps it from any other', async () => {
      const requests = storage().pushedRequests;
      await requests.create(aPushedRequest());
      assert.equal(await requests.take('request-uri-hash-1', 'client-2', T0), null);
      assert.equal(await requests.countLive(T0, 'client-1'), 1, 'the wrong client deleted nothing');
      assert.deepEqual(await requests.take('request-uri-hash-1', 'client-1', T0), aPushedRequest());
    });

    it('takes a request until it expires, and not from then on', async () => {
      const requests = storage().pushedRequests;
      const end = aPushedRequest().expiresAt;
      await requests.create(aPushedRequest());
      await requests.create(aPushedRequest({ requestUriHash: 'h2' }));
      assert.deepEqual(await requests.take('request-uri-hash-1', 'client-1', end - 1), aPushedRequest());
      assert.equal(await requests.take('h2', 'client-1', end), null);
      // An expired request is not deleted by take: it waits for purgeExpired.
      assert.deepEqual(await requests.take('h2', 'client-1', T0), aPushedRequest({ requestUriHash: 'h2' }));
    });

    it('counts the live requests, in all and of one client', async () => {
      const requests = storage().pushedRequests;
      const end = aPushedRequest().expiresAt;
      assert.equal(await requests.countLive(T0), 0);
      await requests.create(aPushedRequest());
      await requests.create(aPushedRequest({ requestUriHash: 'h2' }));
      await requests.create(
        aPushedRequest({ requestUriHash: 'h3', clientId: 'client-2', expiresAt: end + 1 }),
      );
      assert.equal(await requests.countLive(T0), 3);
      assert.equal(await requests.countLive(T0, 'client-1'), 2);
      assert.equal(await requests.countLive(T0, 'client-2'), 1);
      assert.equal(await requests.countLive(T0, 'client-3'), 0);
      assert.equal(await requests.countLive(end), 1, 'expired requests are not counted');
      await requests.take('h2', 'client-1', T0);
      assert.equal(await requests.countLive(T0, 'client-1'), 1, 'a taken request is gone');
    });

    it('keeps a request with no parameters', async () => {
      await storage().pushedRequests.create(aPushedRequest({ params: {} }));
      assert.deepEqual(
        await storage().pushedRequests.take('request-uri-hash-1', 'client-1', T0),
        aPushedRequest({ params: {} }),
      );
    });

    it('refuses a taken hash with a conflict, and keeps the first', async () => {
      await storage().pushedRequests.create(aPushedRequest());
      await rejectsWithConflict(storage().pushedRequests.create(aPushedRequest({ clientId: 'client-2' })));
      assert.deepEqual(
        await storage().pushedRequests.take('request-uri-hash-1', 'client-1', T0),
        aPushedRequest(),
      );
    });

    it('gives a request to exactly one of ten concurrent takers', async () => {
      const requests = storage().pushedRequests;
      await requests.create(aPushedRequest());
      const taken = await Promise.all(
        Array.from({ length: 10 }, () => requests.take('request-uri-hash-1', 'client-1', T0)),
      );
      assert.deepEqual(
        taken.filter((r) => r !== null),
        [aPushedRequest()],
      );
    });

    it('changing parameters after pushing does not change the stored request', async () => {
      const params: Record<string, string> = { ...aPushedRequest().params };
      await storage().pushedRequests.create(aPushedRequest({ params }));
      params['redirect_uri'] = 'https://evil.example/cb';
      assert.deepEqual(
        await storage().pushedRequests.take('request-uri-hash-1', 'client-1', T0),
        aPushedRequest(),
      );
    });

    it('purgeExpired removes expired requests and keeps live ones', async () => {
      const s = storage();
      const cut = T0 + 5 * MINUTE;
      await s.pushedRequests.create(aPushedRequest({ requestUriHash: 'old', expiresAt: cut }));
      await s.pushedRequests.create(aPushedRequest({ requestUriHash: 'live', expiresAt: cut + 1 }));
      await s.purgeExpired(cut);
      assert.equal(await s.pushedRequests.take('old', 'client-1', T0), null);
      assert.notEqual(await s.pushedRequests.take('live', 'client-1', T0), null);
    });
  });
}
