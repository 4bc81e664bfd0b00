import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey } from './address-key.js';

describe('addressKey', () => {
  it('keeps an IPv4 address as it is', () => {
    assert.equal(addressKey('192.0.2.7'), '192.0.2.7');
  });

  it('counts every IPv6 address of one /64 as one, however it is written', () => {
    for (const address of [
      '2001:db8:0:1::1',
      '2001:0db8:0000:0001:ffff:ffff:ffff:ffff',
      '2001:db8:0:1:dead:beef::7%eth0',
    ]) {
      assert.equal(addressKey(address), '2001:db8:0:1::/64', address);
    }
    assert.equal(addressKey('2001:db8:0:2::1'), '2001:db8:0:2::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address, dotted or in hex', () => {
    assert.equal(addressKey('::ffff:192.0.2.9'), '192.0.2.9');
    assert.equal(addressKey('::ffff:c000:209'), '192.0.2.9');
  });

  it('returns what is not an IP address unchanged', () => {
    assert.equal(addressKey(''), '');
    assert.equal(addressKey('unknown'), 'unknown');
  });
});
