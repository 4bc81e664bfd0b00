import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { RegistryReloadOutcome, RegistryReloadTrigger } from '../metrics/metrics.js';
import { ClientRegistry } from './registry.js';

const compat = {
  anySecretForSecretlessClients: false,
  redirectUriIgnoresQuery: false,
  implicitTrustOnIssuerHost: false,
  lenientTokenRequests: false,
  trustedClientsGetAllScopes: false,
};

const clientsFile = (...ids: string[]): string =>
  `clients:\n${ids.map((id) => `  - id: ${id}\n    trusted: yes\n    redirect_uris: [https://${id}.example/cb]\n`).join('')}`;

async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) assert.fail('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('ClientRegistry metrics', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sesame-registry-metrics-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts reloads by outcome and trigger, and reports the clients in force', async () => {
    const file = join(dir, 'clients.yaml');
    await writeFile(file, clientsFile('a', 'b', 'c', 'd'));
    const reloads: [RegistryReloadOutcome, RegistryReloadTrigger][] = [];
    const clients: number[] = [];
    const registry = await ClientRegistry.open({
      file,
      issuer: 'https://id.example',
      compat,
      log: pino({ enabled: false }),
      maxFileBytes: 1 << 20,
      metrics: {
        registryReload: (outcome, trigger) => void reloads.push([outcome, trigger]),
        registryClients: (count) => void clients.push(count),
      },
    });
    try {
      assert.deepEqual(clients, [4], 'the first load is not a reload');
      await writeFile(file, clientsFile('a', 'b', 'c'));
      assert.equal(await registry.reload(), true);
      await writeFile(file, 'clients: [');
      assert.equal(await registry.reload(), false);
      registry.watch();
      await writeFile(file, clientsFile('z'));
      await eventually(() => reloads.length === 3);
      assert.deepEqual(reloads, [
        ['applied', 'explicit'],
        ['refused', 'explicit'],
        ['held_back', 'watch'],
      ]);
      assert.deepEqual(clients, [4, 3]);
    } finally {
      registry.close();
    }
  });
});
