import { createHmac, hkdfSync } from 'node:crypto';
import { safeEqual } from '../lib/constant-time.js';

/**
 * The device cookie (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): proof that
 * this browser signed in as an account before, so that the sign-in throttle can exempt it from
 * the account's slowdown, which an attacker guessing from elsewhere keeps up.
 *
 * A device token is base64url(HMAC-SHA256(k, account)), where `account` is the username as
 * typed at sign-in, lower-cased — the name the throttle counts the account's failures under —
 * and `k` is derived from the instance secret with HKDF-SHA256 under its own label, so a device
 * token is no CSRF token and no CSRF token a device token. Without the secret a token can be
 * neither forged nor moved to another account. The cookie holds the tokens of the last
 * {@link DEVICE_COOKIE_MAX_ACCOUNTS} accounts the browser signed in as, newest first, joined by
 * `.` (not a base64url character).
 *
 * A token says nothing about when it was made and cannot be withdrawn on its own: it stays
 * valid as long as the instance secret. Cookie attributes are those of `cookieOptions` in
 * `session-manager.ts`, with a `Max-Age` of {@link DEVICE_COOKIE_MAX_AGE_SECONDS}.
 */

/** Accounts one browser keeps device tokens for; signing in as another drops the oldest. */
export const DEVICE_COOKIE_MAX_ACCOUNTS = 5;

/** 90 days: a device cookie outlives browser restarts, and each sign-in renews it. */
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 90 * 24 * 60 * 60;

/** HKDF `info` of the device-token key: no other key is derived from the secret under it. */
const KEY_LABEL = 'sesame device cookie v1';
/** An HMAC-SHA256 in base64url without padding. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** `__Host-` over https (RFC 6265bis §4.1.3.2), plain name over http. */
export function deviceCookieName(issuerIsHttps: boolean): string {
  return issuerIsHttps ? '__Host-sesame_device' : 'sesame_device';
}

/**
 * Whether `cookieValue` holds the device token of `username` (compared case-insensitively, as
 * sign-in does). Every token the cookie holds, up to {@link DEVICE_COOKIE_MAX_ACCOUNTS}, is
 * compared in constant time; false for a missing or malformed cookie.
 *
 * @throws TypeError for an instance secret shorter than 32 bytes.
 */
export function hasDeviceToken(
  instanceSecret: Uint8Array,
  cookieValue: string | undefined,
  username: string,
): boolean {
  const expected = deviceToken(instanceSecret, username);
  let found = false;
  for (const token of tokensOf(cookieValue)) found = safeEqual(token, expected) || found;
  return found;
}

/**
 * The device cookie's value after the browser signed in as `username`: its token first, then
 * the other accounts' tokens `cookieValue` held, newest first, at most
 * {@link DEVICE_COOKIE_MAX_ACCOUNTS} in all. Anything in `cookieValue` that is not a token is
 * dropped.
 *
 * @throws TypeError for an instance secret shorter than 32 bytes.
 */
export function withDeviceToken(
  instanceSecret: Uint8Array,
  cookieValue: string | undefined,
  username: string,
): string {
  const token = deviceToken(instanceSecret, username);
  const others = tokensOf(cookieValue).filter((t) => t !== token);
  return [token, ...others].slice(0, DEVICE_COOKIE_MAX_ACCOUNTS).join('.');
}

function deviceToken(instanceSecret: Uint8Array, username: string): string {
  return createHmac('sha256', deviceTokenKey(instanceSecret))
    .update(username.toLowerCase(), 'utf8')
    .digest('base64url');
}

/**
 * The derived keys by the secret they come from. `hkdfSync` measured about 0.3 ms a call on
 * Node 20, twice per sign-in (issue 11); an instance has one secret, so one entry. The cache
 * is keyed by the secret's object and its content is compared too, so a caller that reuses a
 * buffer with other bytes gets the other key.
 */
const derivedKeys = new WeakMap<Uint8Array, { readonly secret: Buffer; readonly key: Buffer }>();

function deviceTokenKey(instanceSecret: Uint8Array): Buffer {
  if (instanceSecret.length < 32) throw new TypeError('the instance secret must be at least 32 bytes');
  const cached = derivedKeys.get(instanceSecret);
  if (cached !== undefined && cached.secret.equals(instanceSecret)) return cached.key;
  const key = Buffer.from(hkdfSync('sha256', instanceSecret, new Uint8Array(0), KEY_LABEL, 32));
  derivedKeys.set(instanceSecret, { secret: Buffer.from(instanceSecret), key });
  return key;
}

/** The well-formed tokens of a cookie value, at most as many as a cookie keeps. */
function tokensOf(cookieValue: string | undefined): string[] {
  if (cookieValue === undefined || cookieValue === '') return [];
  return cookieValue.split('.', DEVICE_COOKIE_MAX_ACCOUNTS).filter((token) => TOKEN.test(token));
}
