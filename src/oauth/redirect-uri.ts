import type { Client } from '../clients/types.js';

/** Konnect's idea of loopback (konnect-spec §2.1, §2.2): the three literal loopback names. */
const loopbackHosts = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * True for `localhost`, `127.0.0.1` and `::1` (bracketed or not, any case) — the hosts
 * Konnect treats as loopback for native clients (RFC 8252 §7.3, §8.3) and refuses for web
 * clients (konnect-spec §2.1).
 */
export function isLoopbackHost(host: string): boolean {
  return loopbackHosts.has(host.toLowerCase());
}

export interface RedirectUriRelaxations {
  /**
   * Konnect compatibility (konnect-spec §2.2): the requested URI is reduced to
   * scheme+host+path (query and fragment dropped) and compared with each registered entry.
   * An exact match still counts, so a registered entry containing a query keeps working.
   * Kopano Meet registers `https://HOST/meet/` and sends `https://HOST/meet/#oidc-callback`
   * (kopano-meet.md req. 10).
   */
  readonly ignoreQuery: boolean;
}

/**
 * A URI as sent must be printable ASCII (RFC 3986 §2): URL parsing silently drops tabs, line
 * breaks and control characters, so a URI carrying them could match while the raw string —
 * which the response is built from — still holds them.
 */
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** Whether a URI as sent is printable ASCII, as every redirect URI must be (see above). */
export function isPrintableAscii(uri: string): boolean {
  return PRINTABLE_ASCII.test(uri);
}

/**
 * Whether `requested` may be used as this client's redirect_uri.
 *
 * - Under the Konnect relaxation the requested URI's query and fragment are cut off first,
 *   provided its fragment (if any) holds no `=`, `&` or `#` and so cannot pass for response
 *   parameters placed ahead of the real ones.
 * - By default: simple string comparison with a registered URI (RFC 6749 §3.1.2.3,
 *   OAuth 2.0 Security BCP §4.1.3) — no case, trailing-slash or percent-encoding folding. A
 *   requested fragment matches only a registered URI with that very fragment: a client that
 *   routes on the fragment (Kopano Meet's `#oidc-callback`) registers each such URI.
 * - Native clients with a registered loopback `http` URI: any port and any of the loopback
 *   hosts, same path, query and fragment (RFC 8252 §7.3; Konnect also accepts any loopback
 *   host).
 * - A requested URI with userinfo, or that is not an absolute URL, never matches.
 * - A client with no registered redirect URIs matches nothing. (Konnect accepted any URI for
 *   `insecure` clients without redirect URIs — an open redirector Sesame does not keep.)
 */
export function matchRedirectUri(client: Client, requested: string, relax: RedirectUriRelaxations): boolean {
  const url = parseAbsolute(requested);
  if (url === null || !PRINTABLE_ASCII.test(requested) || url.username !== '' || url.password !== '') {
    return false;
  }
  const relaxed = { ignoreQuery: relax.ignoreQuery && safeFragment(requested) };
  const reduced = relaxed.ignoreQuery ? schemeHostPath(requested) : null;
  for (const registered of client.redirectUris) {
    if (registered === requested || registered === reduced) return true;
    if (client.applicationType === 'native' && loopbackMatch(registered, url, relaxed)) return true;
  }
  return false;
}

/**
 * Whether `uri` may be used as post_logout_redirect_uri (OpenID Connect RP-Initiated Logout
 * §3): an exact match with `post_logout_redirect_uris`, or with `redirect_uris` when the client
 * registered no post-logout URIs (Konnect checks `redirect_uris`, konnect-spec §4.8). Under the
 * Konnect relaxation only the requested URI's fragment is disregarded — all Kopano Meet needs
 * for `…/meet/#oidc-endsession-callback` (kopano-meet.md req. 30) — never its query, so no
 * registered page becomes a redirector through a `?next=` parameter.
 */
export function matchPostLogoutRedirectUri(
  client: Client,
  uri: string,
  relax: RedirectUriRelaxations = { ignoreQuery: false },
): boolean {
  const url = parseAbsolute(uri);
  if (url === null || !PRINTABLE_ASCII.test(uri) || url.username !== '' || url.password !== '') return false;
  const allowed =
    client.postLogoutRedirectUris.length > 0 ? client.postLogoutRedirectUris : client.redirectUris;
  if (allowed.includes(uri)) return true;
  if (!relax.ignoreQuery || !safeFragment(uri)) return false;
  return allowed.includes(withoutFragment(uri));
}

/**
 * Under the relaxation a fragment the registration does not name is tolerated only when it
 * cannot pass for response parameters: Meet's are bare words (`oidc-callback`), while
 * `#code=EVIL&state=…` would put an attacker's values ahead of the real ones.
 */
function safeFragment(uri: string): boolean {
  const hash = uri.indexOf('#');
  return hash === -1 || !/[=&#]/.test(uri.slice(hash + 1));
}

function withoutFragment(uri: string): string {
  const hash = uri.indexOf('#');
  return hash === -1 ? uri : uri.slice(0, hash);
}

/** scheme+host+path of the raw string: cut at the first `?` or `#`. */
export function schemeHostPath(uri: string): string {
  const cut = uri.search(/[?#]/);
  return cut === -1 ? uri : uri.slice(0, cut);
}

function parseAbsolute(text: string): URL | null {
  if (text === '') return null;
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function loopbackMatch(registered: string, requested: URL, relax: RedirectUriRelaxations): boolean {
  const reg = parseAbsolute(registered);
  if (reg === null || reg.protocol !== 'http:' || !isLoopbackHost(reg.hostname)) return false;
  if (requested.protocol !== 'http:' || !isLoopbackHost(requested.hostname)) return false;
  if (reg.pathname !== requested.pathname) return false;
  return relax.ignoreQuery || (reg.search === requested.search && reg.hash === requested.hash);
}
