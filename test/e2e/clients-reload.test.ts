// The registration file against a real server process: what a careless save does not do
// (issue 7, items 3 and 10), and how the operator confirms a file on purpose.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  freePort,
  sesameCli,
  startSesame,
  waitUntilReady,
  type RunningSesame,
} from '../helpers/sesame-process.js';

const REDIRECT = 'http://127.0.0.1:9/cb';
const registration = (...ids: string[]): string =>
  'clients:\n' +
  ids
    .map(
      (id) =>
        `  - id: ${id}\n    secret: ${id}-secret-0123456789\n    insecure: yes\n    redirect_uris: [${REDIRECT}]\n`,
    )
    .join('');

/** Whether the server takes an authorization request from `clientId` (on to the sign-in page). */
async function accepts(sesame: RunningSesame, clientId: string): Promise<boolean> {
  const url = new URL('/signin/v1/identifier/_/authorize', sesame.issuer);
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid',
    state: 's',
  }).toString();
  const response = await fetch(url, { redirect: 'manual' });
  await response.body?.cancel();
  return response.status >= 300 && response.status < 400;
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`${what}: not in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('sesame clients reload --force', () => {
  let sesame: RunningSesame;
  before(async () => {
    sesame = await startSesame({ registration: registration('a', 'b', 'c', 'd', 'e') });
  });
  after(async () => {
    await sesame?.stop();
  });

  it('records the server process in <data_dir>/sesame.pid, readable by its user alone', async () => {
    const pidFile = join(sesame.dir, 'data', 'sesame.pid');
    // Written once the port is taken, so it may follow the first answer by a moment.
    await eventually(
      () =>
        access(pidFile).then(
          () => true,
          () => false,
        ),
      'pid file',
    );
    const text = await readFile(pidFile, 'utf8');
    assert.match(text, /^\d+\n$/, 'the pid alone, so that kill -HUP $(cat sesame.pid) signals it alone');
    const pid = Number(text.trim());
    assert.ok(Number.isSafeInteger(pid) && pid > 1);
    process.kill(pid, 0);
    assert.equal((await stat(pidFile)).mode & 0o777, 0o600);
  });

  it('keeps the clients when a save drops 4 of 5, and applies that file when the operator confirms it', async () => {
    await writeFile(sesame.registrationFile, registration('a'));
    await eventually(
      () => /identifier registration conf not applied: it removes 4 of the 5/.test(sesame.logs()),
      'held back',
    );
    const dataDir = join(sesame.dir, 'data');
    assert.ok(
      sesame
        .logs()
        .includes(
          `apply it: \`kill -HUP $(cat ${dataDir}/sesame.pid)\`, or \`sesame clients reload --force --data-dir ${dataDir}\``,
        ),
      'the log says how to confirm the file',
    );
    assert.equal(await accepts(sesame, 'e'), true, 'a client the save dropped still works');

    const refused = await sesameCli(['clients', 'reload', '--config', sesame.configFile]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /add --force to confirm/);
    assert.equal(await accepts(sesame, 'e'), true);

    const result = await sesameCli(['clients', 'reload', '--force', '--config', sesame.configFile]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /Sent SIGHUP to the Sesame server \(pid \d+\): it applies .*identifier-registration\.yaml with 1 client\(s\)/,
    );
    await eventually(async () => !(await accepts(sesame, 'e')), 'the dropped client is gone');
    assert.equal(await accepts(sesame, 'a'), true);
    assert.match(
      sesame.logs(),
      /applying the identifier registration conf as requested, although it removes 4 of the 5 clients in force/,
    );
  });

  it('does not signal the server when the file would be refused anyway', async () => {
    const hangups = () => sesame.logs().split('received SIGHUP').length;
    const before = hangups();
    await writeFile(sesame.registrationFile, 'clients:\n  - id: [broken\n');
    try {
      const result = await sesameCli(['clients', 'reload', '--force', '--config', sesame.configFile]);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /the server would refuse .*identifier-registration\.yaml; not signalling it:\n {2}.*identifier-registration\.yaml:\d+:\d+: /,
      );
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(hangups(), before, 'no SIGHUP sent');
    } finally {
      await writeFile(sesame.registrationFile, registration('a'));
    }
  });

  it('removes the pid file when the server stops, after which there is no server to reach', async () => {
    const pidFile = join(sesame.dir, 'data', 'sesame.pid');
    sesame.signal('SIGTERM');
    await eventually(
      () =>
        access(pidFile).then(
          () => false,
          () => true,
        ),
      'pid file removed',
    );
    const result = await sesameCli(['clients', 'reload', '--force', '--config', sesame.configFile]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no Sesame server is running on .*data \(there is no .*sesame\.pid\)/);
  });
});

