// The values Konnect derives from a user, a guest and a browser, written out here from
// Konnect's Go source, independently of Sesame's src/, so that the Meet tests can compare what
// Sesame returned with what Konnect would have returned.
import { createHash } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * Konnect's public subject (identity/managers/utils.go `getPublicSubject`): keyed BLAKE2b-512
 * (key `konnect-IDToken-v1`) over `<raw id> <manager name>`, base64url without padding, then
 * `@konnect`. The LDAP identifier backend's raw id is the entry's DN and its name
 * `identifier-ldap` (konnect-spec §5.1); a guest's raw id is the `guest` claim value that
 * kwmserver chose and the name `guest` (identity/managers/guest.go `Subject`).
 */
export function konnectSubject(rawId: string, managerName: 'identifier-ldap' | 'guest'): string {
  const mac = blake2b(utf8(`${rawId} ${managerName}`), { key: utf8('konnect-IDToken-v1'), dkLen: 64 });
  return `${Buffer.from(mac).toString('base64url')}@konnect`;
}

/**
 * Konnect's browser state (oidc/provider/state.go `makeBrowserState`, kopano-meet.md req. 33):
 * unkeyed BLAKE2b-256 over `<sub> <issuer> kopano-konnect-1`, base64url without padding.
 */
export function browserState(subject: string, issuer: string): string {
  return Buffer.from(blake2b(utf8(`${subject} ${issuer} kopano-konnect-1`), { dkLen: 32 })).toString(
    'base64url',
  );
}

/**
 * Konnect's `session_state` (state.go `makeSessionState`, kopano-meet.md req. 33):
 * `hex(SHA-256(<client_id> <origin> <browser state> <salt>)).<salt>`, where origin is the
 * redirect URI's `scheme://host[:port]`.
 */
export function sessionState(clientId: string, origin: string, state: string, salt: string): string {
  const hash = createHash('sha256').update(`${clientId} ${origin} ${state} ${salt}`).digest('hex');
  return `${hash}.${salt}`;
}

/** A JWT's payload, decoded without any check. */
export function jwtPayload(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A JWT's protected header, decoded without any check. */
export function jwtHeader(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[0] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}
