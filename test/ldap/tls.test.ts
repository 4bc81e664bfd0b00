import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createLdapBackend } from '../../src/identity/ldap/index.js';
import { IdentityUnavailableError, type IdentityBackend } from '../../src/identity/types.js';
import {
  captureLogger,
  startSlapd,
  testLdapConfig,
  type LdapConfigOverrides,
  type RunningTlsSlapd,
} from '../helpers/slapd.js';

const ALICE = { username: 'alice', password: 'alice password', dn: 'uid=alice,ou=users,dc=cloudron' };

describe('LDAP over TLS (ldaps:// and StartTLS)', () => {
  let slapd: RunningTlsSlapd;
  let scratch: string;
  const opened: IdentityBackend[] = [];

  before(async () => {
    slapd = await startSlapd({ tls: true });
    scratch = await mkdtemp(join(tmpdir(), 'sesame-tls-test-'));
  });
  after(async () => {
    for (const backend of opened) await backend.close();
    await slapd?.destroy();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  function backendFor(overrides: LdapConfigOverrides): {
    backend: IdentityBackend;
    lines: { msg: string }[];
  } {
    const { log, lines } = captureLogger();
    const backend = createLdapBackend(testLdapConfig(slapd, overrides), log);
    opened.push(backend);
    return { backend, lines };
  }

  const ldaps = (): string => slapd.ldapsUrl.replace(/\/$/, '');

  it('connects over ldaps:// when --insecure accepts a self-signed certificate', async () => {
    const { backend } = backendFor({ uri: ldaps(), insecureTls: true });
    const identity = await backend.authenticate(ALICE.username, ALICE.password);
    assert.equal(identity?.id, ALICE.dn);
    assert.equal(await backend.authenticate(ALICE.username, 'wrong password'), null);
  });

  it('refuses an ldaps:// server whose certificate is not trusted, without --insecure', async () => {
    const { backend, lines } = backendFor({ uri: ldaps(), insecureTls: false });
    await assert.rejects(backend.authenticate(ALICE.username, ALICE.password), IdentityUnavailableError);
    // It stays refused (no crash, no half-open connection reused) on the next sign-in too.
    await assert.rejects(backend.authenticate(ALICE.username, ALICE.password), (error: unknown) => {
      assert.ok(error instanceof IdentityUnavailableError);
      assert.match(error.message, /certificate/i);
      return true;
    });
    assert.ok(lines.some((line) => /cannot connect to the LDAP server/.test(line.msg)));
  });

  it('also accepts the hostname localhost on ldaps:// under --insecure', async () => {
    const { backend } = backendFor({ uri: `ldaps://localhost:${slapd.tlsPort}`, insecureTls: true });
    assert.equal((await backend.authenticate(ALICE.username, ALICE.password))?.id, ALICE.dn);
  });

  it('connects over ldaps:// and StartTLS without --insecure when the CA is trusted through NODE_EXTRA_CA_CERTS', async () => {
    // NODE_EXTRA_CA_CERTS is read once at startup, so this runs in a fresh node process. The
    // script is .mts: outside the project there is no package.json saying "type": "module".
    const script = join(scratch, 'authenticate.mts');
    const helper = pathToFileURL(join(import.meta.dirname, '../helpers/slapd.ts')).href;
    const backendModule = pathToFileURL(join(import.meta.dirname, '../../src/identity/ldap/index.ts')).href;
    await writeFile(
      script,
      [
        `import { captureLogger, testLdapConfig } from ${JSON.stringify(helper)};`,
        `import { createLdapBackend } from ${JSON.stringify(backendModule)};`,
        'const [uri, startTls, username, password] = process.argv.slice(2) as [string, string, string, string];',
        "const config = testLdapConfig({ url: uri }, { insecureTls: false, startTls: startTls === 'starttls' });",
        'const backend = createLdapBackend(config, captureLogger().log);',
        'try {',
        '  const identity = await backend.authenticate(username, password);',
        '  console.log(JSON.stringify({ ok: true, id: identity?.id ?? null }));',
        '} catch (error) {',
        '  console.log(JSON.stringify({ ok: false, error: String(error) }));',
        '} finally {',
        '  await backend.close();',
        '}',
        '',
      ].join('\n'),
    );
    const tsx = import.meta.resolve('tsx');
    type Outcome = { ok: boolean; id?: string | null; error?: string };
    const runChild = (uri: string, startTls: boolean, extraCa: string | null): Promise<Outcome> => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.NODE_TEST_CONTEXT;
      delete env.NODE_EXTRA_CA_CERTS;
      delete env.NODE_TLS_REJECT_UNAUTHORIZED;
      if (extraCa !== null) env.NODE_EXTRA_CA_CERTS = extraCa;
      return new Promise((done, fail) => {
        execFile(
          process.execPath,
          ['--import', tsx, script, uri, startTls ? 'starttls' : 'plain', ALICE.username, ALICE.password],
          { env, timeout: 15_000 },
          (error, stdout, stderr) => {
            if (error) fail(new Error(`child failed: ${stderr || error.message}`));
            else done(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Outcome);
          },
        );
      });
    };
    const ldap = slapd.url.replace(/\/$/, '');
    const [trusted, trustedStartTls, untrusted] = await Promise.all([
      runChild(ldaps(), false, slapd.caFile),
      runChild(ldap, true, slapd.caFile),
      runChild(ldaps(), false, null),
    ]);
    assert.deepEqual(trusted, { ok: true, id: ALICE.dn });
    assert.deepEqual(trustedStartTls, { ok: true, id: ALICE.dn }, 'StartTLS checks the IP SAN too');
    assert.equal(untrusted.ok, false, 'the same child without the CA must be refused');
    assert.match(untrusted.error ?? '', /IdentityUnavailableError|certificate/i);
  });

  it('upgrades ldap:// with StartTLS when --insecure accepts a self-signed certificate', async () => {
    const { backend } = backendFor({ startTls: true, insecureTls: true });
    assert.equal((await backend.authenticate(ALICE.username, ALICE.password))?.id, ALICE.dn);
    assert.equal(await backend.authenticate(ALICE.username, 'wrong password'), null);
  });

  it('refuses StartTLS to a server whose certificate is not trusted, without --insecure', async () => {
    const { backend } = backendFor({ startTls: true, insecureTls: false });
    for (let attempt = 0; attempt < 2; attempt++) {
      await assert.rejects(backend.authenticate(ALICE.username, ALICE.password), (error: unknown) => {
        assert.ok(error instanceof IdentityUnavailableError);
        assert.match(error.message, /certificate/i);
        return true;
      });
    }
  });
});
