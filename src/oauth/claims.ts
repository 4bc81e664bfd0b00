import { POSTAL_ADDRESS_MEMBERS, type Identity, type PostalAddress } from '../identity/types.js';
import { requestedClaimNames, type ClaimsRequest } from './claims-request.js';

/**
 * The claims each scope releases (OpenID Connect Core §5.4, konnect-spec §5.2), plus Sesame's
 * `groups`. Suitable for discovery's `claims_supported`.
 */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  openid: Object.freeze(['sub']),
  profile: Object.freeze(['name', 'given_name', 'family_name', 'preferred_username']),
  email: Object.freeze(['email', 'email_verified']),
  address: Object.freeze(['address']),
  phone: Object.freeze(['phone_number', 'phone_number_verified']),
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
 * - `address` → `address`, a JSON object of the address members the user has (§5.1.1)
 * - `phone` → `phone_number`, and `phone_number_verified` alongside it (false unless the
 *   backend says the number was verified)
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
  return scopeClaims(identity, new Set(scopes), sub);
}

/**
 * The user claims that go into an ID token (OpenID Connect Core §2, §5.4, §5.5), for the
 * scopes granted. `sub` is never set here: the token service derives it.
 *
 * - `allScopeClaims` (response_type `id_token`, no access token to call userinfo with,
 *   §5.4 last paragraph): every claim of the granted scopes, as {@link claimsForScopes}.
 * - Otherwise only the claims named in `claims.id_token` that a granted scope covers
 *   ({@link SCOPE_CLAIMS}) and the user has. Kopano Meet's `{"id_token":{"name":null}}` with
 *   `openid profile email kopano/kwm` gives `{ name }` (kopano-meet.md req. 13).
 *
 * Values always come from `identity`: a `value` or `values` in the claims request is never
 * released (konnect-spec §4.4 [sec]). Under `konnect/id` an empty username has no `username`
 * here, since its fallback is the `sub` that the token service adds.
 */
export function idTokenUserClaims(
  identity: Identity,
  grantedScopes: readonly string[],
  claims: ClaimsRequest | null,
  options: { readonly allScopeClaims: boolean },
): Record<string, unknown> {
  const granted = new Set(grantedScopes);
  const released = scopeClaims(identity, granted, null);
  if (options.allScopeClaims) return released;
  return pickRequested(released, requestedClaimNames(claims, 'id_token'), granted);
}

/** True when one of the granted scopes releases `claim` ({@link SCOPE_CLAIMS}). */
function covered(claim: string, granted: ReadonlySet<string>): boolean {
  return Object.entries(SCOPE_CLAIMS).some(([scope, names]) => granted.has(scope) && names.includes(claim));
}

/** The requested claims, taken from what the scopes released; `sub` is the token service's. */
function pickRequested(
  released: Readonly<Record<string, unknown>>,
  requested: readonly string[],
  granted: ReadonlySet<string>,
): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of requested) {
    if (name !== 'sub' && covered(name, granted) && Object.hasOwn(released, name)) {
      picked[name] = released[name];
    }
  }
  return picked;
}

/**
 * The claims the granted scopes release for `identity`, by the rules of
 * {@link claimsForScopes}; with a null `sub`, neither `sub` nor the `username` fallback to it.
 */
function scopeClaims(
  identity: Identity,
  granted: ReadonlySet<string>,
  sub: string | null,
): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  if (granted.has('openid') && sub !== null) claims['sub'] = sub;
  if (granted.has('profile')) {
    setString(claims, 'name', identity.name);
    setString(claims, 'given_name', identity.givenName);
    setString(claims, 'family_name', identity.familyName);
    setString(claims, 'preferred_username', identity.username);
  }
  if (granted.has('email') && setString(claims, 'email', identity.email)) {
    claims['email_verified'] = identity.emailVerified;
  }
  if (granted.has('address')) {
    const address = addressClaim(identity.address ?? null);
    if (address !== null) claims['address'] = address;
  }
  if (granted.has('phone') && setString(claims, 'phone_number', identity.phoneNumber ?? null)) {
    claims['phone_number_verified'] = identity.phoneNumberVerified === true;
  }
  if (granted.has('groups') && identity.groups !== undefined) {
    claims['groups'] = [...identity.groups];
  }
  if (granted.has('konnect/id')) {
    if (typeof identity.numericId === 'number') claims['id'] = identity.numericId;
    setString(claims, 'username', identity.username === '' ? sub : identity.username);
  }
  if (granted.has('konnect/uuid')) setString(claims, 'kc.uuid', identity.uuid ?? null);
  return claims;
}

/**
 * The `address` claim (OpenID Connect Core §5.1.1): the non-empty string members, in the
 * order §5.1.1 lists them, nothing else; null when none is left.
 */
function addressClaim(address: PostalAddress | null): Record<string, string> | null {
  if (address === null) return null;
  const claim: Record<string, string> = {};
  for (const member of POSTAL_ADDRESS_MEMBERS) {
    const value: unknown = address[member];
    if (typeof value === 'string' && value !== '') claim[member] = value;
  }
  return Object.keys(claim).length === 0 ? null : claim;
}

function setString(claims: Record<string, unknown>, name: string, value: string | null): boolean {
  if (value === null || value === '') return false;
  claims[name] = value;
  return true;
}
