import { requestedStringValue, type ClaimsRequest } from '../../oauth/claims-request.js';
import { OAuthError } from '../../oauth/errors.js';
import type { GuestRecord } from '../../storage/types.js';
import type { Identity } from '../types.js';

// Konnect's guests (kopano-meet.md req. 36–39, "Konnect guest flow"): people without an
// account whom a client vouches for in a signed request object, e.g. Kopano Meet's room guests.

/**
 * The subject namespace of guests: `sub` = konnectSubject(guest id, `guest`), as Konnect's
 * guest identity manager derives it (kopano-meet.md req. 38; konnect guest.go Subject).
 */
export const GUEST_NAMESPACE = 'guest';

/** The scope a client requests to sign a guest in (kopano-meet.md req. 38; Konnect `ScopeGuestOK`). */
export const GUEST_SCOPE = 'konnect/guestok';

/** What an authorization request says about a guest sign-in. */
export interface GuestRequestInput {
  /** The requested scopes. */
  readonly scopes: readonly string[];
  /** The claims request in effect (from the request object when there is one), or null. */
  readonly claims: ClaimsRequest | null;
  /**
   * True only when `claims` is the `claims` member of a request object whose signature was
   * verified with a key registered for the client (OpenID Connect Core §6.1, §6.3.2); false
   * for the `claims` query parameter and for `alg: none` request objects.
   */
  readonly signed: boolean;
}

/**
 * The guest an authorization request signs in, by Konnect's rule (kopano-meet.md req. 38;
 * konnect guest.go Authenticate): a request is a guest request when it asks for scope
 * `konnect/guestok` and its claims request names `id_token.guest`. Null for any other
 * request.
 *
 * A guest request must come in a signed request object whose `claims.id_token.guest.value`
 * is a non-empty string: the guest id (kwmserver makes it `<random>@1.kwmguest`). The
 * guest's `name`, `email`, `email_verified`, `given_name` and `family_name` are the string
 * (for `email_verified`: boolean) `value`s of `claims.id_token`. This is the only place
 * where requested values become claims, and only because the client signed them; a user's
 * claims never come from a request (konnect-spec §4.4 [sec]). Empty strings count as absent.
 *
 * Whether guests are allowed at all (`--allow-client-guests`), and whether a signed-in user
 * takes precedence, is the caller's decision; so is matching `requestedSubject`
 * (oauth/claims-request.ts) against the guest's subject.
 *
 * @throws OAuthError `invalid_request_object` when the claims did not come from a signed,
 *   verified request object; `invalid_request` when `guest` has no string value or an empty
 *   one. The caller decides where they are answered.
 */
export function guestFromRequest(input: GuestRequestInput): GuestRecord | null {
  const requested = input.claims?.id_token;
  if (!input.scopes.includes(GUEST_SCOPE) || requested === undefined || !Object.hasOwn(requested, 'guest')) {
    return null;
  }
  if (!input.signed) {
    throw new OAuthError('invalid_request_object', 'guest access requires a signed request object');
  }
  const id = requestedStringValue(requested, 'guest');
  if (id === null) {
    throw new OAuthError('invalid_request', 'the guest claim in claims.id_token needs a string value');
  }
  if (id === '') throw new OAuthError('invalid_request', 'the guest claim in claims.id_token is empty');
  return Object.freeze({
    id,
    name: nonEmpty(requestedStringValue(requested, 'name')),
    email: nonEmpty(requestedStringValue(requested, 'email')),
    emailVerified: Object.hasOwn(requested, 'email_verified') && requested['email_verified']?.value === true,
    givenName: nonEmpty(requestedStringValue(requested, 'given_name')),
    familyName: nonEmpty(requestedStringValue(requested, 'family_name')),
  });
}

/**
 * Scopes every guest may have (Konnect's guest manager: `konnect/id`, `profile`, `email`, plus
 * `openid`; `konnect/hashed_sub` has no effect).
 */
const GUEST_SCOPES: ReadonlySet<string> = new Set([
  'openid',
  'profile',
  'email',
  'konnect/id',
  'konnect/hashed_sub',
]);

/**
 * Scopes only a directory user can have: `konnect/raw_sub` would make the client-chosen guest
 * id the subject; `konnect/uuid`, `groups`, `address` and `phone` have nothing to release for
 * a guest; and `offline_access` needs consent (OpenID Connect Core §11), which a guest cannot
 * give.
 */
const USER_ONLY_SCOPES: readonly string[] = [
  'konnect/raw_sub',
  'konnect/uuid',
  'groups',
  'address',
  'phone',
  'offline_access',
];

/** What {@link approveGuestScopes} needs to know about the client. */
export interface GuestScopesClient {
  readonly trusted: boolean;
  /** The registration's `trusted_scopes`; empty when it has none. */
  readonly trustedScopes: readonly string[];
}

/**
 * The scopes a guest gets, in request order, by Konnect's rule (kopano-meet.md req. 38;
 * konnect guest.go Authorize). There is no consent screen for guests:
 *
 * - a trusted client without `trusted_scopes` gets every requested scope;
 * - otherwise the requested scopes that guests may have (`openid`, `profile`, `email`,
 *   `konnect/id`) plus the requested ones in the client's `trusted_scopes` — Kopano Meet
 *   registers `konnect/guestok` and `kopano/kwm` there.
 *
 * Never, whatever the client says, a scope only directory users can have: Sesame's own
 * (`konnect/raw_sub`, `konnect/uuid`, `groups`, `address`, `phone`, `offline_access`) and
 * `backendScopes`, those the identity backend offers. Scopes of identifier-scopes.yaml
 * (`kopano/kwm`) are not the backend's and follow the rule above.
 *
 * @throws OAuthError `invalid_request` when `konnect/guestok` is not among the approved
 *   scopes: the client does not allow guests.
 */
export function approveGuestScopes(
  requested: readonly string[],
  client: GuestScopesClient,
  backendScopes: readonly string[],
): string[] {
  const userOnly = new Set(
    [...USER_ONLY_SCOPES, ...backendScopes].filter((scope) => !GUEST_SCOPES.has(scope)),
  );
  const allowed =
    client.trusted && client.trustedScopes.length === 0
      ? null
      : new Set([...GUEST_SCOPES, ...client.trustedScopes]);
  const approved = [...new Set(requested)].filter(
    (scope) => !userOnly.has(scope) && (allowed === null || allowed.has(scope)),
  );
  if (!approved.includes(GUEST_SCOPE)) {
    throw new OAuthError('invalid_request', `the client does not allow the ${GUEST_SCOPE} scope`);
  }
  return approved;
}

/**
 * A guest as an {@link Identity}, so that claims and tokens treat guests like users: the
 * guest id is the raw subject, the username is empty (a guest has no login), and there are
 * no groups, uuid or numeric id.
 */
export function guestIdentity(guest: GuestRecord): Identity {
  return Object.freeze({
    id: guest.id,
    username: '',
    name: guest.name,
    givenName: guest.givenName,
    familyName: guest.familyName,
    email: guest.email,
    emailVerified: guest.emailVerified,
  });
}

function nonEmpty(value: string | null): string | null {
  return value === '' ? null : value;
}
