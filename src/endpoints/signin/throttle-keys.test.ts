import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accountKeysOf, describeThrottleKey, throttleKeysOf } from './throttle-keys.js';

describe('throttle keys', () => {
  it('name the account (lower-cased) and the address key', () => {
    assert.deepEqual(throttleKeysOf('Alice', '2001:db8:0:1::7'), {
      pair: 'pair:alice|2001:db8:0:1::/64',
      account: 'acct:alice',
      address: 'addr:2001:db8:0:1::/64',
    });
  });

  it('keep one account’s keys apart from every other account’s, whatever the username holds', () => {
    const names = ['bob', 'bobby', 'bob|x', 'bob%7cx', 'bob%', 'bob|'];
    for (const name of names) {
      const { account, pairPrefix } = accountKeysOf(name);
      for (const other of names.filter((n) => n !== name)) {
        const keys = throttleKeysOf(other, '192.0.2.1');
        assert.ok(!keys.pair.startsWith(pairPrefix), `${other}'s pair key under ${name}'s prefix`);
        assert.notEqual(keys.account, account);
      }
      assert.ok(throttleKeysOf(name.toUpperCase(), '192.0.2.1').pair.startsWith(pairPrefix));
    }
  });

  it('can be read back as the account and address they count', () => {
    const keys = throttleKeysOf('Bob|X%', '::ffff:192.0.2.9');
    assert.deepEqual(describeThrottleKey(keys.pair), {
      kind: 'pair',
      account: 'bob|x%',
      address: '192.0.2.9',
    });
    assert.deepEqual(describeThrottleKey(keys.account), { kind: 'account', account: 'bob|x%' });
    assert.deepEqual(describeThrottleKey(keys.address), { kind: 'address', address: '192.0.2.9' });
    assert.deepEqual(describeThrottleKey('legacy'), { kind: 'other', key: 'legacy' });
    assert.deepEqual(describeThrottleKey('pair:no-separator'), { kind: 'other', key: 'pair:no-separator' });
  });
});
