import type { Entry } from 'ldapts';
import type { LdapConfig } from '../../config/types.js';
import type { Identity } from '../types.js';

/**
 * Reading directory entries (konnect-spec §1.4): attribute names compare case-insensitively,
 * the first value is used, and the configured attributes map onto `Identity`.
 */

/** The attribute that holds a user's groups when `groups.source` is `memberOf`. */
export const MEMBER_OF = 'memberOf';

/** Every attribute a user search must return for `toIdentity` and group lookups. */
export function userAttributes(config: LdapConfig): string[] {
  const { attributes: a, groups } = config;
  const names = [a.login, a.email, a.name, a.familyName, a.givenName, a.uuid, a.phone, a.address, ...a.sub];
  if (a.uidNumber !== null) names.push(a.uidNumber);
  if (groups.source === 'memberOf') names.push(MEMBER_OF);
  const seen = new Set<string>();
  return names.filter((name) => !seen.has(name.toLowerCase()) && seen.add(name.toLowerCase()));
}

/** Attributes to receive as raw bytes: the UUID attribute unless it is plain text. */
export function binaryAttributes(config: LdapConfig): string[] {
  return config.attributes.uuidType === 'text' ? [] : [config.attributes.uuid];
}

/** All values of an attribute as bytes; [] when absent. */
export function rawValues(entry: Entry, name: string): Buffer[] {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(entry)) {
    if (key === 'dn' || key.toLowerCase() !== wanted) continue;
    const list = Array.isArray(value) ? value : [value];
    return list.map((item) => (typeof item === 'string' ? Buffer.from(item, 'utf8') : item));
  }
  return [];
}

/** All values of an attribute as text (UTF-8); [] when absent. */
export function textValues(entry: Entry, name: string): string[] {
  return rawValues(entry, name).map((bytes) => bytes.toString('utf8'));
}

/** The first non-empty value of an attribute as text, or null. */
export function firstText(entry: Entry, name: string): string | null {
  return textValues(entry, name).find((value) => value !== '') ?? null;
}

/**
 * Formats the UUID attribute per `LDAP_UUID_ATTRIBUTE_TYPE` (konnect-spec §1.4): `text` as it
 * is, `binary` as standard base64, `uuid` as the canonical 8-4-4-4-12 form of exactly 16
 * bytes (null for any other length).
 */
export function formatUuid(bytes: Buffer | null, type: LdapConfig['attributes']['uuidType']): string | null {
  if (bytes === null || bytes.length === 0) return null;
  switch (type) {
    case 'text':
      return bytes.toString('utf8');
    case 'binary':
      return bytes.toString('base64');
    case 'uuid': {
      if (bytes.length !== 16) return null;
      const hex = bytes.toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
  }
}

/** A decimal integer attribute value as a safe integer, else null. */
export function parseNumericId(text: string | null): number | null {
  if (text === null || !/^[+-]?\d+$/.test(text.trim())) return null;
  const number = Number(text.trim());
  return Number.isSafeInteger(number) ? number : null;
}

/**
 * A PostalAddress value (RFC 4517 §3.3.28) as the `address` claim's `formatted` (OpenID Connect
 * Core §5.1.1): its `$`-separated lines, each trimmed, joined with newlines, with the escapes
 * `\24` (`$`) and `\5C` (`\`) undone. Null when no line has text.
 */
export function formatPostalAddress(value: string | null): string | null {
  if (value === null) return null;
  const lines = value
    .split('$')
    .map((line) => line.replace(/\\(24|5c)/gi, (_escape, hex: string) => (hex === '24' ? '$' : '\\')).trim())
    .filter((line) => line !== '');
  return lines.length === 0 ? null : lines.join('\n');
}

/**
 * The Identity for a user entry (konnect-spec §1.4, §5.2). `username` is the login attribute's
 * first value; `emailVerified` is always false for LDAP; `groups` is present unless the
 * groups source is `none`. `phoneNumber` (the phone attribute's first value, never verified)
 * and `address` (the address attribute's first value as `formatted`,
 * {@link formatPostalAddress}) are present only when the entry has them.
 */
export function toIdentity(
  entry: Entry,
  id: string,
  config: LdapConfig,
  groups: readonly string[] | null,
): Identity {
  const a = config.attributes;
  const identity: Identity = {
    id,
    username: firstText(entry, a.login) ?? '',
    name: firstText(entry, a.name),
    givenName: firstText(entry, a.givenName),
    familyName: firstText(entry, a.familyName),
    email: firstText(entry, a.email),
    emailVerified: false,
    uuid: formatUuid(rawValues(entry, a.uuid)[0] ?? null, a.uuidType),
    numericId: a.uidNumber === null ? null : parseNumericId(firstText(entry, a.uidNumber)),
  };
  const phoneNumber = firstText(entry, a.phone);
  const formatted = formatPostalAddress(firstText(entry, a.address));
  return {
    ...identity,
    ...(phoneNumber === null ? {} : { phoneNumber }),
    ...(formatted === null ? {} : { address: { formatted } }),
    ...(groups === null ? {} : { groups }),
  };
}
