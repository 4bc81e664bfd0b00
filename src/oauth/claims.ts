import type { Identity } from '../identity/types.js';

/**
 * The claims each scope releases (OpenID Connect Core §5.4, konnect-spec §5.2), plus Sesame's
 * `groups`. Suitable for discovery's `claims_supported`.
 */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  openid: Object.freeze(['sub']),
  profile: Object.freeze(['name', 'given_name', 'family_name', 'preferred_username']),
  email: Object.freeze(['email', 'email_verified']),
  groups: Object.freeze(['groups']),
  'konnect/id': Object.freeze(['id', 'username']),
  'konnect/uuid': Object.freeze(['kc.uuid']),
});

/**
 * Konnect's `claims_supported` (konnect-spec §3.1), which discovery lists under the
 * compatibility relaxations before what Sesame adds.
 */
export const KONNECT_CLAIMS_SUPPORTED: readonly string[] = Object.freeze([
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'name',
  'family_name',
  'given_name',
  'email',
  'email_verified',
]);

/**
 * Every claim one of `scopes` can release (all known scopes when omitted), without
 * duplicates, in {@link SCOPE_CLAIMS} order.
 */
export function supportedClaims(scopes?: readonly string[]): string[] {
  const wanted = scopes === undefined ? null : new Set(scopes);
  const lists = Object.entries(SCOPE_CLAIMS)
    .filter(([scope]) => wanted === null || wanted.has(scope))
    .map(([, claims]) => claims);
  return [...new Set(lists.flat())];
}

/**
 * The user claims released for the granted `scopes` (OpenID Connect Core §5.4), as returned
 * by userinfo (§5.3.2), under Konnect's names (konnect-spec §5.2). Only claims tied to a
 * granted scope appear; nothing from request parameters is ever echoed. `sub` is the subject
 * already derived for this client (hashed, or raw under `konnect/raw_sub`).
 *
 * - `openid` → `sub`
 * - `profile` → `name`, `given_name`, `family_name`, `preferred_username` (the username)
 * - `email` → `email`, and `email_verified` alongside it (konnect-spec §4.7)
 * - `groups` → `groups`, whenever the backend reports group membership — also as `[]`, so
 *   a relying party that syncs groups learns that the user left the last one.
 * - `konnect/id` → `id` (the numeric id, when the backend has one) and `username` (the
 *   username, or `sub` when that is empty) — GitLab-compatible.
 * - `konnect/uuid` → `kc.uuid`, when the backend has one.
 *
 * Null or empty string values are omitted (§5.3.2: absent rather than empty).
 */
export function claimsForScopes(
  identity: Identity,
  scopes: readonly string[],
  sub: string,
): Record<string, unknown> {
  const granted = new Set(scopes);
  const claims: Record<string, unknown> = {};
  if (granted.has('openid')) claims['sub'] = sub;
  if (granted.has('profile')) {
    setString(claims, 'name', identity.name);
    setString(claims, 'given_name', identity.givenName);
    setString(claims, 'family_name', identity.familyName);
    setString(claims, 'preferred_username', identity.username);
  }
  if (granted.has('email') && setString(claims, 'email', identity.email)) {
    claims['email_verified'] = identity.emailVerified;
  }
  if (granted.has('groups') && identity.groups !== undefined) {
    claims['groups'] = [...identity.groups];
  }
  if (granted.has('konnect/id')) {
    if (typeof identity.numericId === 'number') claims['id'] = identity.numericId;
    claims['username'] = identity.username === '' ? sub : identity.username;
  }
  if (granted.has('konnect/uuid')) setString(claims, 'kc.uuid', identity.uuid ?? null);
  return claims;
}

function setString(claims: Record<string, unknown>, name: string, value: string | null): boolean {
  if (value === null || value === '') return false;
  claims[name] = value;
  return true;
}
