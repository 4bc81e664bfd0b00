import assert from 'node:assert/strict';
import { readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadRegistrationFile } from '../clients/load-registration.js';
import { clientSandbox, TEST_SECRET, type ClientSandbox } from './test-client-run.js';

const REGISTRATION = `# Clients of the example provider.
# Ask the admins before changing this file.
clients:
  # The team wiki; its secret is in the vault.
  - id: wiki   # keep this id: bookmarks use it
    name: Team Wiki
    secret: wiki-secret-0123456789
    trusted: yes
    redirect_uris: [https://wiki.example.com/cb]

  # The chat server.
  - id: chat
    name: Chat
    secret: chat-secret-0123456789
    redirect_uris:
      - https://chat.example.com/_oauth/sesame
# End of the clients.
`;

const sandboxes: ClientSandbox[] = [];
after(async () => {
  for (const sandbox of sandboxes) await rm(sandbox.dir, { recursive: true, force: true });
});

async function sandbox(registration = REGISTRATION, extraConfig?: string): Promise<ClientSandbox> {
  const made = await clientSandbox(registration, extraConfig === undefined ? {} : { extraConfig });
  sandboxes.push(made);
  return made;
}

async function loaded(box: ClientSandbox, issuer = 'https://id.example.com') {
  return loadRegistrationFile(box.registrationFile, { issuer, maxFileBytes: 1 << 20 });
}

