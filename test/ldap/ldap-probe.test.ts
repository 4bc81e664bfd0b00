// The LDAP backend's probe, which `/health-check` and the start-up readiness report use: a
// base-scope search of LDAP_BASEDN as the service account, against a real slapd. Each failure
// says why and what the operator should check.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLdapBackend } from '../../src/identity/ldap/index.js';
import { IdentityUnavailableError, type IdentityBackend } from '../../src/identity/types.js';
import {
  captureLogger,
  startSlapd,
  testLdapConfig,
  type LdapConfigOverrides,
  type RunningSlapd,
} from '../helpers/slapd.js';

let slapd: RunningSlapd;
const opened: IdentityBackend[] = [];

before(async () => {
  slapd = await startSlapd();
});
after(async () => {
  for (const backend of opened) await backend.close();
  await slapd?.destroy();
});

function backendFor(overrides: LdapConfigOverrides = {}, url = slapd.url) {
  const { log, lines } = captureLogger();
  const backend = createLdapBackend(testLdapConfig({ url }, overrides), log);
  opened.push(backend);
  return { backend, lines };
}

/** The probe's rejection, which must be an IdentityUnavailableError; its message. */
async function failure(backend: IdentityBackend): Promise<string> {
  const error = await backend.probe!().then(
    () => null,
    (error: unknown) => error,
  );
  assert.ok(error instanceof IdentityUnavailableError, `the probe failed with ${String(error)}`);
  return error.message;
}

/** A loopback URL where nothing listens. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise((done) => server.close(done));
  return `ldap://127.0.0.1:${port}`;
}

describe('LDAP probe', () => {
  it('passes when the service account binds and the search base exists', async () => {
    const { backend, lines } = backendFor();
    await backend.probe!();
    await backend.probe!();
    assert.deepEqual(
      lines.filter((line) => line.level !== 'debug' && line.level !== 'trace'),
      [],
    );
  });

  it('fails, naming LDAP_BINDDN and LDAP_BINDPW, when the service bind is rejected', async () => {
    const { backend, lines } = backendFor({ bindPassword: 'wrong' });
    const reason = await failure(backend);
    assert.match(reason, /service bind as cn=sesame,ou=services,dc=cloudron was rejected/);
    assert.match(reason, /check LDAP_BINDDN and LDAP_BINDPW/);
    assert.equal(reason.includes('wrong'), false, 'the password is not in the reason');
    // DirectoryHealth logs the outage once, however often the probe runs.
    await failure(backend);
    await failure(backend);
    const errors = lines.filter((line) => line.level === 'error');
    assert.equal(errors.length, 1, JSON.stringify(lines));
    assert.match(
      errors[0]?.msg ?? '',
      /LDAP service bind rejected since .*check LDAP_BINDDN and LDAP_BINDPW/,
    );
  });

  it('fails, naming LDAP_BASEDN, when the search base does not exist', async () => {
    const { backend } = backendFor({ baseDn: 'ou=people,dc=cloudron' });
    const reason = await failure(backend);
    assert.match(reason, /search base ou=people,dc=cloudron does not exist: check LDAP_BASEDN/);
    // Searches under it find nobody, as before: the probe is what tells the operator.
    assert.equal(await backend.authenticate('alice', 'alice password'), null);
  });

  it('fails, naming LDAP_BASEDN, when the search base is not a DN', async () => {
    const { backend } = backendFor({ baseDn: 'not a dn' });
    assert.match(await failure(backend), /search base not a dn is not a valid DN: check LDAP_BASEDN/);
  });

  it('fails, naming LDAP_URI, when nothing listens there', async () => {
    const url = await closedPortUrl();
    const { backend, lines } = backendFor({}, url);
    const reason = await failure(backend);
    assert.match(reason, /ECONNREFUSED/);
    assert.ok(reason.includes(`check LDAP_URI (${url})`), reason);
    assert.ok(
      lines.some((line) => line.level === 'warn' && /LDAP directory unreachable since/.test(line.msg)),
    );
  });

  it('fails while the directory is down and passes again once it is back', async () => {
    const { backend } = backendFor();
    await backend.probe!();
    await slapd.stop();
    try {
      assert.match(await failure(backend), /check LDAP_URI/);
    } finally {
      await slapd.start();
    }
    await backend.probe!();
  });
});
