import type { CookieInstruction } from '../types.js';

/** Where the browser-state cookie lives: only the check-session iframe sees it (konnect-spec §4.10). */
export const BROWSER_STATE_COOKIE_PATH = '/konnect/v1/session/';

/**
 * The browser-state cookie's name (konnect-spec §4.10): `__Secure-KKBS` with an https issuer,
 * as Konnect names it; `KKBS` over http, where browsers refuse the `__Secure-` prefix.
 */
export function browserStateCookieName(https: boolean): string {
  return https ? '__Secure-KKBS' : 'KKBS';
}

/**
 * Sets the browser-state cookie to `value` (`browserState()` of oauth/session-state.ts), as
 * Konnect's cookie.go does (kopano-meet.md req. 33, konnect-spec §4.10): path
 * `/konnect/v1/session/`, not HttpOnly because the iframe's script reads it, for the browser
 * session only. With https it is `SameSite=None; Secure`, so the iframe can read it inside
 * relying parties on other sites; over http it is `SameSite=Lax` (None needs Secure), which
 * limits session management to relying parties on the issuer's own site.
 */
export function browserStateCookie(value: string, https: boolean): CookieInstruction {
  return { ...flags(https), value };
}

/** Deletes the browser-state cookie (Konnect does at every sign-in and sign-out, provider.go). */
export function clearBrowserStateCookie(https: boolean): CookieInstruction {
  return { ...flags(https), value: null };
}

function flags(https: boolean): Omit<CookieInstruction, 'value'> {
  return {
    name: browserStateCookieName(https),
    path: BROWSER_STATE_COOKIE_PATH,
    httpOnly: false,
    sameSite: https ? 'none' : 'lax',
  };
}