describe('sesame client add', () => {
  it('adds the client after the others and leaves every other byte of the file as it was', async () => {
    const box = await sandbox();
    const result = await box.run(['add', 'nextcloud', '--url', 'https://cloud.example.com']);
    assert.equal(result.code, 0, result.stderr);
    const text = await readFile(box.registrationFile, 'utf8');
    const [head, tail] = REGISTRATION.split('# End of the clients.\n');
    assert.ok(text.startsWith(head as string), 'everything before the new entry is unchanged');
    assert.ok(text.endsWith(`# End of the clients.\n${tail}`), 'the closing comment stays last');
    assert.match(text, /\n {2}# Nextcloud: added by sesame client add nextcloud\n {2}- id: nextcloud\n/);
    assert.deepEqual(
      (await loaded(box)).clients.map((c) => c.id),
      ['wiki', 'chat', 'nextcloud'],
    );
  });

  it('keeps the file mode of an existing file, and creates a missing list', async () => {
    const box = await sandbox('# nothing yet\n');
    assert.equal((await box.run(['add', 'grafana', '--url', 'https://grafana.example.com'])).code, 0);
    assert.equal((await stat(box.registrationFile)).mode & 0o777, 0o640);
    const text = await readFile(box.registrationFile, 'utf8');
    assert.ok(text.startsWith('# nothing yet\nclients:\n  # Grafana: added by sesame client add grafana\n'));
    assert.deepEqual(
      (await loaded(box)).clients.map((c) => c.id),
      ['grafana'],
    );
  });

  it('refuses an id the file already has, and leaves the file alone', async () => {
    const box = await sandbox();
    const result = await box.run([
      'add',
      'generic',
      '--redirect-uri',
      'https://x.example.com/cb',
      '--id',
      'chat',
    ]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /already has a client "chat"; choose another id with --id, or remove it first/,
    );
    assert.equal(result.stdout, '');
    assert.equal(await readFile(box.registrationFile, 'utf8'), REGISTRATION);
  });

  it('uses a secret of at least 32 random bytes, new for every client', async () => {
    const { randomToken } = await import('../lib/ids.js');
    const secret = randomToken(32);
    assert.ok(Buffer.from(secret, 'base64url').length >= 32);
    assert.notEqual(secret, randomToken(32));
    assert.notEqual(secret, TEST_SECRET);
  });

  it('asks for konnect/hashed_sub in Nextcloud under Konnect compatibility, as Konnect guides do', async () => {
    const box = await sandbox(REGISTRATION, 'compat: konnect');
    const result = await box.run(['add', 'nextcloud', '--url', 'https://cloud.example.com']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\n {2}Scope +openid profile email konnect\/hashed_sub\n/);
  });

  it('asks for groups, and names the groups claim, when the directory releases groups', async () => {
    const box = await clientSandbox('clients:\n', {
      extraConfig: 'identity: ldap',
      env: {
        LDAP_URI: 'ldap://127.0.0.1:389',
        LDAP_BASEDN: 'dc=example,dc=com',
        LDAP_BINDDN: 'cn=reader,dc=example,dc=com',
        LDAP_BINDPW: 'secret',
        LDAP_GROUPS: 'memberOf',
      },
    });
    sandboxes.push(box);
    const result = await box.run(['add', 'nextcloud', '--url', 'https://cloud.example.com']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /\n {2}Scope +openid profile email groups\n {2}Groups claim \(optional\) +groups\n/,
    );
  });

  it("works on a konnectd.cfg's registration file, leaving out scopes it does not allow", async () => {
    const box = await sandbox();
    await writeFile(
      join(box.dir, 'konnectd.cfg'),
      [
        'oidc_issuer_identifier=https://konnect.example.com',
        'identity_manager=ldap',
        'identifier_registration_conf=./identifier-registration.yaml',
        'allowed_scopes=email konnect/hashed_sub',
        'data_dir=./data',
        'LDAP_URI=ldap://127.0.0.1:389',
        'LDAP_BASEDN=dc=example,dc=com',
        'LDAP_BINDDN=cn=reader,dc=example,dc=com',
        'LDAP_BINDPW=secret',
        '',
      ].join('\n'),
    );
    const result = await box.run(
      ['add', 'nextcloud', '--url', 'https://cloud.example.com', '--konnectd-config', 'konnectd.cfg'],
      false,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\n {2}Scope +openid email konnect\/hashed_sub\n/);
    assert.match(result.stdout, /\n {2}Token url +https:\/\/konnect\.example\.com\/konnect\/v1\/token\n/);
    assert.match(result.stderr, /does not offer the scope\(s\) profile/);
    assert.deepEqual(
      (await loaded(box)).clients.map((c) => c.id),
      ['wiki', 'chat', 'nextcloud'],
    );
  });

  it('registers an app on plain http as insecure, which a loopback issuer accepts', async () => {
    const box = await clientSandbox('clients:\n', { issuer: 'http://127.0.0.1:8777' });
    sandboxes.push(box);
    const result = await box.run(['add', 'rocketchat', '--url', 'http://127.0.0.1:3000']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /insecure: yes/);
    const [client] = (await loaded(box, 'http://127.0.0.1:8777')).clients;
    assert.equal(client?.insecure, true);
    assert.deepEqual(client?.redirectUris, ['http://127.0.0.1:3000/_oauth/sesame']);
  });

  it('writes nothing when the server would skip the new client, and says why', async () => {
    const box = await sandbox();
    const result = await box.run(['add', 'grafana', '--url', 'http://127.0.0.1:3000']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /the server would skip the new client, so nothing was written: .*loopback/);
    assert.equal(await readFile(box.registrationFile, 'utf8'), REGISTRATION);
  });

  it('lets --consent and --trusted override the preset', async () => {
    const box = await sandbox('clients:\n');
    assert.equal(
      (await box.run(['add', 'gitlab', '--url', 'https://gitlab.example.com', '--consent'])).code,
      0,
    );
    assert.equal(
      (await box.run(['add', 'generic', '--redirect-uri', 'https://x.example.com/cb', '--trusted'])).code,
      0,
    );
    const clients = (await loaded(box)).clients;
    assert.deepEqual(
      clients.map((c) => [c.id, c.trusted]),
      [
        ['gitlab', false],
        ['x.example.com', true],
      ],
    );
  });

  it('reports usage errors with exit status 2', async () => {
    const box = await sandbox();
    for (const argv of [
      ['add', 'mattermost', '--url', 'https://x.example.com'],
      ['add', 'nextcloud'],
      ['add', 'generic'],
      ['add', 'nextcloud', '--url', 'ftp://x.example.com'],
      ['add', 'nextcloud', '--url', 'https://x.example.com', '--redirect-uri', 'https://x.example.com/cb'],
      ['add', 'nextcloud', '--url', 'https://x.example.com', '--provider-name', 'a b'],
      ['add', 'nextcloud', '--url', 'https://x.example.com', '--trusted', '--consent'],
      ['frobnicate'],
    ]) {
      const result = await box.run(argv);
      assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^error: /);
    }
    assert.equal(await readFile(box.registrationFile, 'utf8'), REGISTRATION);
  });

  it('says what to fix when the configuration names no registration file', async () => {
    const box = await sandbox();
    await writeFile(box.configFile, 'issuer: https://id.example.com\ndata_dir: ./data\n');
    const result = await box.run(['add', 'nextcloud', '--url', 'https://cloud.example.com']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /names no registration file: add registration: /);
  });
});

