import { isIPv6 } from 'node:net';

/**
 * The key under which Sesame counts one client address — failed sign-ins (the throttle) and
 * pending sign-ins alike, so both limits see the same client. An IPv6 address counts per /64
 * (one customer's allocation, which its holder can rotate through freely), written
 * `2001:db8:0:1::/64`; an IPv4-mapped IPv6 address (`::ffff:192.0.2.7`) counts as its IPv4
 * address, `192.0.2.7`; an IPv4 address is kept as it is. A zone (`fe80::1%eth0`) is ignored.
 * Anything that is not an IPv6 address is returned unchanged.
 */
export function addressKey(address: string): string {
  const unzoned = address.split('%')[0] ?? address;
  if (!isIPv6(unzoned)) return address;
  const groups = ipv6Groups(unzoned);
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const [high = 0, low = 0] = groups.slice(6);
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid (`isIPv6`) address, `::` and dotted tails expanded. */
export function ipv6Groups(text: string): number[] {
  let head = text;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
    tail.push((a << 8) | b, (c << 8) | d);
    head = text.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left = '', right] = head.split('::');
  const leftGroups = left === '' ? [] : left.split(':');
  const rightGroups = right === undefined || right === '' ? [] : right.split(':');
  const missing = 8 - tail.length - leftGroups.length - rightGroups.length;
  const zeros: string[] = right === undefined ? [] : new Array<string>(missing).fill('0');
  return [...leftGroups, ...zeros, ...rightGroups].map((g) => parseInt(g, 16)).concat(tail);
}
