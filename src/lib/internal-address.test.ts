import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInternalAddress } from './internal-address.js';

const internal: readonly (readonly [string, string])[] = [
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', '"this network" (0.0.0.0/8)'],
  ['10.0.0.1', 'private (10/8)'],
  ['10.255.255.255', 'private (10/8), last'],
  ['100.64.0.1', 'shared, carrier-grade NAT (100.64/10)'],
  ['100.127.255.254', 'shared, carrier-grade NAT (100.64/10), last'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback (127/8)'],
  ['169.254.169.254', 'link-local: cloud metadata'],
  ['172.16.0.1', 'private (172.16/12)'],
  ['172.31.255.255', 'private (172.16/12), last'],
  ['192.0.0.8', 'IETF protocol assignments (192.0.0/24)'],
  ['192.0.2.1', 'documentation (TEST-NET-1)'],
  ['192.168.1.1', 'private (192.168/16)'],
  ['198.18.0.1', 'benchmarking (198.18/15)'],
  ['198.19.255.255', 'benchmarking (198.18/15), last'],
  ['198.51.100.7', 'documentation (TEST-NET-2)'],
  ['203.0.113.7', 'documentation (TEST-NET-3)'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast (SSDP)'],
  ['240.0.0.1', 'reserved (240/4)'],
  ['255.255.255.255', 'limited broadcast'],
  ['::', 'IPv6 unspecified'],
  ['::1', 'IPv6 loopback'],
  ['0:0:0:0:0:0:0:1', 'IPv6 loopback, written out'],
  ['::7f00:1', 'IPv4-compatible loopback'],
  ['::127.0.0.1', 'IPv4-compatible loopback, dotted'],
  ['::8.8.8.8', 'IPv4-compatible, deprecated whatever it carries'],
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
  ['::ffff:7f00:1', 'IPv4-mapped loopback, in hex'],
  ['::ffff:a9fe:a9fe', 'IPv4-mapped link-local'],
  ['::ffff:10.1.2.3', 'IPv4-mapped private'],
  ['64:ff9b::127.0.0.1', 'NAT64 of loopback'],
  ['64:ff9b::a00:1', 'NAT64 of private'],
  ['64:ff9b:1::1', 'local-use NAT64 (64:ff9b:1::/48)'],
  ['100::1', 'discard-only (100::/64)'],
  ['2001:db8::1', 'IPv6 documentation'],
  ['2002:7f00:1::1', '6to4 of loopback'],
  ['2002:c0a8:101::', '6to4 of private'],
  ['fc00::1', 'unique local (fc00::/7)'],
  ['fd12:3456:789a::1', 'unique local (fd00::/8)'],
  ['fe80::1', 'IPv6 link-local'],
  ['fe80::1%eth0', 'IPv6 link-local with a zone'],
  ['febf:ffff::1', 'IPv6 link-local (fe80::/10), last'],
  ['fec0::1', 'IPv6 site-local, deprecated'],
  ['ff02::1', 'IPv6 multicast, all nodes'],
  ['ff05::1:3', 'IPv6 multicast, site-local'],
];

const external: readonly (readonly [string, string])[] = [
  ['1.1.1.1', 'public'],
  ['8.8.8.8', 'public'],
  ['9.255.255.255', 'just below 10/8'],
  ['11.0.0.0', 'just above 10/8'],
  ['100.63.255.255', 'just below 100.64/10'],
  ['100.128.0.0', 'just above 100.64/10'],
  ['172.15.255.255', 'just below 172.16/12'],
  ['172.32.0.0', 'just above 172.16/12'],
  ['192.0.1.1', 'just above 192.0.0/24'],
  ['192.169.0.1', 'just above 192.168/16'],
  ['198.17.255.255', 'just below 198.18/15'],
  ['198.20.0.0', 'just above 198.18/15'],
  ['223.255.255.255', 'just below multicast'],
  ['2606:4700:4700::1111', 'public IPv6'],
  ['2a00:1450:4001::200e', 'public IPv6'],
  ['::ffff:8.8.8.8', 'IPv4-mapped public'],
  ['64:ff9b::808:808', 'NAT64 of public'],
  ['2002:808:808::1', '6to4 of public'],
  ['fbff:ffff::1', 'just below fc00::/7'],
  ['fe00::1', 'between unique local and link-local'],
  ['example.com', 'a host name, left to whoever resolves it'],
  ['localhost', 'a host name, left to whoever resolves it'],
  ['', 'nothing'],
];

describe('isInternalAddress', () => {
  for (const [address, what] of internal) {
    it(`refuses ${address}: ${what}`, () => {
      assert.equal(isInternalAddress(address), true);
    });
  }
  for (const [address, what] of external) {
    it(`allows ${address === '' ? '""' : address}: ${what}`, () => {
      assert.equal(isInternalAddress(address), false);
    });
  }
});
