import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { approveGuestScopes } from '../identity/guest/guest.js';
import { hashToken } from '../lib/ids.js';
import { createMemoryStorage } from '../storage/memory/memory-storage.js';
import { StorageError, type DynamicClientRecord } from '../storage/types.js';
import { DYNAMIC_CLIENT_SOURCE, isDynamicClient } from './dynamic-client.js';
import { withDynamicClients } from './dynamic-client-lookup.js';
import { DynamicClientRegistry } from './dynamic-client-registry.js';
import { implicitlyTrustedClient, resolveClient } from './implicit-trust.js';
import { ClientRegistry } from './registry.js';
import { testClient } from './test-client.js';

const ISSUER = 'https://sso.example.com';
const KONNECT = {
  anySecretForSecretlessClients: true,
  redirectUriIgnoresQuery: true,
  implicitTrustOnIssuerHost: true,
  lenientTokenRequests: true,
  trustedClientsGetAllScopes: true,
};

function record(clientId: string, metadata: Record<string, unknown> = {}): DynamicClientRecord {
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
    registrationTokenHash: hashToken(`${clientId}-token`),
    createdAt: 1,
    updatedAt: 1,
  };
}

function logLines(): { log: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

async function loaded(records: readonly DynamicClientRecord[], log = pino({ enabled: false })) {
  const storage = createMemoryStorage();
  for (const r of records) await storage.dynamicClients.create(r);
  const registry = await DynamicClientRegistry.load({ store: storage.dynamicClients, issuer: ISSUER, log });
  return { storage, registry };
}

describe('the dynamically registered clients', () => {
  it('are loaded from storage at start', async () => {
    const { registry } = await loaded([record('dyn-a'), record('dyn-b')]);
    assert.deepEqual(
      registry.all().map((c) => c.id),
      ['dyn-a', 'dyn-b'],
    );
    const client = registry.get('dyn-a');
    assert.equal(client?.source, DYNAMIC_CLIENT_SOURCE);
    assert.equal(client?.secretHash, hashToken('dyn-a-secret'));
    assert.equal(client?.trusted, false);
    assert.ok(client !== null && isDynamicClient(client));
  });

  it('leave out, and log, a stored client whose metadata breaks the registration rules', async () => {
    const { log, lines } = logLines();
    const { registry } = await loaded(
      [record('dyn-good'), record('dyn-bad', { redirect_uris: ['http://rp.example.org/cb'] })],
      log,
    );
    assert.equal(registry.get('dyn-bad'), null);
    assert.ok(registry.get('dyn-good'));
    const line = lines.find((l) => l['client_id'] === 'dyn-bad');
    assert.ok(line, JSON.stringify(lines));
    assert.match(String(line['error']), /must use https/);
  });

  it('keep a client registered for an algorithm the present signing key cannot make', async () => {
    const { registry } = await loaded([record('dyn-rsa', { id_token_signed_response_alg: 'PS256' })]);
    assert.equal(registry.get('dyn-rsa')?.idTokenSignedResponseAlg, 'PS256');
  });

  it('hand out the same list until a change, and a new one after it', async () => {
    const { registry } = await loaded([record('dyn-a')]);
    const before = registry.all();
    assert.equal(registry.all(), before);
    await registry.create(record('dyn-c'));
    const after = registry.all();
    assert.notEqual(after, before);
    assert.deepEqual(
      before.map((c) => c.id),
      ['dyn-a'],
      'a list handed out is never changed',
    );
    assert.deepEqual(
      after.map((c) => c.id),
      ['dyn-a', 'dyn-c'],
    );
  });

  it('keep serving what they served when storage refuses a new client', async () => {
    const { registry } = await loaded([record('dyn-a')]);
    const served = registry.get('dyn-a');
    await assert.rejects(
      registry.create(record('dyn-a', { client_name: 'Impostor' })),
      (error: unknown) => error instanceof StorageError && error.kind === 'conflict',
    );
    assert.equal(registry.get('dyn-a'), served);
  });

  it('change a client only with the registration token hash it has now, and keep serving it otherwise', async () => {
    const { storage, registry } = await loaded([record('dyn-a')]);
    const oldHash = hashToken('dyn-a-token');
    const rotated = {
      ...record('dyn-a', { client_name: 'Rotated' }),
      registrationTokenHash: hashToken('new'),
    };
    assert.equal(await registry.update(rotated, oldHash), true);
    assert.equal(registry.get('dyn-a')?.name, 'Rotated');
    const stale = { ...record('dyn-a', { client_name: 'Stale' }), registrationTokenHash: hashToken('other') };
    assert.equal(await registry.update(stale, oldHash), false, 'the old token changes nothing');
    assert.equal(await registry.delete('dyn-a', oldHash), false, 'nor deletes');
    assert.equal(registry.get('dyn-a')?.name, 'Rotated', 'the client is still served');
    assert.equal((await storage.dynamicClients.get('dyn-a'))?.registrationTokenHash, hashToken('new'));
  });

  it('follow storage when an update finds the client deleted by another process', async () => {
    const { storage, registry } = await loaded([record('dyn-a')]);
    await storage.dynamicClients.delete('dyn-a', hashToken('dyn-a-token'));
    assert.equal(await registry.update(record('dyn-a'), hashToken('dyn-a-token')), false);
    assert.equal(registry.get('dyn-a'), null);
  });

  it('count towards the limit on registrations', async () => {
    const storage = createMemoryStorage();
    const registry = await DynamicClientRegistry.load({
      store: storage.dynamicClients,
      issuer: ISSUER,
      log: pino({ enabled: false }),
      maxClients: 2,
    });
    await registry.create(record('dyn-a'));
    assert.equal(registry.full, false);
    await registry.create(record('dyn-b'));
    assert.equal(registry.full, true);
    await registry.delete('dyn-a', hashToken('dyn-a-token'));
    assert.equal(registry.full, false);
  });
});

describe('file and dynamically registered clients together', () => {
  const fileClient = testClient({
    id: 'dyn-clash',
    name: 'From the file',
    redirectUris: ['https://file.example/cb'],
  });
  const wiki = testClient({ id: 'wiki', redirectUris: ['https://wiki.example/cb'] });

  it('lets the registration file win on an id clash', async () => {
    const { registry } = await loaded([record('dyn-clash'), record('dyn-other')]);
    const lookup = withDynamicClients(ClientRegistry.fromClients([fileClient, wiki]), registry);
    assert.equal(lookup.get('dyn-clash'), fileClient);
    assert.equal(lookup.get('dyn-other'), registry.get('dyn-other'));
    assert.equal(lookup.get('nobody'), null);
    assert.deepEqual(
      lookup.all().map((c) => [c.id, c.name]),
      [
        ['dyn-clash', 'From the file'],
        ['wiki', 'wiki'],
        ['dyn-other', 'dyn-other'],
      ],
    );
    assert.equal(isDynamicClient(fileClient), false);
  });

  it('hand out one list until either side changes', async () => {
    const { registry } = await loaded([record('dyn-a')]);
    const lookup = withDynamicClients(ClientRegistry.fromClients([wiki]), registry);
    const first = lookup.all();
    assert.equal(lookup.all(), first);
    await registry.delete('dyn-a', hashToken('dyn-a-token'));
    assert.notEqual(lookup.all(), first);
    assert.deepEqual(
      lookup.all().map((c) => c.id),
      ['wiki'],
    );
  });

  it('never let implicit trust stand in for a dynamically registered client', async () => {
    const { registry } = await loaded([record('dyn-a')]);
    const lookup = withDynamicClients(ClientRegistry.fromClients([wiki]), registry);
    const onIssuer = `${ISSUER}/app/`;
    assert.equal(implicitlyTrustedClient(lookup, 'dyn-a', onIssuer, ISSUER, KONNECT), null);
    const resolved = resolveClient(lookup, 'dyn-a', onIssuer, ISSUER, KONNECT);
    assert.equal(resolved, registry.get('dyn-a'));
    assert.equal(resolved?.trusted, false);
    assert.deepEqual(resolved?.redirectUris, ['https://rp.example.org/cb']);
  });

  it('never let a dynamically registered client sign guests in', async () => {
    const { registry } = await loaded([record('dyn-a')]);
    assert.throws(
      () => approveGuestScopes(['openid', 'konnect/guestok'], registry.get('dyn-a')!, []),
      /does not allow the konnect\/guestok scope/,
    );
  });
});
