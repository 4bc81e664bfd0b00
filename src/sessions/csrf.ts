import { createHmac } from 'node:crypto';
import { safeEqual } from '../lib/constant-time.js';
import { randomToken } from '../lib/ids.js';

/**
 * CSRF protection for Sesame's own forms (sign-in, consent, sign-out): a signed double-submit
 * token (OWASP CSRF Prevention Cheat Sheet, "Signed Double-Submit Cookie"). The browser holds
 * a random secret in an HttpOnly cookie; each form carries an HMAC of that secret under a
 * server key and a purpose. A cross-site attacker can neither read the cookie nor compute
 * the HMAC, and a cookie planted through a sibling subdomain is useless without the key.
 * Cookie attributes are those of `cookieOptions` in `session-manager.ts`.
 */

/** `__Host-` over https (RFC 6265bis §4.1.3.2), plain name over http. */
export function csrfCookieName(issuerIsHttps: boolean): string {
  return issuerIsHttps ? '__Host-sesame_csrf' : 'sesame_csrf';
}

/** A fresh random value for the CSRF cookie (256 bits, base64url). */
export function newCsrfSecret(): string {
  return randomToken();
}

/**
 * The form token for `cookieValue` and `purpose` (e.g. `login`, `consent`):
 * base64url(HMAC-SHA256(secretKey, purpose + "\n" + cookieValue)). Binding the purpose keeps
 * a token lifted from one form from being replayed at another.
 *
 * @throws TypeError for a key shorter than 32 bytes, an empty cookie value, or a purpose
 *   that is empty or contains a newline (it would make the MAC input ambiguous).
 */
export function csrfToken(secretKey: Uint8Array, cookieValue: string, purpose: string): string {
  if (secretKey.length < 32) throw new TypeError('CSRF key must be at least 32 bytes');
  if (cookieValue === '') throw new TypeError('CSRF cookie value must not be empty');
  if (purpose === '' || purpose.includes('\n'))
    throw new TypeError('CSRF purpose must be a non-empty single line');
  return createHmac('sha256', secretKey).update(`${purpose}\n${cookieValue}`, 'utf8').digest('base64url');
}

/**
 * True only when both the cookie and the submitted token are present and the token is the
 * one {@link csrfToken} gives for them; compared in constant time.
 */
export function verifyCsrf(
  secretKey: Uint8Array,
  cookieValue: string | undefined,
  purpose: string,
  token: string | undefined,
): boolean {
  if (cookieValue === undefined || cookieValue === '' || token === undefined || token === '') return false;
  return safeEqual(csrfToken(secretKey, cookieValue, purpose), token);
}
