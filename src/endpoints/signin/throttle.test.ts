import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LoginThrottle } from './throttle.js';
import { ManualClock } from '../../lib/clock.js';
import { createMemoryStorage } from '../../storage/memory/memory-storage.js';
import type { ThrottleStore } from '../../storage/types.js';

function setup(overrides: { maxPerAccount?: number; maxPerAddress?: number } = {}) {
  const clock = new ManualClock();
  const store = createMemoryStorage().throttle;
  const keys: string[] = [];
  const throttle: ThrottleStore = {
    hit: (key, now, windowMs) => {
      keys.push(key);
      return store.hit(key, now, windowMs);
    },
    count: (key, now, windowMs) => store.count(key, now, windowMs),
    clear: (key) => store.clear(key),
    release: (key, at) => store.release(key, at),
  };
  const limiter = new LoginThrottle({
    throttle,
    clock,
    windowSeconds: 300,
    maxPerAccount: overrides.maxPerAccount ?? 3,
    maxPerAddress: overrides.maxPerAddress ?? 10,
  });
  return { clock, limiter, keys, store };
}

/** Attempts that fail their password check: counted, and left counted. */
async function fail(limiter: LoginThrottle, times: number, username: string, address: string): Promise<void> {
  for (let i = 0; i < times; i++) await limiter.begin(username, address);
}

/** Whether a new attempt would be refused; a permitted probe is withdrawn again. */
async function isBlocked(limiter: LoginThrottle, username: string, address: string): Promise<boolean> {
  const attempt = await limiter.begin(username, address);
  if (!attempt.blocked) await limiter.abandoned(attempt);
  return attempt.blocked;
}

describe('LoginThrottle', () => {
  it('lets a user with few failures try again', async () => {
    const { limiter } = setup();
    await fail(limiter, 2, 'alice', '192.0.2.1');
    assert.equal(await isBlocked(limiter, 'alice', '192.0.2.1'), false);
  });

  it('blocks an account after too many failures, from any address, case-insensitively', async () => {
    const { limiter } = setup();
    await fail(limiter, 3, 'Alice', '192.0.2.1');
    assert.equal(await isBlocked(limiter, 'alice', '192.0.2.99'), true);
    assert.equal(await isBlocked(limiter, 'ALICE', '198.51.100.1'), true);
    assert.equal(await isBlocked(limiter, 'bob', '198.51.100.1'), false);
  });

  it('blocks an address that guesses across many accounts', async () => {
    const { limiter } = setup();
    for (let i = 0; i < 10; i++) await fail(limiter, 1, `user${i}`, '203.0.113.5');
    assert.equal(await isBlocked(limiter, 'someone-else', '203.0.113.5'), true);
    assert.equal(await isBlocked(limiter, 'someone-else', '203.0.113.6'), false);
  });

  it('keys attempts by the typed username alone, never by whether the account exists', async () => {
    const { limiter, keys } = setup();
    await fail(limiter, 3, 'no-such-user', '192.0.2.1');
    assert.equal(await isBlocked(limiter, 'no-such-user', '192.0.2.2'), true);
    assert.deepEqual(keys.slice(0, 2), ['acct:no-such-user', 'addr:192.0.2.1']);
  });

  it('unblocks once the failures leave the window', async () => {
    const { clock, limiter } = setup();
    await fail(limiter, 3, 'alice', '192.0.2.1');
    clock.advance(299_000);
    assert.equal(await isBlocked(limiter, 'alice', '192.0.2.1'), true);
    clock.advance(2_000);
    assert.equal(await isBlocked(limiter, 'alice', '192.0.2.1'), false);
  });

  it('clears the account counter on success but keeps the address counter', async () => {
    const { limiter } = setup({ maxPerAccount: 3, maxPerAddress: 4 });
    await fail(limiter, 2, 'alice', '192.0.2.1');
    await limiter.succeeded(await limiter.begin('ALICE', '192.0.2.1'));
    await fail(limiter, 2, 'alice', '192.0.2.1');
    assert.equal(await isBlocked(limiter, 'alice', '198.51.100.1'), false, 'account counter was reset');
    assert.equal(await isBlocked(limiter, 'bob', '192.0.2.1'), true, 'address counter kept all four');
  });

  it('counts an IPv6 /64 as one address and IPv4-mapped addresses as IPv4', async () => {
    const { limiter, keys } = setup({ maxPerAccount: 100, maxPerAddress: 3 });
    await fail(limiter, 1, 'a', '2001:db8:0:1::1');
    await fail(limiter, 1, 'b', '2001:0db8:0000:0001:ffff:ffff:ffff:ffff');
    await fail(limiter, 1, 'c', '2001:db8:0:1:dead:beef::7%eth0');
    assert.equal(await isBlocked(limiter, 'd', '2001:db8:0:1::42'), true);
    assert.equal(await isBlocked(limiter, 'd', '2001:db8:0:2::1'), false);
    assert.equal(keys[1], 'addr:2001:db8:0:1::/64');

    await fail(limiter, 1, 'e', '::ffff:192.0.2.9');
    await fail(limiter, 1, 'e', '::ffff:c000:209');
    await fail(limiter, 1, 'e', '192.0.2.9');
    assert.equal(keys.at(-1), 'addr:192.0.2.9');
    assert.equal(keys.at(-3), 'addr:192.0.2.9');
    assert.equal(keys.at(-5), 'addr:192.0.2.9');
    assert.equal(await isBlocked(limiter, 'f', '192.0.2.9'), true);
  });

  it('keys the IPv6 loopback and unspecified addresses correctly', async () => {
    const { limiter, keys } = setup();
    await fail(limiter, 1, 'a', '::1');
    await fail(limiter, 1, 'a', '::');
    await fail(limiter, 1, 'a', '1::');
    assert.deepEqual(
      [keys[1], keys[3], keys[5]],
      ['addr:0:0:0:0::/64', 'addr:0:0:0:0::/64', 'addr:1:0:0:0::/64'],
    );
  });

  it('limits a burst of parallel guesses to the account limit', async () => {
    const { limiter } = setup({ maxPerAccount: 3, maxPerAddress: 100 });
    const attempts = await Promise.all(Array.from({ length: 40 }, () => limiter.begin('alice', '192.0.2.1')));
    assert.equal(attempts.filter((a) => !a.blocked).length, 3);
  });

  it('does not count an attempt the backend could not check', async () => {
    const { limiter } = setup({ maxPerAccount: 1 });
    await limiter.abandoned(await limiter.begin('alice', '192.0.2.1'));
    assert.equal(await isBlocked(limiter, 'alice', '192.0.2.1'), false);
  });

  it('refuses nonsensical limits', () => {
    const clock = new ManualClock();
    const throttle = createMemoryStorage().throttle;
    const base = { throttle, clock, windowSeconds: 60, maxPerAccount: 5, maxPerAddress: 20 };
    assert.throws(() => new LoginThrottle({ ...base, windowSeconds: 0 }), TypeError);
    assert.throws(() => new LoginThrottle({ ...base, maxPerAccount: 0 }), TypeError);
    assert.throws(() => new LoginThrottle({ ...base, maxPerAddress: 1.5 }), TypeError);
  });
});
