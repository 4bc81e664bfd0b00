// `sesame check`: an operator's dry run before starting — every part gets a ✓ or a ✗ with the reason.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlapd, type RunningSlapd } from '../helpers/slapd.js';
import { sesameCli } from '../helpers/sesame-process.js';

let slapd: RunningSlapd;
let dir: string;
let env: Record<string, string>;

before(async () => {
  slapd = await startSlapd();
  dir = await mkdtemp(join(tmpdir(), 'sesame-check-'));
  env = {
    LDAP_URI: slapd.url,
    LDAP_BINDDN: 'cn=sesame,ou=services,dc=cloudron',
    LDAP_BINDPW: 'service secret',
    LDAP_BASEDN: 'ou=users,dc=cloudron',
  };
  await writeFile(
    join(dir, 'clients.yaml'),
    'clients:\n  - id: good\n    secret: s\n    redirect_uris: [https://app.example/cb]\n  - id: bad\n    redirect_uris: [http://app.example/cb]\n',
  );
  await writeFile(
    join(dir, 'sesame.yaml'),
    'issuer: https://id.example\nidentity: ldap\nregistration: clients.yaml\ndata_dir: ./data\ndemo: false\n',
  );
  await writeFile(
    join(dir, 'good-clients.yaml'),
    'clients:\n  - id: good\n    secret: s\n    redirect_uris: [https://app.example/cb]\n',
  );
  await writeFile(
    join(dir, 'good.yaml'),
    'issuer: https://id.example\nidentity: ldap\nregistration: good-clients.yaml\ndata_dir: ./data\ndemo: false\n',
  );
});
after(async () => {
  await slapd?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sesame check', () => {
  it('passes a working setup, counting clients', async () => {
    const result = await sesameCli(['check', '--config', join(dir, 'good.yaml')], '', dir, env);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /✓ clients: 1 registered from .*good-clients\.yaml\n/);
    assert.match(result.stdout, /✓ storage: sqlite/);
    assert.match(result.stdout, /✓ identity: LDAP .* answers searches/);
  });

  it('passes a password-hashing setting weaker than OWASP recommends, saying so for built-in users', async () => {
    const weak = { ...env, SESAME_PASSWORDS_MEMORY_KIB: '1024', SESAME_PASSWORDS_ITERATIONS: '1' };
    const builtin = await sesameCli(['check', '--config', join(dir, 'good.yaml')], '', dir, {
      ...weak,
      SESAME_IDENTITY: 'builtin',
    });
    assert.equal(builtin.code, 0, builtin.stdout + builtin.stderr);
    assert.match(
      builtin.stdout,
      /warning: passwords\.memory_kib 1024 with passwords\.iterations 1 meets none of OWASP's argon2id settings .*cheaper to guess offline/,
    );
    // LDAP checks passwords in the directory: the setting hashes nothing there.
    const ldap = await sesameCli(['check', '--config', join(dir, 'good.yaml')], '', dir, weak);
    assert.equal(ldap.code, 0, ldap.stdout + ldap.stderr);
    assert.doesNotMatch(ldap.stdout, /passwords\.memory_kib/);
  });

  it('fails when a client is skipped, naming it with its line, and still checks the rest', async () => {
    const result = await sesameCli(['check', '--config', join(dir, 'sesame.yaml')], '', dir, env);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /✗ clients: 1 registered from .*, 1 skipped\n {4}error: .*clients\.yaml:6:\d+: skipped client "bad"/,
    );
    assert.match(result.stdout, /✓ storage: sqlite/);
    assert.match(result.stdout, /✓ identity: LDAP .* answers searches/);
  });

  it('fails, saying why, when the service account cannot bind', async () => {
    const result = await sesameCli(['check', '--config', join(dir, 'sesame.yaml')], '', dir, {
      ...env,
      LDAP_BINDPW: 'wrong',
    });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /✗ identity: LDAP/);
  });

  it('fails, naming LDAP_BASEDN, when the search base does not exist', async () => {
    const result = await sesameCli(['check', '--config', join(dir, 'good.yaml')], '', dir, {
      ...env,
      LDAP_BASEDN: 'ou=people,dc=cloudron',
    });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /✗ identity: LDAP .*search base ou=people,dc=cloudron does not exist: check LDAP_BASEDN/,
    );
  });

  it('fails on a broken registration file, naming the line', async () => {
    await writeFile(join(dir, 'broken.yaml'), 'clients:\n  - id: [oops\n');
    await writeFile(
      join(dir, 'broken-config.yaml'),
      'issuer: https://id.example\nregistration: broken.yaml\ndata_dir: ./data\ndemo: false\n',
    );
    const result = await sesameCli(['check', '--config', join(dir, 'broken-config.yaml')], '', dir, env);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /✗ clients: .*broken\.yaml:\d+:\d+/);
  });
});
