/**
 * The raw subject in `LDAP_SUB_ATTRIBUTES` mode (konnect-spec §5.1): the URL-query encoding of
 * the chosen attributes, `attr=value&…`, keys sorted, values query-escaped, every value of
 * each attribute — byte for byte what Konnect's Go `url.Values.Encode` produces, so the keyed
 * `sub` stays the same after the switch.
 */

/** Attribute name → values, as read from the entry. */
export type SubjectAttributes = ReadonlyMap<string, readonly string[]>;

/**
 * Encodes attributes as the raw subject. Keys sort by code unit (Go's `sort.Strings` on ASCII
 * names); attributes without values are left out. Returns '' when nothing is left.
 */
export function encodeRawSubject(attributes: SubjectAttributes): string {
  const parts: string[] = [];
  for (const key of [...attributes.keys()].sort(compareCodeUnits)) {
    for (const value of attributes.get(key)!) parts.push(`${queryEscape(key)}=${queryEscape(value)}`);
  }
  return parts.join('&');
}

/**
 * Reads a raw subject back into `[attribute, value]` pairs, in order. Returns null when it is
 * not such an encoding (no pairs, a pair without `=`, an empty key, bad percent-escapes).
 */
export function decodeRawSubject(rawId: string): [string, string][] | null {
  if (rawId === '') return null;
  const pairs: [string, string][] = [];
  for (const part of rawId.split('&')) {
    const equals = part.indexOf('=');
    if (equals <= 0) return null;
    const key = queryUnescape(part.slice(0, equals));
    const value = queryUnescape(part.slice(equals + 1));
    if (key === null || value === null || key === '') return null;
    pairs.push([key, value]);
  }
  return pairs;
}

/**
 * Go's `url.QueryEscape`: letters, digits and `-_.~` stay, a space becomes `+`, every other
 * UTF-8 byte becomes `%XX` (upper-case hex).
 */
export function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function queryUnescape(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
