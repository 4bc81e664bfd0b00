import { blake2b } from '@noble/hashes/blake2.js';
import { base64url } from '../lib/base64url.js';

/** The ASCII key Konnect uses for its keyed subject hash (konnect-spec §5.1). */
const subjectKey = new TextEncoder().encode('konnect-IDToken-v1');

/**
 * The public `sub` Konnect gives a user: base64url-no-pad(BLAKE2b-512 keyed with
 * `konnect-IDToken-v1` over `rawId + " " + namespace`) + `@konnect` (konnect-spec §5.1).
 * Always 94 characters. Identical inputs give the identical subject, so relying parties that
 * linked accounts under Konnect keep recognising their users.
 *
 * @param rawId the backend's raw user id (LDAP: the entry DN as the server returns it)
 * @param namespace the backend name, e.g. `identifier-ldap`
 */
export function konnectSubject(rawId: string, namespace: string): string {
  const digest = blake2b(new TextEncoder().encode(`${rawId} ${namespace}`), {
    key: subjectKey,
    dkLen: 64,
  });
  return `${base64url(digest)}@konnect`;
}
