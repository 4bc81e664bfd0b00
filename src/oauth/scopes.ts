import { OAuthError } from './errors.js';

/**
 * Scopes Sesame understands whatever the identity backend, `openid` and `offline_access`
 * first as in Konnect's discovery (konnect-spec §3.1), then the standard claim scopes of
 * OpenID Connect Core §5.4 (`address` and `phone` release what the backend has). `konnect/hashed_sub` does not exist
 * in Konnect but published setup guides request it, and hashed subjects are the default
 * anyway, so it is accepted with no effect (konnect-spec §5.1). Backends add theirs (LDAP:
 * `konnect/raw_sub`, `konnect/uuid`, and `konnect/id` with a uidNumber attribute) through
 * {@link supportedScopes} / {@link offeredScopes}.
 */
export const SUPPORTED_SCOPES: readonly string[] = Object.freeze([
  'openid',
  'offline_access',
  'profile',
  'email',
  'address',
  'phone',
  'groups',
  'konnect/hashed_sub',
]);

/** Konnect's own scopes (konnect-spec §5.1, §5.2). */
export const KONNECT_SCOPES = Object.freeze({
  /** Claims `id` (numeric id) and `username`. */
  id: 'konnect/id',
  /** Claim `kc.uuid`. */
  uuid: 'konnect/uuid',
  /** ID token and userinfo `sub` = the raw user id. */
  rawSub: 'konnect/raw_sub',
  /** Accepted, no effect: hashed is the default. */
  hashedSub: 'konnect/hashed_sub',
} as const);

/** RFC 6749 §3.3: `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * The supported scopes plus `extra` (from configuration or an identity backend), without
 * duplicates, in that order.
 *
 * @throws TypeError when an extra scope is not a valid RFC 6749 §3.3 scope token.
 */
export function supportedScopes(extra: readonly string[] = []): readonly string[] {
  for (const scope of extra) {
    if (!SCOPE_TOKEN.test(scope)) throw new TypeError(`invalid scope name ${JSON.stringify(scope)}`);
  }
  return Object.freeze(unique([...SUPPORTED_SCOPES, ...extra]));
}

/**
 * The scopes offered at the authorization endpoint and in discovery's `scopes_supported`:
 * {@link supportedScopes} with the backend's `extra`, narrowed to `allowed` when that is a
 * non-empty list (konnectd `--allow-scope`, konnect-spec §3.1: `openid` plus exactly that
 * list). A scope in `allowed` that Sesame cannot serve is not offered.
 */
export function offeredScopes(
  extra: readonly string[] = [],
  allowed: readonly string[] | null | undefined = null,
): readonly string[] {
  const supported = supportedScopes(extra);
  if (allowed === null || allowed === undefined || allowed.length === 0) return supported;
  const permitted = new Set(['openid', ...allowed]);
  return Object.freeze(supported.filter((scope) => permitted.has(scope)));
}

/**
 * Parses a `scope` parameter (RFC 6749 §3.3) into its scope tokens, first occurrence order,
 * duplicates removed. Lenient about spacing: leading, trailing and repeated spaces are
 * accepted. Absent or blank ⇒ an empty list (whether scope is required is the caller's rule).
 *
 * @throws OAuthError `invalid_scope` when a token holds a character outside
 *   `%x21 / %x23-5B / %x5D-7E` (e.g. `"`, `\`, a tab or a non-ASCII character).
 */
export function parseScope(value: string | undefined): string[] {
  if (value === undefined) return [];
  const tokens = value.split(/ +/).filter((token) => token !== '');
  for (const token of tokens) {
    if (!SCOPE_TOKEN.test(token)) {
      throw new OAuthError('invalid_scope', 'scope contains an invalid character', {
        detail: `scope token ${JSON.stringify(token.slice(0, 100))}`,
      });
    }
  }
  return unique(tokens);
}

/** The scope list as a `scope` parameter value (RFC 6749 §3.3). */
export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}

export interface GrantableScopesContext {
  /** The authorization request's `response_type` (space-separated, e.g. `code id_token`). */
  readonly responseType: string;
}

/**
 * The requested scopes that may be granted, in request order: scopes not in `supported` are
 * dropped silently (konnect-spec §4.11; RFC 6749 §3.3 lets the server ignore scopes), and
 * `offline_access` is dropped unless the response type includes `code`, since only the
 * token endpoint can hand out a refresh token (OpenID Connect Core §11, konnect-spec §4.1).
 * Whether the user consents is decided elsewhere.
 */
export function grantableScopes(
  requested: readonly string[],
  supported: readonly string[] | ReadonlySet<string>,
  context: GrantableScopesContext,
): string[] {
  const known = supported instanceof Set ? supported : new Set(supported);
  const withCode = context.responseType.split(' ').includes('code');
  return unique(requested).filter((scope) => known.has(scope) && (scope !== 'offline_access' || withCode));
}

/**
 * True when every scope of `requested` is in `granted`: a stored consent covers the request,
 * or a refresh request narrows (RFC 6749 §6: must not exceed the original grant).
 */
export function scopesCovered(requested: readonly string[], granted: readonly string[]): boolean {
  const have = new Set(granted);
  return requested.every((scope) => have.has(scope));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
