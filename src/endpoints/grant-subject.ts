import { guestIdentity, GUEST_NAMESPACE } from '../identity/guest/guest.js';
import type { Identity } from '../identity/types.js';
import type { GuestRecord } from '../storage/types.js';
import { konnectSubject } from '../tokens/subject.js';
import type { Deps } from './types.js';

/** The scope that makes ID token and userinfo `sub` the raw user id (konnect-spec §5.1). */
export const RAW_SUB_SCOPE = 'konnect/raw_sub';

/** Who a grant is for: a user of the identity backend, or a Konnect guest (kopano-meet.md req. 38). */
export interface GrantSubject {
  readonly identity: Identity;
  /** The backend name in the keyed subject hash: the backend's, or `guest` (konnect-spec §5.1). */
  readonly namespace: string;
  /** Set for guests, who exist only in their grant. */
  readonly guest: GuestRecord | null;
}

/** A backend user as a grant subject. */
export function subjectForUser(identity: Identity, deps: Deps): GrantSubject {
  return { identity, namespace: deps.identity.subjectNamespace, guest: null };
}

/** A guest as a grant subject. */
export function subjectForGuest(guest: GuestRecord): GrantSubject {
  return { identity: guestIdentity(guest), namespace: GUEST_NAMESPACE, guest };
}

/**
 * The subject of a grant: its guest, or the backend user (null when the user is gone).
 *
 * @throws IdentityUnavailableError when the backend cannot be reached.
 */
export async function loadGrantSubject(
  deps: Deps,
  grant: { readonly userId: string; readonly guest?: GuestRecord | null },
): Promise<GrantSubject | null> {
  if (grant.guest) return subjectForGuest(grant.guest);
  const identity = await deps.identity.getUser(grant.userId);
  return identity === null ? null : subjectForUser(identity, deps);
}

/**
 * The public `sub` of a user or guest: Konnect's keyed hash of the raw id and the namespace
 * (konnect-spec §5.1). RFC 9068 access tokens carry this one.
 */
export function publicSubject(identity: Identity, namespace: string): string {
  return konnectSubject(identity.id, namespace);
}

/**
 * The `sub` of the ID token and of userinfo (and of Konnect-format access tokens, which must
 * match the ID token's, kopano-meet.md req. 22): the raw user id when `konnect/raw_sub` was
 * granted, the public subject otherwise (konnect-spec §5.1).
 */
export function userSubject(identity: Identity, namespace: string, scopes: readonly string[]): string {
  return scopes.includes(RAW_SUB_SCOPE) ? identity.id : publicSubject(identity, namespace);
}

/**
 * {@link userSubject} for a caller that already holds the public subject `publicSub`: the
 * keyed hash behind it is worth computing once per request.
 */
export function userSubjectWith(identity: Identity, publicSub: string, scopes: readonly string[]): string {
  return scopes.includes(RAW_SUB_SCOPE) ? identity.id : publicSub;
}

/**
 * The public subject of the backend user with raw id `userId`. Needs no lookup, so a browser
 * session can be compared with an `id_token_hint` without asking the directory.
 */
export function publicSubjectOf(userId: string, deps: Deps): string {
  return konnectSubject(userId, deps.identity.subjectNamespace);
}
