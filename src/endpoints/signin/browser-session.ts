import { OAuthError } from '../../oauth/errors.js';
import { cookieName } from '../../sessions/session-manager.js';
import { csrfCookieName, csrfToken, newCsrfSecret, verifyCsrf } from '../../sessions/csrf.js';
import {
  DEVICE_COOKIE_MAX_AGE_SECONDS,
  deviceCookieName,
  hasDeviceToken,
  withDeviceToken,
} from '../../sessions/device-cookie.js';
import type { SessionRecord } from '../../storage/types.js';
import type { BrowserDeps, CookieInstruction, EndpointRequest } from '../types.js';
import { clearBrowserStateCookie } from '../check-session/browser-state-cookie.js';

function https(deps: BrowserDeps): boolean {
  return deps.config.issuer.startsWith('https:');
}

/** The browser's live session, or null. */
export function currentSession(req: EndpointRequest, deps: BrowserDeps): Promise<SessionRecord | null> {
  return deps.sessions.resolve(req.cookies[cookieName(https(deps))]);
}

/**
 * The cookie that carries a new session's secret: a browser-session cookie, with no Max-Age,
 * so closing the browser drops it; the session record alone decides how long the session may
 * live (see `cookieOptions` in sessions/session-manager.ts for why).
 */
export function sessionCookie(value: string, deps: BrowserDeps): CookieInstruction {
  return { name: cookieName(https(deps)), value };
}

export function clearSessionCookie(deps: BrowserDeps): CookieInstruction {
  return { name: cookieName(https(deps)), value: null };
}

/**
 * Whether the browser signed in as `username` before: it carries that account's device token
 * (sessions/device-cookie.ts), which exempts it from the throttle's account slowdown.
 */
export function isKnownDevice(req: EndpointRequest, deps: BrowserDeps, username: string): boolean {
  return hasDeviceToken(deps.csrfKey, req.cookies[deviceCookieName(https(deps))], username);
}

/**
 * The device cookie to set when the browser signed in as `username` (as typed): it adds that
 * account's token to those the browser holds and lasts 90 days from this sign-in. Sign-out
 * leaves it: it says the browser signed in before, not that it is signed in.
 */
export function deviceCookie(req: EndpointRequest, deps: BrowserDeps, username: string): CookieInstruction {
  const name = deviceCookieName(https(deps));
  return {
    name,
    value: withDeviceToken(deps.csrfKey, req.cookies[name], username),
    maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
  };
}

/**
 * Signing in or out changes who the browser is: the browser-state cookie the check-session
 * iframe watches is cleared (Konnect provider.go onSetLogon/onUnsetLogon), so relying parties
 * monitoring the session see a change. None without session management.
 */
export function clearBrowserState(deps: BrowserDeps): CookieInstruction[] {
  return deps.config.sessionManagement ? [clearBrowserStateCookie(https(deps))] : [];
}

/**
 * The CSRF token for a form with `purpose`, and the cookie to set when the browser has no
 * CSRF cookie yet (double-submit, bound to the browser by an HttpOnly cookie).
 */
export function csrfFor(
  req: EndpointRequest,
  deps: BrowserDeps,
  purpose: string,
): { token: string; cookies: CookieInstruction[] } {
  const name = csrfCookieName(https(deps));
  const existing = req.cookies[name];
  const value = existing && existing.length >= 16 ? existing : newCsrfSecret();
  const cookies: CookieInstruction[] = value === existing ? [] : [{ name, value }];
  return { token: csrfToken(deps.csrfKey, value, purpose), cookies };
}

/**
 * The CSRF tokens of a page with several forms, one per purpose, all bound to the one CSRF
 * cookie (set when the browser has none yet), as {@link csrfFor} gives them for one.
 */
export function csrfTokensFor<P extends string>(
  req: EndpointRequest,
  deps: BrowserDeps,
  purposes: readonly P[],
): { tokens: Readonly<Record<P, string>>; cookies: CookieInstruction[] } {
  const name = csrfCookieName(https(deps));
  const first = csrfFor(req, deps, purposes[0] ?? 'unused');
  const value = first.cookies[0]?.value ?? req.cookies[name];
  const browser = { ...req, cookies: { ...req.cookies, [name]: value } };
  const tokens = Object.fromEntries(purposes.map((p) => [p, csrfFor(browser, deps, p).token]));
  return { tokens: tokens as Record<P, string>, cookies: first.cookies };
}

/** Refuses a form submission whose CSRF token does not belong to this browser. */
export function checkCsrf(req: EndpointRequest, deps: BrowserDeps, purpose: string): void {
  const submitted = req.body.get('csrf');
  const token = submitted?.length === 1 ? submitted[0] : undefined;
  if (!verifyCsrf(deps.csrfKey, req.cookies[csrfCookieName(https(deps))], purpose, token)) {
    deps.log.warn({ purpose }, 'rejecting form without a valid CSRF token');
    throw new OAuthError(
      'invalid_request',
      'This form has expired. Go back, reload the page and try again.',
      {
        status: 403,
      },
    );
  }
}
