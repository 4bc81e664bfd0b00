/**
 * LDAP search filters as strings (RFC 4515). Every value that comes from a user or a stored id
 * goes through `escapeFilterValue`; Konnect did not escape (konnect-spec §1.4 [sec]), Sesame does.
 */

/**
 * Escapes an assertion value for a filter string (RFC 4515 §3): `*`, `(`, `)`, `\` and NUL
 * become `\2a`, `\28`, `\29`, `\5c`, `\00`. Other characters, including non-ASCII UTF-8, are
 * allowed as they are.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (char) => `\\${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** An equality filter `(attribute=value)` with the value escaped. */
export function equalityFilter(attribute: string, value: string): string {
  return `(${attribute}=${escapeFilterValue(value)})`;
}

/**
 * A configured filter with its outer parentheses, so `objectClass=user` and
 * `(objectClass=user)` mean the same (konnect-spec §1.4 `LDAP_FILTER`).
 */
export function parenthesize(filter: string): string {
  const trimmed = filter.trim();
  return trimmed.startsWith('(') && trimmed.endsWith(')') ? trimmed : `(${trimmed})`;
}

/** `(&a b …)` of already well-formed filters; a single filter is returned as it is. */
export function andFilter(filters: readonly string[]): string {
  return filters.length === 1 ? filters[0]! : `(&${filters.join('')})`;
}

/** `(|a b …)` of already well-formed filters; a single filter is returned as it is. */
export function orFilter(filters: readonly string[]): string {
  return filters.length === 1 ? filters[0]! : `(|${filters.join('')})`;
}
