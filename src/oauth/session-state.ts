import { createHash, randomBytes } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';
import { base64url } from '../lib/base64url.js';

/** The marker Konnect hashes into every browser state (konnect:oidc/provider/state.go). */
const BROWSER_STATE_MARKER = 'kopano-konnect-1';

const SALT_LENGTH = 32;
const SALT_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** The largest multiple of the alphabet's size below 256: bytes at or above it are redrawn, so every character is equally likely. */
const SALT_BYTE_LIMIT = 256 - (256 % SALT_ALPHABET.length);

/**
 * The browser state of OpenID Connect Session Management 1.0 §3, as Konnect computes it
 * (kopano-meet.md req. 33, konnect-spec §4.9): base64url without padding of the unkeyed
 * 32-byte BLAKE2b digest of `<subject> + " " + <issuer> + " " + "kopano-konnect-1"`, where
 * subject is the signed-in user's public `sub`, or a single space when nobody is signed in.
 * It changes exactly when the signed-in user changes, and is what the browser-state cookie
 * holds and the OP iframe reads.
 *
 * @param subject the public `sub` of the signed-in user; null when not signed in
 * @param issuer the issuer identifier, verbatim
 */
export function browserState(subject: string | null, issuer: string): string {
  const input = `${subject ?? ' '} ${issuer} ${BROWSER_STATE_MARKER}`;
  return base64url(blake2b(new TextEncoder().encode(input), { dkLen: 32 }));
}

/**
 * The `session_state` of an authentication response (OpenID Connect Session Management 1.0
 * §3, kopano-meet.md req. 33): hex(SHA-256(`clientId + " " + origin + " " + browserState +
 * " " + salt`)) + "." + salt. The OP iframe recomputes the hash from the message
 * `"<client_id> <session_state>"`, the message's origin and the browser-state cookie, so
 * `origin` must be the relying party's window origin ({@link originOf} of the redirect URI).
 *
 * @param salt 32 random characters of `[A-Za-z0-9]` when omitted (Konnect's length and alphabet)
 * @throws TypeError when a given salt is empty or contains a space or a dot, which would make
 *   the iframe message ambiguous
 */
export function sessionState(clientId: string, origin: string, browserState: string, salt?: string): string {
  const chosen = salt ?? randomSalt();
  if (chosen === '' || /[ .]/.test(chosen))
    throw new TypeError('salt must be non-empty and contain no space or dot');
  const digest = createHash('sha256')
    .update(`${clientId} ${origin} ${browserState} ${chosen}`, 'utf8')
    .digest('hex');
  return `${digest}.${chosen}`;
}

/**
 * The origin the relying party's window has when its redirect URI is loaded, as the OP
 * iframe sees it in `event.origin` (HTML §7.5 "origin"): `scheme://host[:port]`, lower-case,
 * with the scheme's default port left out. `"null"` for URIs without a tuple origin (custom
 * schemes of native apps), which no browser window will ever match.
 *
 * Konnect used `scheme://host` of the URI as written (konnect:oidc/provider/state.go), which
 * differs only for URIs spelling out a default port or capital letters, where Konnect's
 * `session_state` could never be confirmed by its own iframe.
 *
 * @throws TypeError when `redirectUri` is not an absolute URL
 */
export function originOf(redirectUri: string): string {
  return new URL(redirectUri).origin;
}

function randomSalt(): string {
  let salt = '';
  while (salt.length < SALT_LENGTH) {
    for (const byte of randomBytes(SALT_LENGTH * 2)) {
      if (byte < SALT_BYTE_LIMIT && salt.length < SALT_LENGTH)
        salt += SALT_ALPHABET[byte % SALT_ALPHABET.length];
    }
  }
  return salt;
}
