// What an operator sees when a dependency is missing at start or goes away later: Sesame keeps
// running, says in its log why it is not ready and what to check, `/health-check` answers 503
// naming the dependency, `/health-check/live` stays 200, and it becomes ready by itself once the
// dependency answers. A real slapd (one for the file), real PostgreSQL through a TCP proxy.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { openTestSchemas } from '../../src/storage/postgres/test-database.js';
import { freePort, startSesame, type RunningSesame } from '../helpers/sesame-process.js';
import { startSlapd, type RunningSlapd } from '../helpers/slapd.js';

const registration = 'clients: []\n';

interface LogLine {
  readonly level: string;
  readonly msg: string;
}

let slapd: RunningSlapd;
const running: RunningSesame[] = [];

before(async () => {
  slapd = await startSlapd();
});
after(async () => {
  for (const sesame of running) await sesame.stop();
  await slapd?.destroy();
});

/** Starts Sesame on the fixture directory, with `env` over the working LDAP settings. */
async function sesameWithLdap(
  env: Record<string, string>,
  waitFor: 'healthy' | 'live' = 'live',
): Promise<RunningSesame> {
  const sesame = await startSesame({
    registration,
    extraConfig: 'identity: ldap\ndemo: false\n',
    env: {
      LDAP_URI: slapd.url,
      LDAP_BINDDN: 'cn=sesame,ou=services,dc=cloudron',
      LDAP_BINDPW: 'service secret',
      LDAP_BASEDN: 'ou=users,dc=cloudron',
      LDAP_TIMEOUT: '2',
      ...env,
    },
    waitFor,
  });
  running.push(sesame);
  return sesame;
}

