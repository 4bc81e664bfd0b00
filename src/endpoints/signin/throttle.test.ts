import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { LoginThrottle, type SignInAttempt } from './throttle.js';
import type { Config } from '../../config/types.js';
import { ManualClock } from '../../lib/clock.js';
import { createMemoryStorage } from '../../storage/memory/memory-storage.js';
import type { ThrottleStore } from '../../storage/types.js';

const LIMITS: Config['throttle'] = {
  windowSeconds: 900,
  maxFailuresPerAccountAddress: 5,
  maxFailuresPerAccount: 10,
  accountIntervalSeconds: 10,
  maxFailuresPerAddress: 20,
};
const INTERVAL_MS = LIMITS.accountIntervalSeconds * 1000;

interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly limit?: string;
  readonly account?: string;
  readonly address?: string;
  readonly setting?: string;
}

function setup(limits: Partial<Config['throttle']> = {}) {
  const clock = new ManualClock();
  const store = createMemoryStorage().throttle;
  const keys: string[] = [];
  const recording: ThrottleStore = {
    ...store,
    hit: (key, now, windowMs) => {
      keys.push(key);
      return store.hit(key, now, windowMs);
    },
  };
  const lines: LogLine[] = [];
  const log = pino(
    { level: 'debug', formatters: { level: (label) => ({ level: label }) } },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  const throttle = new LoginThrottle({ store: recording, limits: { ...LIMITS, ...limits }, clock, log });
  return { clock, throttle, keys, lines, store };
}

/** Attempts that fail their password check: counted, and left counted. */
async function fail(
  throttle: LoginThrottle,
  times: number,
  username: string,
  address: string,
): Promise<void> {
  for (let i = 0; i < times; i++) {
    const attempt = await throttle.begin(username, address);
    assert.equal(attempt.blocked, false, `failure ${i + 1} of ${username} from ${address} was refused`);
  }
}

/** A new attempt's answer; a permitted probe is withdrawn again, so it changes nothing. */
async function probe(throttle: LoginThrottle, username: string, address: string): Promise<SignInAttempt> {
  const attempt = await throttle.begin(username, address);
  if (!attempt.blocked) await throttle.abandoned(attempt);
  return attempt;
}

async function refusedBy(throttle: LoginThrottle, username: string, address: string): Promise<string | null> {
  const attempt = await probe(throttle, username, address);
  return attempt.blocked ? attempt.limit : null;
}

/** Failures from as many addresses, a second apart, that bring `username` to the account limit. */
async function slowDown(clock: ManualClock, throttle: LoginThrottle, username: string): Promise<void> {
  for (let i = 0; i < LIMITS.maxFailuresPerAccount; i++) {
    clock.advance(1000);
    await fail(throttle, 1, username, `203.0.113.${i + 1}`);
  }
}

describe('LoginThrottle', () => {
  it('lets the owner sign in from their own address after an attacker made 50 failures elsewhere, once they wait the interval', async () => {
    const { clock, throttle } = setup();
    for (let i = 0; i < 50; i++) {
      // The attacker paces itself once the account is slowed down, so that all 50 count.
      clock.advance(i < LIMITS.maxFailuresPerAccount ? 1000 : INTERVAL_MS);
      await fail(throttle, 1, 'alice', `203.0.113.${i + 1}`);
    }
    // Right after the attacker's last guess, the account's next attempt has to wait.
    const early = await probe(throttle, 'alice', '198.51.100.7');
    assert.equal(early.blocked, true);
    assert.equal(early.blocked && early.limit, 'account');
    assert.equal(early.blocked && early.retryAfterSeconds, 10);
    // Guesses refused meanwhile do not push the owner's turn back.
    for (let i = 0; i < 100; i++) await probe(throttle, 'alice', `203.0.113.${(i % 50) + 1}`);

    clock.advance(INTERVAL_MS);
    const owner = await throttle.begin('alice', '198.51.100.7');
    assert.equal(owner.blocked, false, 'the owner, having waited, may try their password');
    if (!owner.blocked) await throttle.succeeded(owner);
  });

  it('lets the owner’s browser that signed in before straight in, while an attacker keeps the account slowed down', async () => {
    const { clock, throttle } = setup();
    await slowDown(clock, throttle, 'alice');
    for (let i = 0; i < 30; i++) {
      // The attacker guesses as soon as each interval allows, from ever new addresses.
      clock.advance(INTERVAL_MS);
      await fail(throttle, 1, 'alice', `198.51.100.${i + 1}`);
      clock.advance(1000);
      assert.equal(
        await refusedBy(throttle, 'alice', '192.0.2.7'),
        'account',
        'a browser new to alice waits',
      );
      const owner = await throttle.begin('ALICE', '192.0.2.7', { knownDevice: true });
      assert.equal(owner.blocked, false, `the owner's known browser, interval ${i + 1}`);
      if (!owner.blocked) await throttle.succeeded(owner);
    }
  });

  it('holds a known device to the pair and address locks, and counts its failures', async () => {
    const { throttle } = setup();
    const known = { knownDevice: true };
    for (let i = 0; i < LIMITS.maxFailuresPerAccountAddress; i++) {
      assert.equal((await throttle.begin('alice', '192.0.2.1', known)).blocked, false);
    }
    const paired = await throttle.begin('alice', '192.0.2.1', known);
    assert.equal(paired.blocked && paired.limit, 'account_address');

    for (let i = 0; i < LIMITS.maxFailuresPerAddress; i++) await fail(throttle, 1, `user${i}`, '203.0.113.5');
    const fromAddress = await throttle.begin('bob', '203.0.113.5', known);
    assert.equal(fromAddress.blocked && fromAddress.limit, 'address');

    // Its five failures counted towards alice's ten: five more from anywhere slow her down.
    await fail(throttle, 5, 'alice', '198.51.100.1');
    assert.equal(await refusedBy(throttle, 'alice', '198.51.100.2'), 'account');
  });

  it('holds a slowed-down account to its interval however many attempts arrive within a millisecond', async () => {
    const { clock, throttle } = setup({ accountIntervalSeconds: 1 });
    await slowDown(clock, throttle, 'alice');
    clock.advance(1000);
    await fail(throttle, 1, 'alice', '198.51.100.1');
    for (let i = 0; i < 1000; i++) await probe(throttle, 'alice', `198.51.100.${(i % 200) + 2}`);
    assert.equal(
      await refusedBy(throttle, 'alice', '198.51.100.250'),
      'account',
      'the interval has not passed',
    );
  });

  it('records each failure at the time it happened, however many arrive at once', async () => {
    const { clock, throttle, store } = setup();
    await fail(throttle, 3, 'alice', '192.0.2.1');
    const listed = await store.list(clock.now(), LIMITS.windowSeconds * 1000);
    assert.deepEqual(
      listed.map(({ key, count, lastAt }) => ({ key, count, lastAt })),
      ['acct:alice', 'addr:192.0.2.1', 'pair:alice|192.0.2.1'].map((key) => ({
        key,
        count: 3,
        lastAt: clock.now(),
      })),
    );
  });

  it('holds a slowed-down account to one counted guess per interval, from any number of addresses', async () => {
    const { clock, throttle } = setup();
    for (let i = 0; i < 10; i++) {
      await fail(throttle, 1, 'alice', `203.0.113.${i + 1}`);
      clock.advance(1000);
    }
    let counted = 0;
    for (let second = 0; second < 60; second++) {
      for (let i = 0; i < 20; i++) {
        const attempt = await throttle.begin('alice', `198.51.100.${i + 1}`);
        if (!attempt.blocked) counted++;
      }
      clock.advance(1000);
    }
    assert.equal(counted, 6, 'one guess per 10 s over a minute');
  });

  it('locks one account from one address after five failures, and nothing else', async () => {
    const { throttle } = setup();
    await fail(throttle, 5, 'Alice', '192.0.2.1');
    assert.equal(await refusedBy(throttle, 'alice', '192.0.2.1'), 'account_address');
    assert.equal(await refusedBy(throttle, 'ALICE', '192.0.2.1'), 'account_address', 'usernames ignore case');
    assert.equal(await refusedBy(throttle, 'alice', '192.0.2.2'), null, 'the same account from elsewhere');
    assert.equal(
      await refusedBy(throttle, 'bob', '192.0.2.1'),
      null,
      'another account from the same address',
    );
    const refused = await probe(throttle, 'alice', '192.0.2.1');
    assert.equal(
      refused.blocked && refused.retryAfterSeconds,
      900,
      'the whole window, all failures being new',
    );
  });

  it('says how long a lock still lasts: until the oldest failure that keeps it leaves the window', async () => {
    const { throttle, clock } = setup();
    await fail(throttle, 1, 'alice', '192.0.2.1');
    clock.advance(300_000);
    await fail(throttle, 4, 'alice', '192.0.2.1');
    clock.advance(60_000);
    const refused = await probe(throttle, 'alice', '192.0.2.1');
    // The first failure leaves the window 900 s after it was made, 540 s from now.
    assert.equal(refused.blocked && refused.retryAfterSeconds, 540);
    clock.advance(539_000);
    assert.equal(await refusedBy(throttle, 'alice', '192.0.2.1'), 'account_address');
    clock.advance(1_000);
    assert.equal(await refusedBy(throttle, 'alice', '192.0.2.1'), null, 'free when the wait is over');
  });

  it('works out the wait of a lock once; repeated refusals count it down without reading again', async () => {
    const { clock, store } = setup();
    let counts = 0;
    const counting = {
      ...store,
      count: (...args: Parameters<typeof store.count>) => (counts++, store.count(...args)),
    };
    const watched = new LoginThrottle({
      store: counting,
      limits: LIMITS,
      clock,
      log: pino({ enabled: false }),
    });
    await fail(watched, 5, 'alice', '192.0.2.1');
    const first = await probe(watched, 'alice', '192.0.2.1');
    assert.equal(first.blocked && first.retryAfterSeconds, 900);
    const readsForFirst = counts;
    assert.ok(readsForFirst > 2, 'the first refusal works the wait out');
    clock.advance(100_000);
    const again = await probe(watched, 'alice', '192.0.2.1');
    assert.equal(again.blocked && again.retryAfterSeconds, 800, 'counted down');
    assert.ok(counts - readsForFirst <= 2, `a repeated refusal read ${counts - readsForFirst} times`);
  });

  it('locks an address that guesses across many accounts, an IPv6 /64 as one address', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 20; i++) await fail(throttle, 1, `user${i}`, '203.0.113.5');
    assert.equal(await refusedBy(throttle, 'someone-else', '203.0.113.5'), 'address');
    assert.equal(await refusedBy(throttle, 'someone-else', '::ffff:203.0.113.5'), 'address');
    assert.equal(await refusedBy(throttle, 'someone-else', '203.0.113.6'), null);

    for (let i = 0; i < 20; i++) await fail(throttle, 1, `user${i}`, `2001:db8:0:1::${i + 1}`);
    assert.equal(await refusedBy(throttle, 'someone-else', '2001:db8:0:1:ffff::1'), 'address');
    assert.equal(await refusedBy(throttle, 'someone-else', '2001:db8:0:2::1'), null);
  });

  it('holds a burst of parallel guesses from one address to the pair limit', async () => {
    const { throttle } = setup();
    const attempts = await Promise.all(
      Array.from({ length: 40 }, () => throttle.begin('alice', '192.0.2.1')),
    );
    assert.equal(attempts.filter((a) => !a.blocked).length, 5);
  });

  it('holds a burst of parallel guesses from many addresses to the account limit', async () => {
    const { throttle } = setup();
    const attempts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => throttle.begin('alice', `203.0.113.${i + 1}`)),
    );
    assert.equal(attempts.filter((a) => !a.blocked).length, 10);
  });

  it('counts an unknown username exactly like a known one, under keys of the typed name', async () => {
    const { throttle, keys } = setup();
    await fail(throttle, 5, 'No-Such-User', '192.0.2.1');
    assert.equal(await refusedBy(throttle, 'no-such-user', '192.0.2.1'), 'account_address');
    assert.deepEqual(keys.slice(0, 3), [
      'pair:no-such-user|192.0.2.1',
      'acct:no-such-user',
      'addr:192.0.2.1',
    ]);
  });

  it('forgets the account’s failures from the address it signed in from, and only those', async () => {
    const { throttle } = setup({ maxFailuresPerAccount: 100 });
    await fail(throttle, 4, 'alice', '192.0.2.1');
    await fail(throttle, 4, 'alice', '198.51.100.1');
    const success = await throttle.begin('alice', '192.0.2.1');
    assert.equal(success.blocked, false);
    if (!success.blocked) await throttle.succeeded(success);
    await fail(throttle, 5, 'alice', '192.0.2.1');
    await fail(throttle, 1, 'alice', '198.51.100.1');
    assert.equal(await refusedBy(throttle, 'alice', '198.51.100.1'), 'account_address');
  });

  it('logs the first refusal by each limit at warn, naming the limit, account and address', async () => {
    const { throttle, lines } = setup();
    await fail(throttle, 5, 'alice', '192.0.2.1');
    await probe(throttle, 'alice', '192.0.2.1');
    await probe(throttle, 'alice', '192.0.2.1');
    const warnings = lines.filter((line) => line.level === 'warn');
    assert.equal(warnings.length, 1, 'a repeated refusal is not warned about again');
    assert.deepEqual(
      {
        limit: warnings[0]?.limit,
        account: warnings[0]?.account,
        address: warnings[0]?.address,
        setting: warnings[0]?.setting,
      },
      {
        limit: 'account_address',
        account: 'alice',
        address: '192.0.2.1',
        setting: 'throttle.max_failures_per_account_address',
      },
    );
    assert.match(
      warnings[0]?.msg ?? '',
      /sign-in throttled: too many failures for this account from this address/,
    );
    assert.equal(
      lines.filter((line) => line.level === 'debug' && line.limit === 'account_address').length,
      1,
    );

    for (let i = 0; i < 20; i++) await fail(throttle, 1, `user${i}`, '203.0.113.5');
    await probe(throttle, 'bob', '203.0.113.5');
    assert.deepEqual(
      lines.filter((line) => line.level === 'warn').map((line) => [line.limit, line.account, line.address]),
      [
        ['account_address', 'alice', '192.0.2.1'],
        ['address', 'bob', '203.0.113.5'],
      ],
    );
  });

  it('unlocks once the failures leave the window', async () => {
    const { clock, throttle } = setup();
    await fail(throttle, 5, 'alice', '192.0.2.1');
    clock.advance(899_000);
    assert.equal(await refusedBy(throttle, 'alice', '192.0.2.1'), 'account_address');
    clock.advance(2_000);
    assert.equal(await refusedBy(throttle, 'alice', '192.0.2.1'), null);
  });

  it('does not count an attempt the backend could not check', async () => {
    const { throttle } = setup({ maxFailuresPerAccountAddress: 1 });
    const attempt = await throttle.begin('alice', '192.0.2.1');
    assert.equal(attempt.blocked, false);
    if (!attempt.blocked) await throttle.abandoned(attempt);
    assert.equal(await refusedBy(throttle, 'alice', '192.0.2.1'), null);
  });

  it('refuses nonsensical limits', () => {
    const base = {
      store: createMemoryStorage().throttle,
      clock: new ManualClock(),
      log: pino({ level: 'silent' }),
    };
    const make = (limits: Partial<Config['throttle']>) => () =>
      new LoginThrottle({ ...base, limits: { ...LIMITS, ...limits } });
    assert.throws(make({ windowSeconds: 0 }), TypeError);
    assert.throws(make({ accountIntervalSeconds: -1 }), TypeError);
    assert.throws(make({ maxFailuresPerAccountAddress: 0 }), TypeError);
    assert.throws(make({ maxFailuresPerAccount: 2.5 }), TypeError);
    assert.throws(make({ maxFailuresPerAddress: Number.NaN }), TypeError);
  });
});
