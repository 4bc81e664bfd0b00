// Every preset of `sesame client add`: the entry it writes is one Sesame's own registration
// loader accepts, and what it prints is, field by field, the app's form (or configuration
// snippet) as kept in test/fixtures/presets/<preset>.txt. Set UPDATE_PRESET_FIXTURES=1 to
// rewrite the fixtures after a deliberate change, then review their diff.
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { loadRegistrationFile } from '../../clients/load-registration.js';
import { clientSandbox, TEST_SECRET, type ClientSandbox } from '../test-client-run.js';
import { presets } from './all.js';

const fixtures = new URL('../../../test/fixtures/presets/', import.meta.url);

interface Case {
  readonly args: readonly string[];
  readonly id: string;
  readonly redirectUris: readonly string[];
  readonly trusted: boolean;
  readonly authMethod: string;
}

/** One command line per preset, with what the registration file must then hold. */
const cases: Record<string, Case> = {
  nextcloud: {
    args: ['--url', 'https://cloud.example.com'],
    id: 'nextcloud',
    redirectUris: [
      'https://cloud.example.com/index.php/apps/sociallogin/custom_oidc/sesame',
      'https://cloud.example.com/apps/sociallogin/custom_oidc/sesame',
    ],
    trusted: true,
    authMethod: 'client_secret_post',
  },
  rocketchat: {
    args: ['--url', 'https://chat.example.com/', '--provider-name', 'Sesame'],
    id: 'rocketchat',
    redirectUris: ['https://chat.example.com/_oauth/sesame'],
    trusted: true,
    authMethod: 'client_secret_basic',
  },
  gitlab: {
    args: ['--url', 'https://gitlab.example.com'],
    id: 'gitlab',
    redirectUris: ['https://gitlab.example.com/users/auth/openid_connect/callback'],
    trusted: true,
    authMethod: 'client_secret_basic',
  },
  grafana: {
    args: ['--url', 'https://grafana.example.com'],
    id: 'grafana',
    redirectUris: ['https://grafana.example.com/login/generic_oauth'],
    trusted: true,
    authMethod: 'client_secret_basic',
  },
  wordpress: {
    args: ['--url', 'https://example.com/blog'],
    id: 'wordpress',
    redirectUris: ['https://example.com/blog/wp-admin/admin-ajax.php?action=openid-connect-authorize'],
    trusted: true,
    authMethod: 'client_secret_post',
  },
  'matrix-synapse': {
    args: ['--url', 'https://matrix.example.com'],
    id: 'matrix-synapse',
    redirectUris: ['https://matrix.example.com/_synapse/client/oidc/callback'],
    trusted: true,
    authMethod: 'client_secret_basic',
  },
  outline: {
    args: ['--url', 'https://wiki.example.com'],
    id: 'outline',
    redirectUris: ['https://wiki.example.com/auth/oidc.callback'],
    trusted: true,
    authMethod: 'client_secret_post',
  },
  portainer: {
    args: ['--url', 'https://portainer.example.com'],
    id: 'portainer',
    redirectUris: ['https://portainer.example.com/'],
    trusted: true,
    authMethod: 'client_secret_basic',
  },
  generic: {
    args: [
      '--redirect-uri',
      'https://app.example.com/oauth/callback',
      '--redirect-uri=https://app.example.com/other/callback',
      '--id',
      'app',
      '--name',
      'Some App',
    ],
    id: 'app',
    redirectUris: ['https://app.example.com/oauth/callback', 'https://app.example.com/other/callback'],
    trusted: false,
    authMethod: 'client_secret_basic',
  },
};

describe('sesame client add <preset>', () => {
  const sandboxes: ClientSandbox[] = [];
  after(async () => {
    for (const sandbox of sandboxes) await rm(sandbox.dir, { recursive: true, force: true });
  });

  it('has a case here for every preset', () => {
    assert.deepEqual(Object.keys(cases).sort(), [...presets.keys()].sort());
  });

  for (const [name, expected] of Object.entries(cases)) {
    it(`${name}: registers a client Sesame loads, and prints the app's form as its fixture has it`, async () => {
      const sandbox = await clientSandbox('# clients\nclients:\n');
      sandboxes.push(sandbox);
      const result = await sandbox.run(['add', name, ...expected.args]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');

      const loaded = await loadRegistrationFile(sandbox.registrationFile, {
        issuer: 'https://id.example.com',
        maxFileBytes: 1 << 20,
      });
      assert.deepEqual(loaded.warnings, []);
      const client = loaded.clients.find((c) => c.id === expected.id);
      assert.ok(client, `client ${expected.id} is loaded`);
      assert.equal(client.secret, TEST_SECRET);
      assert.deepEqual(client.redirectUris, expected.redirectUris);
      assert.equal(client.trusted, expected.trusted);
      assert.equal(client.tokenEndpointAuthMethod, expected.authMethod);
      assert.equal(client.insecure, false);

      const printed = result.stdout.replaceAll(sandbox.dir, '<dir>');
      const fixture = new URL(`${name}.txt`, fixtures);
      if (process.env['UPDATE_PRESET_FIXTURES'] === '1') await writeFile(fixture, printed);
      assert.equal(printed, await readFile(fixture, 'utf8'));
    });
  }
});
