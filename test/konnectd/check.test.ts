// `konnectd check` (issue 10): the dry run of `sesame check` for the Konnect front door, reading
// konnectd.cfg, flags and the LDAP environment as `konnectd serve` would; and `sesame check`
// handing a konnectd.cfg to it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sesameCli } from '../helpers/sesame-process.js';
import { startSlapd, type RunningSlapd } from '../helpers/slapd.js';

const entry = join(resolve(import.meta.dirname, '../..'), 'test/konnectd/run-konnectd.ts');
const tsx = import.meta.resolve('tsx');

async function konnectd(args: string[], cwd: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', tsx, entry, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OIDC_ISSUER_IDENTIFIER: '', KONNECTD_LISTEN: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));
  return { code, stdout, stderr };
}

let slapd: RunningSlapd;
let dir: string;
let env: Record<string, string>;

before(async () => {
  slapd = await startSlapd();
  dir = await mkdtemp(join(tmpdir(), 'sesame-konnectd-check-'));
  env = {
    LDAP_URI: slapd.url,
    LDAP_BINDDN: 'cn=sesame,ou=services,dc=cloudron',
    LDAP_BINDPW: 'service secret',
    LDAP_BASEDN: 'ou=users,dc=cloudron',
  };
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  });
  await writeFile(join(dir, 'signing.pem'), key, { mode: 0o600 });
  await writeFile(join(dir, 'secret.key'), Buffer.alloc(32, 7), { mode: 0o600 });
  await writeFile(
    join(dir, 'identifier-registration.yaml'),
    'clients:\n  - id: wiki\n    secret: s\n    redirect_uris: [https://wiki.example/cb]\n',
  );
  const cfg = (registration: string) =>
    [
      'oidc_issuer_identifier = https://id.example',
      'identity_manager = ldap',
      `signing_private_key = ${join(dir, 'signing.pem')}`,
      `encryption_secret_key = ${join(dir, 'secret.key')}`,
      `identifier_registration_conf = ${join(dir, registration)}`,
      `data_dir = ${join(dir, 'data')}`,
      '',
    ].join('\n');
  await writeFile(join(dir, 'konnectd.cfg'), cfg('identifier-registration.yaml'));
  await writeFile(
    join(dir, 'skipping.yaml'),
    'clients:\n  - id: good\n    secret: s\n    redirect_uris: [https://a.example/cb]\n  - id: bad\n    redirect_uris: [http://a.example/cb]\n',
  );
  await writeFile(join(dir, 'skipping.cfg'), cfg('skipping.yaml'));
});

after(async () => {
  await slapd?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('konnectd check', () => {
  it('passes a working konnectd.cfg with LDAP, one line per part', async () => {
    const result = await konnectd(['check', '--config', 'konnectd.cfg'], dir, env);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /✓ konnectd configuration konnectd\.cfg: issuer https:\/\/id\.example, identity ldap/,
    );
    assert.match(result.stdout, /✓ clients: 1 registered from .*identifier-registration\.yaml/);
    assert.match(result.stdout, /✓ storage: sqlite/);
    assert.match(result.stdout, /✓ signing: PS256, key id\(s\) signing;/, 'konnectd signs PS256 by default');
    assert.match(result.stdout, /✓ identity: LDAP .* answers searches under ou=users,dc=cloudron/);
  });

  it('fails, saying why, when the LDAP service account cannot bind', async () => {
    const result = await konnectd(['check', '--config', 'konnectd.cfg'], dir, {
      ...env,
      LDAP_BINDPW: 'wrong',
    });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /✗ identity: LDAP /);
    assert.match(result.stdout, /✓ clients: /, 'the other parts are still checked');
  });

  it('fails when a client is skipped, and on flags serve would refuse', async () => {
    const skipping = await konnectd(['check', '--config', 'skipping.cfg'], dir, env);
    assert.equal(skipping.code, 1, skipping.stdout);
    assert.match(
      skipping.stdout,
      /✗ clients: 1 registered from .*, 1 skipped\n {4}error: .*skipped client "bad"/,
    );
    const refused = await konnectd(['check', '--config', 'konnectd.cfg', '--no-such-flag'], dir, env);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stdout, /✗ konnectd flags: /);
  });

  it('is what sesame check does with a konnectd.cfg', async () => {
    const result = await sesameCli(['check', '--config', join(dir, 'konnectd.cfg')], '', dir, {
      ...env,
      OIDC_ISSUER_IDENTIFIER: '',
      KONNECTD_LISTEN: '',
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /✓ konnectd configuration .*konnectd\.cfg: issuer https:\/\/id\.example/);
    assert.match(result.stdout, /✓ identity: LDAP /);
  });
});
