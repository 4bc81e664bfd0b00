// Several processes sharing one database: each DynamicClientRegistry follows the changes the
// others make (sync, catchUp). Two registries over one storage stand for two processes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { hashToken } from '../lib/ids.js';
import { createMemoryStorage } from '../storage/memory/memory-storage.js';
import { StorageError, type DynamicClientRecord, type DynamicClientStore } from '../storage/types.js';
import { withDynamicClients } from './dynamic-client-lookup.js';
import { DynamicClientRegistry } from './dynamic-client-registry.js';
import { lookupWithImplicitTrust } from './implicit-trust.js';
import { ClientRegistry } from './registry.js';
import { testClient } from './test-client.js';

const ISSUER = 'https://sso.example.com';
const quiet = pino({ enabled: false });

function record(
  clientId: string,
  metadata: Record<string, unknown> = {},
  updatedAt = 1,
): DynamicClientRecord {
  return {
    clientId,
    metadata: {
      redirect_uris: ['https://rp.example.org/cb'],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      application_type: 'web',
      token_endpoint_auth_method: 'client_secret_basic',
      ...metadata,
    },
    secretHash: hashToken(`${clientId}-secret`),
    registrationTokenHash: hashToken(`${clientId}-token-${updatedAt}`),
    createdAt: 1,
    updatedAt,
  };
}

/** The store, counting the clients read one by one and failing while `failing` is set. */
function countingStore(store: DynamicClientStore) {
  const counts = { get: 0, stamps: 0 };
  const state: { failing: boolean; corrupt: string | null } = { failing: false, corrupt: null };
  const fail = () => {
    if (state.failing) throw new StorageError('unavailable', 'database unreachable');
  };
  const wrapped: DynamicClientStore = {
    ...store,
    async get(clientId) {
      fail();
      counts.get++;
      if (clientId === state.corrupt) throw new StorageError('corrupt', 'metadata is not JSON');
      return store.get(clientId);
    },
    async stamps() {
      fail();
      counts.stamps++;
      return store.stamps();
    },
  };
  return { store: wrapped, counts, state };
}

