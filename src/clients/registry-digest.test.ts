import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { CompatRelaxations } from '../config/types.js';
import { parseRegistration } from './registry-file.js';
import { registryDigest, summarizeRegistry } from './registry-digest.js';
import { ClientRegistry } from './registry.js';

const issuer = 'https://id.example';
const strict: CompatRelaxations = {
  anySecretForSecretlessClients: false,
  redirectUriIgnoresQuery: false,
  implicitTrustOnIssuerHost: false,
  lenientTokenRequests: false,
  trustedClientsGetAllScopes: false,
};
/** The instance secret the digests are keyed with. */
const KEY = new Uint8Array(32).fill(7);
const digestOf = (text: string, file = 'identifier-registration.yaml', key = KEY): string =>
  registryDigest(parseRegistration(text, file, { issuer }).clients, key);

const base = `clients:
  - id: cloud
    name: Cloud
    secret: cloud-secret-0123456789
    redirect_uris: [https://cloud.example/cb, https://cloud.example/cb2]
  - id: meet
    trusted: yes
    application_type: web
    redirect_uris:
      - https://meet.example/meet/#oidc-callback
`;

describe('registryDigest (issue 9)', () => {
  it('is hmac-sha256: and 64 hex digits, the same for the same clients and key', () => {
    assert.match(digestOf(base), /^hmac-sha256:[0-9a-f]{64}$/);
    assert.equal(digestOf(base), digestOf(base));
  });

  it('is keyed: without the instance secret, nobody can test guesses of a client secret', () => {
    assert.notEqual(digestOf(base, undefined, new Uint8Array(32).fill(8)), digestOf(base));
  });

  it('does not change with comments, whitespace, quoting, flow or block style, key order, or the file name', () => {
    const relaidOut = `# the instances' clients
clients:

  # Kopano Meet
  - redirect_uris: ["https://meet.example/meet/#oidc-callback"]
    application_type: 'web'
    trusted: true
    id: meet
  - id:   cloud      # Nextcloud
    redirect_uris:
      - https://cloud.example/cb
      - https://cloud.example/cb2
    secret: "cloud-secret-0123456789"
    name: Cloud
`;
    assert.equal(digestOf(relaidOut, '/etc/other/clients.yaml'), digestOf(base));
  });

  it('does not depend on the order of the clients', () => {
    const clients = parseRegistration(base, 'f.yaml', { issuer }).clients;
    assert.equal(registryDigest([...clients].reverse(), KEY), registryDigest(clients, KEY));
  });

  it('changes with a secret, and with a secret added or removed', () => {
    assert.notEqual(
      digestOf(base.replace('cloud-secret-0123456789', 'cloud-secret-0123456780')),
      digestOf(base),
    );
    assert.notEqual(digestOf(base.replace('    secret: cloud-secret-0123456789\n', '')), digestOf(base));
    assert.ok(!digestOf(base).includes('cloud-secret'), 'the secret is not in it');
  });

  it('changes with any setting of any client, and with a client added or removed', () => {
    const variants = [
      base.replace('trusted: yes', 'trusted: no'),
      base.replace('name: Cloud', 'name: Nextcloud'),
      base.replace('https://cloud.example/cb2', 'https://cloud.example/cb3'),
      base.replace(
        '[https://cloud.example/cb, https://cloud.example/cb2]',
        '[https://cloud.example/cb2, https://cloud.example/cb]',
      ),
      base + '    insecure: yes\n',
      base + '  - id: third\n    redirect_uris: [https://third.example/cb]\n',
      base.split('  - id: meet')[0]!,
    ];
    const digests = new Set([digestOf(base), ...variants.map((text) => digestOf(text))]);
    assert.equal(digests.size, variants.length + 1, 'every variant has a digest of its own');
  });

  it('summarizes a set of clients as its digest and size', () => {
    const clients = parseRegistration(base, 'f.yaml', { issuer }).clients;
    assert.deepEqual(summarizeRegistry(clients, KEY), { digest: registryDigest(clients, KEY), clients: 2 });
    assert.deepEqual(summarizeRegistry([], KEY), { digest: registryDigest([], KEY), clients: 0 });
  });
});

describe('ClientRegistry digest', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sesame-registry-digest-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is the digest of the clients in force: replaced by a reload, kept when a reload is refused', async () => {
    const file = join(dir, 'clients.yaml');
    await writeFile(file, base);
    const registry = await ClientRegistry.open({
      file,
      issuer,
      compat: strict,
      log: pino({ enabled: false }),
      maxFileBytes: 1024 * 1024,
      digestKey: KEY,
    });
    try {
      assert.deepEqual(registry.summary, { digest: digestOf(base), clients: 2 });
      assert.equal(registry.digest, digestOf(base));

      await writeFile(file, `# only comments changed\n${base}`);
      assert.equal(await registry.reload(), true);
      assert.equal(registry.digest, digestOf(base), 'a comment changes nothing');

      const edited = base.replace('trusted: yes', 'trusted: no');
      await writeFile(file, edited);
      assert.equal(await registry.reload(), true);
      assert.deepEqual(registry.summary, { digest: digestOf(edited), clients: 2 });

      await writeFile(file, 'clients:\n  - id: [broken\n');
      assert.equal(await registry.reload(), false);
      assert.equal(registry.digest, digestOf(edited), 'the last good clients, and their digest, stay');
    } finally {
      registry.close();
    }
  });

  it('has the digest of no clients without a file, and of the given ones from fromClients', async () => {
    const empty = await ClientRegistry.open({
      file: null,
      issuer,
      compat: strict,
      log: pino({ enabled: false }),
      maxFileBytes: 1024,
      digestKey: KEY,
    });
    assert.deepEqual(empty.summary, { digest: registryDigest([], KEY), clients: 0 });
    const clients = parseRegistration(base, 'f.yaml', { issuer }).clients;
    const fixed = ClientRegistry.fromClients(clients).summary;
    assert.equal(fixed.clients, 2);
    assert.match(fixed.digest, /^hmac-sha256:[0-9a-f]{64}$/);
  });
});
