// A directory that answers but will not serve — busy, unavailable, unwilling to perform — is an
// outage like one that does not answer: each request fails with IdentityUnavailableError (a 503)
// and the log says so once, not once per request. Only a bind that says the service account's
// credentials are wrong asks the operator to check LDAP_BINDDN and LDAP_BINDPW.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BerReader, BerWriter, Client } from 'ldapts';
import { createLdapBackend } from '../../src/identity/ldap/index.js';
import { IdentityUnavailableError, type IdentityBackend } from '../../src/identity/types.js';
import { captureLogger, startSlapd, testLdapConfig } from '../helpers/slapd.js';

const ROOT_DN = 'cn=admin,dc=cloudron';
const ROOT_PASSWORD = 'admin secret';

/** The warn and error lines, which an operator reads. */
function loud(lines: readonly { level: string; msg: string }[]): string[] {
  return lines.filter((line) => line.level === 'warn' || line.level === 'error').map((line) => line.msg);
}

/** Listens on a free loopback port; resolves with the server and its ldap:// URL. */
async function listen(handle: (socket: Socket) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handle);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { server, url: `ldap://127.0.0.1:${port}` };
}

/**
 * A slapd whose only database refuses every read (`restrict read`): binds as the rootdn work,
 * searches are answered "unwilling to perform" (53, "read operations restricted"). Tries three
 * free ports, in case another process takes the one picked before slapd binds it.
 */
async function startUnwillingSlapd(): Promise<{ url: string; destroy(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'sesame-slapd-restricted-'));
  const config = join(dir, 'slapd.conf');
  await writeFile(
    config,
    [
      'include /etc/ldap/schema/core.schema',
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      `pidfile ${join(dir, 'slapd.pid')}`,
      'restrict read',
      'database mdb',
      'suffix "dc=cloudron"',
      `rootdn "${ROOT_DN}"`,
      `rootpw "${ROOT_PASSWORD}"`,
      `directory ${dir}`,
      'maxsize 1048576',
      '',
    ].join('\n'),
  );
  let lastError: unknown = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const { server, url } = await listen(() => {});
    await new Promise((done) => server.close(done));
    const child = spawn('/usr/sbin/slapd', ['-h', `${url}/`, '-f', config, '-d', '0'], { stdio: 'ignore' });
    const kill = (): void => void child.kill('SIGKILL');
    process.once('exit', kill);
    const stop = async (): Promise<void> => {
      process.removeListener('exit', kill);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        kill();
        await exited;
      }
    };
    try {
      await waitForBind(url, child);
      return {
        url,
        async destroy() {
          await stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error;
      await stop();
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

/** Resolves once a bind as the rootdn works at `url`; rejects if `child` exits or after 5 s. */
async function waitForBind(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`slapd exited with ${child.exitCode}`);
    const client = new Client({ url, connectTimeout: 500, timeout: 500 });
    try {
      await client.bind(ROOT_DN, ROOT_PASSWORD);
      await client.unbind();
      return;
    } catch (error) {
      await client.unbind().catch(() => {});
      if (Date.now() > deadline) throw error;
      await new Promise((done) => setTimeout(done, 20));
    }
  }
}

/**
 * A scripted directory: answers each bind (0x60) and search (0x63) with the result code
 * `resultCode()` gives at that moment, and no entries; ignores everything else (unbind).
 */
async function startScriptedDirectory(resultCode: () => number): Promise<{ server: Server; url: string }> {
  const answers = new Map([
    [0x60, 0x61], // bindRequest → bindResponse
    [0x63, 0x65], // searchRequest → searchResultDone
  ]);
  return listen((socket) => {
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      const reader = new BerReader(chunk);
      while (reader.remain > 0 && reader.readSequence() !== null) {
        const end = reader.offset + reader.length;
        const id = reader.readInt() ?? 0;
        const answer = answers.get(reader.peek() ?? 0);
        reader.offset = end;
        if (answer === undefined) continue;
        const writer = new BerWriter();
        writer.startSequence();
        writer.writeInt(id);
        writer.startSequence(answer);
        writer.writeEnumeration(resultCode());
        writer.writeString('');
        writer.writeString(resultCode() === 0 ? '' : 'scripted refusal');
        writer.endSequence();
        writer.endSequence();
        socket.write(writer.buffer);
      }
    });
  });
}

describe('LDAP directory that answers but will not serve', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  function closing<T extends IdentityBackend>(backend: T): T {
    cleanups.push(() => backend.close());
    return backend;
  }

  it('logs one line for a slapd that refuses every search, and fails each request as unavailable (a 503)', async () => {
    const slapd = await startUnwillingSlapd();
    cleanups.push(() => slapd.destroy());
    const { log, lines } = captureLogger();
    const backend = closing(
      createLdapBackend(testLdapConfig(slapd, { bindDn: ROOT_DN, bindPassword: ROOT_PASSWORD }), log),
    );
    for (let i = 0; i < 30; i++) {
      await assert.rejects(backend.authenticate('alice', 'alice password'), IdentityUnavailableError);
    }
    for (let i = 0; i < 10; i++) {
      await assert.rejects(backend.getUser('uid=alice,ou=users,dc=cloudron'), IdentityUnavailableError);
    }
    const said = loud(lines);
    assert.equal(said.length, 1, JSON.stringify(said, null, 1));
    assert.match(
      said[0] ?? '',
      /^LDAP directory unavailable since \S+Z: LDAP user search failed: read operations restricted/,
    );
  });

  it('reports a busy service bind as an unavailable directory, not as a wrong LDAP_BINDPW, and its end', async () => {
    let code = 51; // busy
    const { server, url } = await startScriptedDirectory(() => code);
    cleanups.push(() => new Promise((done) => server.close(done)));
    const { log, lines } = captureLogger();
    const backend = closing(createLdapBackend(testLdapConfig({ url }), log));
    for (let i = 0; i < 20; i++) {
      await assert.rejects(backend.authenticate('alice', 'alice password'), IdentityUnavailableError);
    }
    code = 0;
    for (let i = 0; i < 3; i++) assert.equal(await backend.findByUsername('alice'), null);
    const said = loud(lines);
    assert.equal(said.length, 2, JSON.stringify(said, null, 1));
    assert.match(
      said[0] ?? '',
      /^LDAP directory unavailable since \S+Z: LDAP service bind as cn=sesame,ou=services,dc=cloudron failed: scripted refusal Code: 0x33$/,
    );
    assert.match(said[1] ?? '', /^LDAP directory back after \d+ (ms|s)$/);
  });

  it('still blames LDAP_BINDPW when slapd is unwilling because the service account has no password', async () => {
    const slapd = await startSlapd();
    cleanups.push(() => slapd.destroy());
    const { log, lines } = captureLogger();
    // LDAP_BINDDN without LDAP_BINDPW: OpenLDAP answers 53, "unauthenticated bind … disallowed".
    const backend = closing(createLdapBackend(testLdapConfig(slapd, { bindPassword: '' }), log));
    for (let i = 0; i < 5; i++) {
      await assert.rejects(backend.authenticate('alice', 'alice password'), IdentityUnavailableError);
    }
    assert.deepEqual(
      lines.filter((line) => line.level === 'warn' || line.level === 'error').map((line) => line.level),
      ['error'],
    );
    assert.match(
      loud(lines)[0] ?? '',
      /^LDAP service bind rejected since \S+Z: check LDAP_BINDDN and LDAP_BINDPW \(cn=sesame,ou=services,dc=cloudron: unauthenticated bind \(DN with no password\) disallowed/,
    );
  });
});