describe('starting with an oversized registration file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sesame-registration-size-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start, naming the size and the setting that raises it', { timeout: 60_000 }, async () => {
    const port = await freePort();
    await writeFile(join(dir, 'identifier-registration.yaml'), registration('a') + `# ${'x'.repeat(3000)}\n`);
    const config = join(dir, 'sesame.yaml');
    await writeFile(
      config,
      [
        `issuer: http://127.0.0.1:${port}`,
        `listen: 127.0.0.1:${port}`,
        'data_dir: ./data',
        'registration: ./identifier-registration.yaml',
        'limits:',
        '  registration_file_bytes: 2048',
      ].join('\n'),
    );
    const result = await sesameCli(['serve', '--config', config]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /identifier-registration\.yaml: the registration file is \d+ bytes, more than the 2048 bytes accepted; raise limits\.registration_file_bytes in sesame\.yaml/,
    );
  });
});

describe('sesame clients reload --force --data-dir, for konnectd (no sesame.yaml)', () => {
  const repo = resolve(import.meta.dirname, '../..');
  const tsx = import.meta.resolve('tsx');
  let dir: string;
  let child: ChildProcess;
  let log = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sesame-konnectd-reload-'));
  });
  after(async () => {
    if (child?.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'finds konnectd by its data directory and makes it apply a held-back file',
    { timeout: 90_000 },
    async () => {
      const port = await freePort();
      const issuer = `http://127.0.0.1:${port}`;
      const registrationFile = join(dir, 'identifier-registration.yaml');
      const dataDir = join(dir, 'konnectd-data');
      await writeFile(registrationFile, registration('a', 'b', 'c', 'd', 'e'));
      child = spawn(
        process.execPath,
        [
          '--import',
          tsx,
          join(repo, 'test/konnectd/run-konnectd.ts'),
          'serve',
          `--iss=${issuer}`,
          `--listen=127.0.0.1:${port}`,
          `--identifier-registration-conf=${registrationFile}`,
          `--data-dir=${dataDir}`,
          '--log-level=debug',
          'builtin',
        ],
        { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
      const exited = new Promise<number>((done) => child.on('exit', (c) => done(c ?? 1)));
      await waitUntilReady(issuer, exited, () => log);
      await eventually(
        () =>
          access(join(dataDir, 'sesame.pid')).then(
            () => true,
            () => false,
          ),
        'pid file',
      );

      await writeFile(registrationFile, registration('a'));
      await eventually(() => /identifier registration conf not applied/.test(log), 'held back');
      assert.ok(log.includes(`sesame clients reload --force --data-dir ${dataDir}`), log);
      assert.ok(log.includes(`kill -HUP $(cat ${dataDir}/sesame.pid)`));

      const elsewhere = await mkdtemp(join(tmpdir(), 'sesame-no-config-'));
      try {
        const result = await sesameCli(
          ['clients', 'reload', '--force', '--data-dir', dataDir],
          '',
          elsewhere,
        );
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /Sent SIGHUP to the Sesame server on .*konnectd-data \(pid \d+\)/);
      } finally {
        await rm(elsewhere, { recursive: true, force: true });
      }
      await eventually(
        () =>
          /applying the identifier registration conf as requested, although it removes 4 of the 5/.test(log),
        'applied',
      );
    },
  );
});
