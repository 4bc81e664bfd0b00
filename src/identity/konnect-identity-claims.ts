import type { GuestRecord } from '../storage/types.js';
import type { Identity } from './types.js';

/**
 * The `kc.identity` object of a Konnect-format access token (kopano-meet.md req. 21, 38;
 * konnect claims.go), which kwmserver and kapi read through libkcoidc:
 *
 * - a user: `{"kc.i.id": <raw id>, "kc.i.un": <username>, "kc.i.dn": <display name or "">}`
 *   (konnect identifier/user.go Claims, identifier/backends/ldap.go BackendClaims);
 * - a guest: `{"kc.i.id": <guest id>, "kc.i.guest": true, "kc.i.da": {e, ev, n, nf, ng}}`
 *   where `kc.i.da` holds e-mail, verified flag, name, family name and given name, each left
 *   out when empty, and `ev` is `1` when the e-mail is verified (konnect guest.go Claims,
 *   minimalGuestUserData).
 *
 * @param identity the user, or for a guest `guestIdentity(guest)`
 * @param guest the guest record when the grant belongs to a guest, else null
 * @throws TypeError when `guest` is not the guest `identity` stands for.
 */
export function konnectIdentityClaims(
  identity: Identity,
  guest: GuestRecord | null,
): Record<string, unknown> {
  if (guest === null) {
    return { 'kc.i.id': identity.id, 'kc.i.un': identity.username, 'kc.i.dn': identity.name ?? '' };
  }
  if (guest.id !== identity.id) throw new TypeError('the guest record does not belong to this identity');
  const data: Record<string, unknown> = {};
  if (nonEmpty(guest.email)) data['e'] = guest.email;
  if (guest.emailVerified) data['ev'] = 1;
  if (nonEmpty(guest.name)) data['n'] = guest.name;
  if (nonEmpty(guest.familyName)) data['nf'] = guest.familyName;
  if (nonEmpty(guest.givenName)) data['ng'] = guest.givenName;
  return { 'kc.i.id': guest.id, 'kc.i.guest': true, 'kc.i.da': data };
}

function nonEmpty(value: string | null): value is string {
  return value !== null && value !== '';
}