describe('sesame client list and show', () => {
  it('lists every client with its id, name and redirect URIs', async () => {
    const box = await sandbox();
    const result = await box.run(['list']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        'ID    NAME       REDIRECT URIS',
        'wiki  Team Wiki  https://wiki.example.com/cb',
        'chat  Chat       https://chat.example.com/_oauth/sesame',
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await box.run(['list', '--json'])).stdout) as { id: string }[];
    assert.deepEqual(
      json.map((c) => c.id),
      ['wiki', 'chat'],
    );
  });

  it("shows one client's settings but never its secret", async () => {
    const box = await sandbox();
    const result = await box.run(['show', 'wiki']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^ {2}id +wiki\n/);
    assert.match(result.stdout, /\n {2}secret +set \(not shown\)\n/);
    assert.match(result.stdout, /\n {2}trusted +yes\n/);
    assert.doesNotMatch(result.stdout, /wiki-secret/);
    const json = (await box.run(['show', 'wiki', '--json'])).stdout;
    assert.doesNotMatch(json, /wiki-secret/);
    assert.equal((JSON.parse(json) as { has_secret: boolean }).has_secret, true);
  });

  it('answers 1 for a client that is not there, and for a file that is not there', async () => {
    const box = await sandbox();
    const missing = await box.run(['show', 'nextcloud']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /there is no client "nextcloud"/);
    await unlink(box.registrationFile);
    await writeFile(
      join(box.dir, 'sesame.yaml'),
      'issuer: https://id.example.com\nregistration: ./gone.yaml\n',
    );
    const gone = await box.run(['list']);
    assert.equal(gone.code, 1);
  });
});

describe('sesame client remove', () => {
  it('removes the client and its own comment, and leaves every other byte as it was', async () => {
    const box = await sandbox();
    const result = await box.run(['remove', 'chat']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Removed client "chat" from .*\nA running Sesame server drops it by itself/);
    assert.equal(
      await readFile(box.registrationFile, 'utf8'),
      REGISTRATION.replace(
        '  # The chat server.\n  - id: chat\n    name: Chat\n    secret: chat-secret-0123456789\n    redirect_uris:\n      - https://chat.example.com/_oauth/sesame\n',
        '',
      ),
    );
    assert.equal((await stat(box.registrationFile)).mode & 0o777, 0o640);
  });

  it('takes back exactly what add wrote', async () => {
    const box = await sandbox();
    assert.equal((await box.run(['add', 'outline', '--url', 'https://docs.example.com'])).code, 0);
    assert.equal((await box.run(['remove', 'outline'])).code, 0);
    assert.equal(await readFile(box.registrationFile, 'utf8'), REGISTRATION);
  });

  it('says that a server holds back a file left without clients until it is confirmed', async () => {
    const box = await sandbox(
      'clients:\n  - id: only\n    secret: s\n    redirect_uris: [https://a.example.com/cb]\n',
    );
    const result = await box.run(['remove', 'only']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /leaves 0 of 1 clients.*\n.*sesame clients reload --force/);
    assert.deepEqual((await loaded(box)).clients, []);
  });

  it('refuses an id that is not there, with exit status 1', async () => {
    const box = await sandbox();
    const result = await box.run(['remove', 'nextcloud']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /there is no client "nextcloud" in .*identifier-registration\.yaml/);
    assert.equal(await readFile(box.registrationFile, 'utf8'), REGISTRATION);
  });
});
