// `sesame ldap whois` — the check an operator runs before switching from Konnect: it must
// print exactly the sub Konnect issued (konnect-spec §5.1) and the Nextcloud user id (§9.1).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSlapd, type RunningSlapd } from '../helpers/slapd.js';
import { sesameCli } from '../helpers/sesame-process.js';

let slapd: RunningSlapd;
let env: Record<string, string>;

before(async () => {
  slapd = await startSlapd();
  env = {
    LDAP_URI: slapd.url,
    LDAP_BINDDN: 'cn=sesame,ou=services,dc=cloudron',
    LDAP_BINDPW: 'service secret',
    LDAP_BASEDN: 'ou=users,dc=cloudron',
  };
});
after(async () => {
  await slapd?.destroy();
});

describe('sesame ldap whois', () => {
  it("prints the DN and Konnect's sub for an LDAP user, and the Nextcloud user id", async () => {
    const result = await sesameCli(
      ['ldap', 'whois', 'testuser', '--nextcloud-provider', 'CloudronMeet'],
      '',
      undefined,
      env,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^raw id: +cn=testuser,ou=users,dc=cloudron$/m);
    assert.match(
      result.stdout,
      /^sub: +zCcbxlB0lfIZ2HuebqoravlIb5WVT9XLe8-pakfdjnKFC9oF8J4k2Xvcoe1wJMboF7elLtNuUrwSUJzXlkPMAg@konnect$/m,
    );
    assert.match(result.stdout, /^nextcloud uid: +CloudronMeet-d5dee7bf727dfb0d575d6dd4c7405812$/m);
  });

  it("reads the directory settings from a konnectd.cfg's ldap_* keys", async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'sesame-whois-'));
    try {
      const cfg = join(dir, 'konnectd.cfg');
      await writeFile(
        cfg,
        [
          'identity_manager = ldap',
          `ldap_uri = ${slapd.url}`,
          'ldap_binddn = cn=sesame,ou=services,dc=cloudron',
          'ldap_bindpw = "service secret"',
          'ldap_basedn = ou=users,dc=cloudron',
          '',
        ].join('\n'),
      );
      const result = await sesameCli(['ldap', 'whois', 'testuser', '--config', cfg], '', undefined, {
        LDAP_URI: '',
      });
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        /^sub: +zCcbxlB0lfIZ2HuebqoravlIb5WVT9XLe8-pakfdjnKFC9oF8J4k2Xvcoe1wJMboF7elLtNuUrwSUJzXlkPMAg@konnect$/m,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says so, with exit code 1, for an unknown user', async () => {
    const result = await sesameCli(['ldap', 'whois', 'nobody'], '', undefined, env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /No single entry with uid=nobody/);
  });

  it('reports a missing LDAP configuration clearly, with exit code 2', async () => {
    const result = await sesameCli(['ldap', 'whois', 'testuser'], '', undefined, {
      LDAP_URI: '',
      LDAP_BASEDN: '',
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /LDAP_URI/);
  });
});
