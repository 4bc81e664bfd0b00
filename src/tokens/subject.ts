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
  const input = `${rawId} ${namespace}`;
  const known = subjects.get(input);
  if (known !== undefined) return known;
  const digest = blake2b(new TextEncoder().encode(input), { key: subjectKey, dkLen: 64 });
  const subject = `${base64url(digest)}@konnect`;
  if (subjects.size >= SUBJECTS_KEPT) subjects.delete(subjects.keys().next().value!);
  subjects.set(input, subject);
  return subject;
}

/**
 * Subjects computed lately, by their input: the same inputs always give the same subject, and
 * a token response needs one two or three times (about 2 % of a refresh's CPU in pure-JS
 * BLAKE2b: issue 11). The first computed is dropped first; 10,000 take about 2 MB.
 */
const subjects = new Map<string, string>();
const SUBJECTS_KEPT = 10_000;
