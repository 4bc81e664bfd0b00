import type { Identity } from '../../identity/types.js';
import { konnectSubject } from '../../tokens/subject.js';

/** The scope that makes ID token and userinfo `sub` the raw user id (konnect-spec §5.1). */
export const RAW_SUB_SCOPE = 'konnect/raw_sub';

/**
 * The public `sub` of a user: Konnect's keyed hash (konnect-spec §5.1). Access and refresh
 * tokens always carry this one.
 */
export function publicSubject(identity: Identity, namespace: string): string {
  return konnectSubject(identity.id, namespace);
}

/**
 * The `sub` of the ID token and of userinfo: the raw user id when `konnect/raw_sub` was
 * granted, the public subject otherwise (konnect-spec §5.1).
 */
export function userSubject(identity: Identity, namespace: string, scopes: readonly string[]): string {
  return scopes.includes(RAW_SUB_SCOPE) ? identity.id : publicSubject(identity, namespace);
}
