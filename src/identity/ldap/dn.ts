/**
 * Just enough of RFC 4514 (string representation of distinguished names) to read the first
 * RDN of a group DN and to tell whether an entry lies under a base DN.
 */

/** One `type=value` pair of a relative distinguished name, the value unescaped. */
export interface Ava {
  readonly type: string;
  readonly value: string;
}

/** A parsed DN: RDNs from the entry itself up to the root; each RDN has one or more AVAs. */
export type ParsedDn = readonly (readonly Ava[])[];

/**
 * Parses a DN string (RFC 4514 §3): `\,`-style and `\2C`-style escapes are undone (hex pairs
 * form UTF-8), spaces around separators are dropped, `#…` BER values are kept as written.
 * Returns null for a malformed DN. The empty string is the root DN (no RDNs).
 */
export function parseDn(dn: string): ParsedDn | null {
  const rdns: Ava[][] = [];
  let avas: Ava[] = [];
  let i = 0;
  const length = dn.length;
  if (dn.trim() === '') return [];
  while (i <= length) {
    const equals = dn.indexOf('=', i);
    if (equals < 0) return null;
    const type = dn.slice(i, equals).trim();
    if (!/^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/.test(type)) return null;
    const parsed = readValue(dn, equals + 1);
    if (parsed === null) return null;
    avas.push({ type, value: parsed.value });
    i = parsed.end;
    if (i >= length) {
      rdns.push(avas);
      return rdns;
    }
    const separator = dn[i];
    if (separator === ',' || separator === ';') {
      rdns.push(avas);
      avas = [];
    } else if (separator !== '+') {
      return null;
    }
    i += 1;
  }
  return null;
}

/** The unescaped value of a DN's first AVA (`cn=R&D\2C Europe,ou=groups` → `R&D, Europe`). */
export function firstRdnValue(dn: string): string | null {
  return parseDn(dn)?.[0]?.[0]?.value ?? null;
}

/**
 * Whether `dn` is within `scope` of `baseDn` (RFC 4511 §4.5.1.2): `base` the entry itself, `one`
 * its direct children, `sub` the entry and everything below. Types and values compare
 * case-insensitively, which is how the directories Sesame meets treat user DNs.
 */
export function isWithinScope(dn: string, baseDn: string, scope: 'base' | 'one' | 'sub'): boolean {
  const entry = parseDn(dn);
  const base = parseDn(baseDn);
  if (entry === null || base === null) return false;
  const depth = entry.length - base.length;
  if (depth < 0 || (scope === 'base' && depth !== 0) || (scope === 'one' && depth !== 1)) return false;
  return base.every((rdn, index) => sameRdn(rdn, entry[depth + index]!));
}

function sameRdn(a: readonly Ava[], b: readonly Ava[]): boolean {
  const key = (ava: Ava): string => `${ava.type.toLowerCase()}=${ava.value.toLowerCase()}`;
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.length === right.length && left.every((item, index) => item === right[index]);
}

function readValue(dn: string, start: number): { value: string; end: number } | null {
  let i = start;
  while (dn[i] === ' ') i += 1;
  if (dn[i] === '#') {
    let end = i + 1;
    while (end < dn.length && /[0-9A-Fa-f]/.test(dn[end]!)) end += 1;
    const value = dn.slice(i, end);
    while (dn[end] === ' ') end += 1;
    return { value, end };
  }
  const bytes: number[] = [];
  let trailingSpaces = 0;
  while (i < dn.length) {
    const char = dn[i]!;
    if (char === ',' || char === ';' || char === '+') break;
    if (char === '\\') {
      const hex = dn.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 3;
      } else if (i + 1 < dn.length) {
        bytes.push(...Buffer.from(dn[i + 1]!, 'utf8'));
        i += 2;
      } else {
        return null;
      }
      trailingSpaces = 0;
      continue;
    }
    const codePoint = dn.codePointAt(i)!;
    const text = String.fromCodePoint(codePoint);
    bytes.push(...Buffer.from(text, 'utf8'));
    trailingSpaces = char === ' ' ? trailingSpaces + 1 : 0;
    i += text.length;
  }
  const value = Buffer.from(bytes.slice(0, bytes.length - trailingSpaces)).toString('utf8');
  return { value, end: i };
}