function logLines(): { log: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

/** Process A registers through its registry; process B only reads the same storage. */
async function twoProcesses(log = quiet) {
  const storage = createMemoryStorage();
  const a = await DynamicClientRegistry.load({ store: storage.dynamicClients, issuer: ISSUER, log: quiet });
  const counted = countingStore(storage.dynamicClients);
  const b = await DynamicClientRegistry.load({ store: counted.store, issuer: ISSUER, log });
  return { storage, a, b, counts: counted.counts, state: counted.state };
}

describe('dynamic clients registered, changed or deleted by another process', () => {
  it('are followed by sync: a new client, a changed one, a deleted one', async () => {
    const { a, b } = await twoProcesses();
    await a.create(record('dyn-a'));
    await a.create(record('dyn-b'));
    assert.equal(b.get('dyn-a'), null, 'not seen before a sync');
    await b.sync();
    assert.deepEqual(
      b.all().map((c) => c.id),
      ['dyn-a', 'dyn-b'],
    );

    const listed = b.all();
    assert.equal(
      await a.update(record('dyn-a', { client_name: 'Renamed' }, 2), hashToken('dyn-a-token-1')),
      true,
    );
    assert.equal(await a.delete('dyn-b', hashToken('dyn-b-token-1')), true);
    await b.sync();
    assert.equal(b.get('dyn-a')?.name, 'Renamed');
    assert.equal(b.get('dyn-b'), null);
    assert.notEqual(b.all(), listed, 'a new list after the change');
    assert.deepEqual(
      b.all().map((c) => c.id),
      ['dyn-a'],
    );
  });

  it('read only the clients whose stamp changed', async () => {
    const { a, b, counts } = await twoProcesses();
    for (const id of ['dyn-a', 'dyn-b', 'dyn-c']) await a.create(record(id));
    await b.sync();
    assert.equal(counts.get, 3);
    await b.sync();
    await b.sync();
    assert.equal(counts.get, 3, 'unchanged clients are not read again');
    await a.update(record('dyn-b', {}, 2), hashToken('dyn-b-token-1'));
    await b.sync();
    assert.equal(counts.get, 4, 'only the changed one is read');
    assert.equal(counts.stamps, 4);
  });

  it('log a stored client that breaks the rules once per version, not once per sync', async () => {
    const { log, lines } = logLines();
    const { storage, b } = await twoProcesses(log);
    await storage.dynamicClients.create(
      record('dyn-bad', { redirect_uris: ['https://rp.example.org/cb#x=y'] }),
    );
    await b.sync();
    await b.sync();
    assert.equal(b.get('dyn-bad'), null);
    assert.equal(lines.filter((line) => line.client_id === 'dyn-bad').length, 1);
  });

  it('follow the other clients, deletions included, when one stored record cannot be read', async () => {
    const { log, lines } = logLines();
    const { a, b, counts, state } = await twoProcesses(log);
    await a.create(record('dyn-a'));
    await a.create(record('dyn-b'));
    await b.sync();
    await a.update(record('dyn-a', { client_name: 'Renamed' }, 2), hashToken('dyn-a-token-1'));
    await a.delete('dyn-b', hashToken('dyn-b-token-1'));
    await a.create(record('dyn-c'));
    state.corrupt = 'dyn-a';
    await b.sync();
    assert.equal(b.get('dyn-a'), null, 'the unreadable one is not served');
    assert.equal(b.get('dyn-b'), null, 'the deletion is followed');
    assert.equal(b.get('dyn-c')?.id, 'dyn-c', 'the new one is served');
    const reads = counts.get;
    await b.sync();
    assert.equal(counts.get, reads, 'the unreadable version is not read again every pass');
    assert.equal(lines.filter((line) => line.client_id === 'dyn-a').length, 1);
  });

  it('bring a client registered elsewhere at once through catchUp, one read per id however many ask', async () => {
    const { a, b, counts } = await twoProcesses();
    await a.create(record('dyn-new'));
    await Promise.all([b.catchUp('dyn-new'), b.catchUp('dyn-new'), b.catchUp('dyn-new')]);
    assert.equal(b.get('dyn-new')?.id, 'dyn-new');
    assert.equal(counts.get, 1);
    await b.catchUp('dyn-new');
    assert.equal(counts.get, 1, 'a client already held is not read again');
  });

  it('never read storage in catchUp for an id without the dynamic prefix', async () => {
    const { b, counts } = await twoProcesses();
    await b.catchUp('wiki');
    await b.catchUp('');
    assert.equal(counts.get, 0);
  });

  it('read at most 20 unknown ids a second in catchUp', async () => {
    const { b, counts } = await twoProcesses();
    await Promise.all(Array.from({ length: 50 }, (_, i) => b.catchUp(`dyn-made-up-${i}`)));
    assert.equal(counts.get, 20);
  });

  it('reject catchUp with the StorageError when storage fails, and keep what is served', async () => {
    const { a, b, state } = await twoProcesses();
    await a.create(record('dyn-a'));
    await b.sync();
    state.failing = true;
    await assert.rejects(
      b.catchUp('dyn-other'),
      (error: unknown) => error instanceof StorageError && error.kind === 'unavailable',
    );
    await assert.rejects(b.sync(), StorageError);
    assert.equal(b.get('dyn-a')?.id, 'dyn-a', 'still served while storage is down');
  });

  it('sync on a timer once started, log a failing storage once and its return, and stop', async () => {
    const { log, lines } = logLines();
    const { a, b, state } = await twoProcesses(log);
    b.startSync(10);
    try {
      await a.create(record('dyn-a'));
      await waitFor(() => b.get('dyn-a') !== null);
      state.failing = true;
      await sleep(60);
      state.failing = false;
      await a.create(record('dyn-b'));
      await waitFor(() => b.get('dyn-b') !== null);
      const messages = lines.map((line) => line.msg);
      assert.equal(messages.filter((m) => String(m).includes('could not be read')).length, 1);
      assert.equal(messages.filter((m) => String(m).includes('followed again')).length, 1);
    } finally {
      b.stop();
    }
    await a.create(record('dyn-c'));
    await sleep(40);
    assert.equal(b.get('dyn-c'), null, 'no sync after stop');
  });

  it('leave catchUp alone for an id the registration file has', async () => {
    const { b, counts } = await twoProcesses();
    const file = ClientRegistry.fromClients([testClient({ id: 'dyn-file' })]);
    const lookup = withDynamicClients(file, b);
    await lookup.catchUp?.('dyn-file');
    await lookup.catchUp?.('dyn-elsewhere');
    assert.equal(counts.get, 1, 'only the id the file does not have');
  });
});

describe("the token endpoint's lookup, with Konnect's implicit trust", () => {
  const KONNECT = {
    anySecretForSecretlessClients: true,
    redirectUriIgnoresQuery: true,
    implicitTrustOnIssuerHost: true,
    lenientTokenRequests: true,
    trustedClientsGetAllScopes: true,
  };

  it('catches up on a client registered elsewhere, and never trusts a dyn- id it does not know', async () => {
    const { a, b } = await twoProcesses();
    const lookup = lookupWithImplicitTrust(
      withDynamicClients(ClientRegistry.fromClients([]), b),
      `${ISSUER}/app/cb`,
      ISSUER,
      KONNECT,
    );
    assert.equal(lookup.get('dyn-unknown'), null, 'a dyn- id is never implicitly trusted');
    assert.equal(lookup.get('made-up')?.id, 'made-up', 'another unregistered id on the issuer host is');
    await a.create(record('dyn-new'));
    await lookup.catchUp?.('dyn-new');
    assert.equal(lookup.get('dyn-new')?.name, 'dyn-new');
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(10);
  assert.ok(condition(), 'condition not met within 2 s');
}