function lines(sesame: RunningSesame): LogLine[] {
  return sesame
    .logs()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** Waits up to `ms` for a log line matching `pattern`; returns it. */
async function logLine(sesame: RunningSesame, pattern: RegExp, ms = 10_000): Promise<LogLine> {
  const deadline = Date.now() + ms;
  for (;;) {
    const line = lines(sesame).find((candidate) => pattern.test(candidate.msg));
    if (line !== undefined) return line;
    if (Date.now() > deadline)
      assert.fail(`no log line matching ${pattern} within ${ms} ms:\n${sesame.logs()}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** GET /health-check: the status, Retry-After and body. */
async function health(sesame: RunningSesame, path = '/health-check') {
  const response = await fetch(`${sesame.issuer}${path}`);
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { status: string; failing?: string[] },
  };
}

/** Polls /health-check until it answers `status`, for at most `ms`; returns the last answer. */
async function healthUntil(sesame: RunningSesame, status: number, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await health(sesame).catch(() => null);
    if (answer?.status === status || Date.now() > deadline) return answer;
    await new Promise((done) => setTimeout(done, 200));
  }
}

describe('LDAP at start and in health', () => {
  // Started together, for time: each is a process of its own on the one slapd.
  let wrongPassword: RunningSesame;
  let wrongBase: RunningSesame;
  let healthy: RunningSesame;
  before(async () => {
    [wrongPassword, wrongBase, healthy] = await Promise.all([
      sesameWithLdap({ LDAP_BINDPW: 'wrong password' }),
      sesameWithLdap({ LDAP_BASEDN: 'ou=people,dc=cloudron' }),
      sesameWithLdap({}, 'healthy'),
    ]);
  });

  it('with a wrong bind password: listens, says to check LDAP_BINDDN and LDAP_BINDPW, and is not healthy', async () => {
    const sesame = wrongPassword;
    const notReady = await logLine(sesame, /but not ready: ldap:/);
    assert.equal(notReady.level, 'error');
    assert.match(
      notReady.msg,
      /service bind as cn=sesame,ou=services,dc=cloudron was rejected: check LDAP_BINDDN and LDAP_BINDPW/,
    );
    assert.equal(sesame.logs().includes('wrong password'), false, 'the password is not logged');
    assert.equal(sesame.logs().includes('ready to handle requests'), false);

    const answer = await health(sesame);
    assert.equal(answer.status, 503);
    assert.equal(answer.retryAfter, '5');
    assert.deepEqual(answer.body, { status: 'unavailable', failing: ['ldap'] });
    const live = await health(sesame, '/health-check/live');
    assert.equal(live.status, 200);
    assert.deepEqual(live.body, { status: 'ok' });
  });

  it('with a search base that does not exist: says to check LDAP_BASEDN, and is not healthy', async () => {
    const sesame = wrongBase;
    const notReady = await logLine(sesame, /but not ready: ldap:/);
    assert.equal(notReady.level, 'error');
    assert.match(notReady.msg, /search base ou=people,dc=cloudron does not exist: check LDAP_BASEDN/);
    assert.equal(sesame.logs().includes('ready to handle requests'), false);
    const answer = await health(sesame);
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.body, { status: 'unavailable', failing: ['ldap'] });
    assert.equal((await health(sesame, '/health-check/live')).status, 200);
  });

  it('while running: 503 naming ldap while the directory is down, 200 and "back" in the log once it returns', async () => {
    const sesame = healthy;
    await logLine(sesame, /^ready to handle requests$/);
    await slapd.stop();
    try {
      const down = await healthUntil(sesame, 503, 5000);
      assert.equal(down?.status, 503);
      assert.deepEqual(down?.body, { status: 'unavailable', failing: ['ldap'] });
      assert.equal((await health(sesame, '/health-check/live')).status, 200);
    } finally {
      await slapd.start();
    }
    assert.equal((await healthUntil(sesame, 200, 10_000))?.status, 200);
    // DirectoryHealth ends the outage after three answers in a row; health checks give one a second.
    for (let i = 0; i < 3; i++) {
      await new Promise((done) => setTimeout(done, 1000));
      await health(sesame);
    }
    await logLine(sesame, /^LDAP directory back after /, 5000);
  });

  it('with the directory down at start: says to check LDAP_URI, and becomes ready by itself once it answers', async () => {
    await slapd.stop();
    let sesame: RunningSesame;
    try {
      sesame = await sesameWithLdap({});
      const notReady = await logLine(sesame, /but not ready: ldap:/);
      assert.equal(notReady.level, 'error');
      assert.match(notReady.msg, /ECONNREFUSED.*check LDAP_URI/);
      const answer = await health(sesame);
      assert.equal(answer.status, 503);
      assert.deepEqual(answer.body, { status: 'unavailable', failing: ['ldap'] });
      assert.equal((await health(sesame, '/health-check/live')).status, 200);
    } finally {
      await slapd.start();
    }

    assert.equal((await healthUntil(sesame, 200, 10_000))?.status, 200, 'healthy once slapd is back');
    const recovered = await logLine(sesame, /^LDAP directory answers again; ready$/);
    assert.equal(recovered.level, 'warn');
    await logLine(sesame, /^ready to handle requests$/);
    const said = lines(sesame).map((line) => line.msg);
    assert.equal(said.filter((msg) => /answers again/.test(msg)).length, 1, 'the recovery is logged once');
    assert.ok(
      said.findIndex((msg) => /answers again/.test(msg)) < said.indexOf('ready to handle requests'),
      'ready only after the directory answers',
    );
  });
});

/** A TCP proxy to PostgreSQL; `close` also cuts the connections it carries. */
function postgresProxy(upstream: URL): { server: Server; close(): Promise<void> } {
  const sockets = new Set<Socket>();
  const server = createServer((client: Socket) => {
    const database = connect(Number(upstream.port || 5432), upstream.hostname);
    for (const socket of [client, database]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        database.destroy();
      });
    }
    client.pipe(database);
    database.pipe(client);
  });
  return {
    server,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

const schemas = await openTestSchemas();

if ('skip' in schemas) {
  describe('PostgreSQL at start', { skip: schemas.skip }, () => {});
} else {
  describe('PostgreSQL at start', () => {
    const started: RunningSesame[] = [];
    const proxies: { close(): Promise<void> }[] = [];
    after(async () => {
      // Sesame first: its connections would keep the proxy, and the schemas, busy.
      for (const sesame of started) await sesame.stop();
      for (const proxy of proxies) await proxy.close();
      await schemas.dropAll();
    });

    /** Starts Sesame with its storage at a loopback port where nothing listens yet. */
    const sesameBeforeItsDatabase = async () => {
      const { url } = await schemas.create();
      const port = await freePort();
      const proxied = new URL(url);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(port);
      const sesame = await startSesame({
        registration,
        extraConfig: `demo: false\nstorage: '${proxied.href}'\n`,
        waitFor: 'nothing',
      });
      started.push(sesame);
      return { sesame, port, upstream: new URL(url) };
    };

    it('keeps trying a database that refuses connections, and serves once it answers', async () => {
      const { sesame, port, upstream } = await sesameBeforeItsDatabase();
      const first = await logLine(sesame, /^storage unavailable at start: /, 30_000);
      assert.equal(first.level, 'error');
      assert.match(first.msg, /ECONNREFUSED.*check that PostgreSQL is running/);
      await logLine(sesame, /^storage still unavailable \(attempt 2\)/);
      assert.equal(sesame.exitCode(), undefined, 'still running');
      assert.equal(
        await fetch(`${sesame.issuer}/health-check/live`).catch(() => null),
        null,
        'not listening yet',
      );

      const proxy = postgresProxy(upstream);
      proxies.push(proxy);
      await new Promise<void>((done) => proxy.server.listen(port, '127.0.0.1', done));
      assert.equal(
        (await healthUntil(sesame, 200, 20_000))?.status,
        200,
        'healthy once the database answers',
      );
      await logLine(sesame, /^storage answers; starting/);
      await logLine(sesame, /^ready to handle requests$/);
    });

    it('stops promptly on SIGTERM while waiting for its database', async () => {
      const { sesame } = await sesameBeforeItsDatabase();
      await logLine(sesame, /^storage unavailable at start: /, 30_000);
      const started = Date.now();
      sesame.signal('SIGTERM');
      while (sesame.exitCode() === undefined && Date.now() - started < 5000) {
        await new Promise((done) => setTimeout(done, 50));
      }
      assert.equal(sesame.exitCode(), 0, sesame.logs());
      assert.ok(Date.now() - started < 3000, `exited within ${Date.now() - started} ms`);
    });
  });
}
