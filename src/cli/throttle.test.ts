import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { LoginThrottle } from '../endpoints/signin/throttle.js';
import { ManualClock } from '../lib/clock.js';
import { openStorage } from '../storage/open.js';
import { main } from '../main.js';
import { throttleCommand } from './throttle.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let dir: string;
let configFile: string;
let config: Config;
const clock = new ManualClock(Date.UTC(2026, 4, 1, 12, 0, 0));

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString('utf8')));
  return {
    io: { stdin: Readable.from(['']), stdout, stderr, env: {}, cwd: dir },
    output: () => ({ stdout: out.join(''), stderr: err.join('') }),
  };
}

/** Runs `sesame throttle …` against the temp directory's config and SQLite file. */
async function run(argv: string[]): Promise<Run> {
  const { io: cli, output } = io();
  const code = await throttleCommand([...argv, '--config', configFile], cli, clock);
  return { code, ...output() };
}

/** Does what sign-in does with the same storage: `failures` wrong passwords, one at a time. */
async function failSignIns(username: string, address: string, failures: number): Promise<void> {
  await withThrottle(async (throttle) => {
    for (let i = 0; i < failures; i++) {
      clock.advance(1000);
      const attempt = await throttle.begin(username, address);
      assert.equal(attempt.blocked, false);
    }
  });
}

/** Whether sign-in would refuse `username` from `address` a moment later. */
async function refused(username: string, address: string): Promise<boolean> {
  // A millisecond of its own: withdrawing the probe must not withdraw a failure.
  clock.advance(1);
  return withThrottle(async (throttle) => {
    const attempt = await throttle.begin(username, address);
    if (!attempt.blocked) await throttle.abandoned(attempt);
    return attempt.blocked;
  });
}

async function withThrottle<T>(use: (throttle: LoginThrottle) => Promise<T>): Promise<T> {
  const storage = await openStorage(config.storage);
  try {
    const log = pino({ level: 'silent' });
    return await use(new LoginThrottle({ store: storage.throttle, limits: config.throttle, clock, log }));
  } finally {
    await storage.close();
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-throttle-cli-'));
  configFile = join(dir, 'sesame.yaml');
  await writeFile(
    configFile,
    'issuer: https://id.example.org\nstorage: sqlite:./t.db\ndata_dir: .\ndemo: false\n' +
      'throttle:\n  max_failures_per_account_address: 3\n  max_failures_per_account: 5\n  max_failures_per_address: 50\n',
  );
  config = loadConfig({ file: configFile, env: {}, cwd: dir }).config;
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sesame throttle', () => {
  it('says so when nothing is throttled', async () => {
    const result = await run(['list']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, 'No failed sign-ins in the last 900 s.\n');
  });

  it('lists every counter with its failures, last failure and whether it holds sign-ins back', async () => {
    await failSignIns('alice', '192.0.2.1', 3);
    await failSignIns('alice', '198.51.100.2', 2);
    await failSignIns('bob|ops', '192.0.2.1', 1);
    const now = clock.now();
    const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString();
    const last = at(0);
    assert.ok(await refused('alice', '192.0.2.1'));

    const result = await run(['list']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    const lines = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.split(/\s{2,}/));
    assert.deepEqual(lines, [
      ['LIMIT', 'ACCOUNT', 'ADDRESS', 'FAILURES', 'LAST FAILURE', 'STATE'],
      ['account', 'alice', '-', '5', at(1), 'slowed down'],
      ['account', 'bob|ops', '-', '1', last, 'counting'],
      ['address', '-', '192.0.2.1', '4', last, 'counting'],
      ['address', '-', '198.51.100.2', '2', at(1), 'counting'],
      ['account+address', 'alice', '192.0.2.1', '3', at(3), 'locked'],
      ['account+address', 'alice', '198.51.100.2', '2', at(1), 'counting'],
      ['account+address', 'bob|ops', '192.0.2.1', '1', last, 'counting'],
    ]);

    const json = await run(['list', '--json']);
    const rows = JSON.parse(json.stdout) as { key: string; failures: number }[];
    assert.deepEqual(
      rows.map((row) => [row.key, row.failures]),
      [
        ['acct:alice', 5],
        ['acct:bob%7Cops', 1],
        ['addr:192.0.2.1', 4],
        ['addr:198.51.100.2', 2],
        ['pair:alice|192.0.2.1', 3],
        ['pair:alice|198.51.100.2', 2],
        ['pair:bob%7Cops|192.0.2.1', 1],
      ],
    );
  });

  it('clears one account from every address, and leaves other accounts and the addresses', async () => {
    const result = await run(['clear', 'ALICE']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, 'Cleared the sign-in failures of ALICE (3 counters).\n');
    assert.equal(await refused('alice', '192.0.2.1'), false, 'alice may sign in again');

    const remaining = JSON.parse((await run(['list', '--json'])).stdout) as { key: string }[];
    assert.deepEqual(
      remaining.map((row) => row.key),
      ['acct:bob%7Cops', 'addr:192.0.2.1', 'addr:198.51.100.2', 'pair:bob%7Cops|192.0.2.1'],
    );
    assert.equal((await run(['clear', 'alice'])).stdout, 'No sign-in failures of alice to clear.\n');
  });

  it('clears everything', async () => {
    const result = await run(['clear']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, 'Cleared every sign-in failure (4 counters).\n');
    assert.equal((await run(['list'])).stdout, 'No failed sign-ins in the last 900 s.\n');
  });

  it('is a command of sesame, with usage on --help and errors for what it does not know', async () => {
    const help = io();
    assert.equal(await main(['throttle', '--help'], help.io), 0);
    assert.match(help.output().stdout, /sesame throttle clear \[<username>\]/);
    const unknown = await run(['reset']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown command "throttle reset"/);
    const extra = await run(['clear', 'a', 'b']);
    assert.equal(extra.code, 1);
    assert.match(extra.stderr, /unexpected argument "b"/);
  });
});
