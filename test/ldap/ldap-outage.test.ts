import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLdapBackend } from '../../src/identity/ldap/index.js';
import { IdentityUnavailableError, type IdentityBackend } from '../../src/identity/types.js';
import { captureLogger, startSlapd, testLdapConfig, type RunningSlapd } from '../helpers/slapd.js';

/** Resolves with how long `operation` took to reject with IdentityUnavailableError. */
async function unavailableWithin(operation: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await assert.rejects(operation, IdentityUnavailableError);
  return performance.now() - started;
}

/** A TCP server on loopback that treats connections as `handle` says. */
async function listen(handle: (socket: Socket) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handle);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { server, url: `ldap://127.0.0.1:${port}` };
}

describe('LDAP backend when the directory fails', () => {
  let slapd: RunningSlapd;
  const opened: IdentityBackend[] = [];
  const servers: Server[] = [];

  before(async () => {
    slapd = await startSlapd();
  });
  after(async () => {
    for (const backend of opened) await backend.close();
    for (const server of servers) server.close();
    await slapd?.destroy();
  });

  it('reports a stopped server quickly and recovers by itself when it is back', async () => {
    const backend = createLdapBackend(testLdapConfig(slapd, { timeoutSeconds: 2 }), captureLogger().log);
    opened.push(backend);
    const before = await backend.authenticate('alice', 'alice password');
    assert.ok(before);

    await slapd.stop();
    assert.ok((await unavailableWithin(() => backend.authenticate('alice', 'alice password'))) < 3000);
    assert.ok((await unavailableWithin(() => backend.getUser(before.id))) < 3000);

    await slapd.start();
    assert.deepEqual(await backend.authenticate('alice', 'alice password'), before);
    assert.deepEqual(await backend.getUser(before.id), before);
  });

  it('reconnects transparently when the server restarted between two requests', async () => {
    const backend = createLdapBackend(testLdapConfig(slapd), captureLogger().log);
    opened.push(backend);
    assert.ok(await backend.authenticate('bob', 'bob secret'));
    await slapd.stop();
    await slapd.start();
    assert.ok(await backend.authenticate('bob', 'bob secret'));
  });

  it('treats a rejected service account as unavailable and logs it as an error', async () => {
    const { log, lines } = captureLogger();
    const backend = createLdapBackend(testLdapConfig(slapd, { bindPassword: 'wrong' }), log);
    opened.push(backend);
    await assert.rejects(backend.authenticate('alice', 'alice password'), IdentityUnavailableError);
    await assert.rejects(backend.getUser('uid=alice,ou=users,dc=cloudron'), IdentityUnavailableError);
    assert.ok(lines.some((line) => line.level === 'error' && /service bind/.test(line.msg)));
    assert.equal(JSON.stringify(lines).includes('wrong'), false, 'the password is not logged');
  });

  it('gives up on a server that accepts connections but never answers within the timeout', async () => {
    const sockets: Socket[] = [];
    const { server, url } = await listen((socket) => void sockets.push(socket));
    servers.push(server);
    const backend = createLdapBackend(testLdapConfig({ url }, { timeoutSeconds: 1 }), captureLogger().log);
    opened.push(backend);
    assert.ok((await unavailableWithin(() => backend.authenticate('alice', 'alice password'))) < 2000);
    assert.ok((await unavailableWithin(() => backend.getUser('uid=alice,ou=users,dc=cloudron'))) < 2000);
    for (const socket of sockets) socket.destroy();
  });

  it('reports a server that drops every connection, and nothing listening, as unavailable', async () => {
    const { server, url } = await listen((socket) => socket.destroy());
    servers.push(server);
    const dropping = createLdapBackend(testLdapConfig({ url }), captureLogger().log);
    opened.push(dropping);
    assert.ok((await unavailableWithin(() => dropping.authenticate('alice', 'alice password'))) < 3000);

    const closed = await listen(() => {});
    await new Promise((done) => closed.server.close(done));
    const nobody = createLdapBackend(testLdapConfig({ url: closed.url }), captureLogger().log);
    opened.push(nobody);
    assert.ok((await unavailableWithin(() => nobody.authenticate('alice', 'alice password'))) < 1000);
  });

  it('attempts TLS when asked: StartTLS or ldaps:// against a plain server fail as unavailable', async () => {
    const startTls = createLdapBackend(testLdapConfig(slapd, { startTls: true }), captureLogger().log);
    opened.push(startTls);
    await unavailableWithin(() => startTls.authenticate('alice', 'alice password'));
    const url = slapd.url.replace('ldap://', 'ldaps://');
    const ldaps = createLdapBackend(testLdapConfig({ url }), captureLogger().log);
    opened.push(ldaps);
    assert.ok((await unavailableWithin(() => ldaps.authenticate('alice', 'alice password'))) < 3000);
  });

  it('refuses to work after close', async () => {
    const backend = createLdapBackend(testLdapConfig(slapd), captureLogger().log);
    assert.ok(await backend.authenticate('alice', 'alice password'));
    await backend.close();
    await assert.rejects(backend.authenticate('alice', 'alice password'), IdentityUnavailableError);
  });
});
