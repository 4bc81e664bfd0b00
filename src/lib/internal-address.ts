import { BlockList, isIP } from 'node:net';
import { ipv6Groups } from './address-key.js';

/**
 * Whether `address`, an IPv4 or IPv6 address (a zone such as `%eth0` is ignored), is one a
 * request chosen by an outsider must never reach: loopback, private, shared, link-local,
 * unspecified, multicast, reserved, benchmarking or IETF protocol assignments — anything but a
 * public unicast address (RFC 6890 and its IPv6 counterparts). An IPv6 address that carries an
 * IPv4 address — IPv4-mapped (`::ffff:0:0/96`), NAT64 (`64:ff9b::/96`) or 6to4 (`2002::/16`) —
 * is internal when that IPv4 address is; every IPv4-compatible one (`::/96`, deprecated by
 * RFC 4291 §2.5.5.1) is. Anything that is not an IP address, such as a host name, is not:
 * whoever connects must check the addresses it resolves to.
 */
export function isInternalAddress(address: string): boolean {
  const unzoned = address.split('%')[0] ?? address;
  switch (isIP(unzoned)) {
    case 4:
      return internalV4.check(unzoned, 'ipv4');
    case 6: {
      if (internalV6.check(unzoned, 'ipv6')) return true;
      const carried = carriedV4(ipv6Groups(unzoned));
      return carried !== null && internalV4.check(carried, 'ipv4');
    }
    default:
      return false;
  }
}

const internalV4 = blockList('ipv4', [
  ['0.0.0.0', 8], // "this network", unspecified (RFC 791, RFC 1122)
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // shared address space, carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (RFC 3927), where cloud metadata services answer
  ['172.16.0.0', 12], // private (RFC 1918)
  ['192.0.0.0', 24], // IETF protocol assignments (RFC 6890)
  ['192.0.2.0', 24], // documentation (RFC 5737)
  ['192.168.0.0', 16], // private (RFC 1918)
  ['198.18.0.0', 15], // benchmarking (RFC 2544)
  ['198.51.100.0', 24], // documentation (RFC 5737)
  ['203.0.113.0', 24], // documentation (RFC 5737)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the limited broadcast address
]);

const internalV6 = blockList('ipv6', [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible addresses
  ['64:ff9b:1::', 48], // local-use IPv4/IPv6 translation (RFC 8215)
  ['100::', 64], // discard-only (RFC 6666)
  ['2001:db8::', 32], // documentation (RFC 3849)
  ['fc00::', 7], // unique local (RFC 4193)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local, deprecated (RFC 3879)
  ['ff00::', 8], // multicast
]);

function blockList(type: 'ipv4' | 'ipv6', ranges: readonly (readonly [string, number])[]): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of ranges) list.addSubnet(network, prefix, type);
  return list;
}

/** The IPv4 address inside an IPv4-mapped, NAT64 (RFC 6052) or 6to4 (RFC 3056) address, or null. */
function carriedV4(groups: readonly number[]): string | null {
  const at = (i: number): number => groups[i] ?? 0;
  const zero = (from: number, to: number): boolean => groups.slice(from, to).every((g) => g === 0);
  if (zero(0, 5) && at(5) === 0xffff) return dotted(at(6), at(7));
  if (at(0) === 0x64 && at(1) === 0xff9b && zero(2, 6)) return dotted(at(6), at(7));
  if (at(0) === 0x2002) return dotted(at(1), at(2));
  return null;
}

function dotted(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}
