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
   * scheme+host+path (query dropped) and compared with each registered entry. An exact match
   * still counts, so a registered entry containing a query keeps working.
   */
  readonly ignoreQuery: boolean;
}

/**
 * Whether `requested` may be used as this client's redirect_uri.
 *
 * - By default: simple string comparison with a registered URI (RFC 6749 §3.1.2.3,
 *   OAuth 2.0 Security BCP §4.1.3) — no case, trailing-slash or percent-encoding folding.
 * - Native clients with a registered loopback `http` URI: any port and any of the loopback
 *   hosts, same path and query (RFC 8252 §7.3; Konnect also accepts any loopback host).
 * - A requested URI with a fragment, with userinfo, or that is not an absolute URL never
 *   matches (RFC 6749 §3.1.2).
 * - A client with no registered redirect URIs matches nothing. (Konnect accepted any URI for
 *   `insecure` clients without redirect URIs — an open redirector Sesame does not keep.)
 */
/**
 * A URI as sent must be printable ASCII (RFC 3986 §2): URL parsing silently drops tabs, line
 * breaks and control characters, so a URI carrying them could match while the raw string —
 * which the response is built from — still holds them.
 */
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

export function matchRedirectUri(client: Client, requested: string, relax: RedirectUriRelaxations): boolean {
  const url = parseAbsolute(requested);
  if (
    url === null ||
    !PRINTABLE_ASCII.test(requested) ||
    requested.includes('#') ||
    url.username !== '' ||
    url.password !== ''
  ) {
    return false;
  }
  const reduced = relax.ignoreQuery ? withoutQuery(requested) : null;
  for (const registered of client.redirectUris) {
    if (registered === requested || registered === reduced) return true;
    if (client.applicationType === 'native' && loopbackMatch(registered, url, relax)) return true;
  }
  return false;
}

/**
 * Whether `uri` may be used as post_logout_redirect_uri (OpenID Connect RP-Initiated Logout
 * §3): exact match with `post_logout_redirect_uris`, or with `redirect_uris` when the client
 * registered no post-logout URIs (Konnect checks `redirect_uris`, konnect-spec §4.8).
 */
export function matchPostLogoutRedirectUri(client: Client, uri: string): boolean {
  if (uri === '' || uri.includes('#')) return false;
  const allowed =
    client.postLogoutRedirectUris.length > 0 ? client.postLogoutRedirectUris : client.redirectUris;
  return allowed.includes(uri);
}

function parseAbsolute(text: string): URL | null {
  if (text === '') return null;
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** scheme+host+path of the raw string: cut at the first `?` (a `#` was refused before). */
function withoutQuery(uri: string): string {
  const q = uri.indexOf('?');
  return q === -1 ? uri : uri.slice(0, q);
}

function loopbackMatch(registered: string, requested: URL, relax: RedirectUriRelaxations): boolean {
  const reg = parseAbsolute(registered);
  if (reg === null || reg.protocol !== 'http:' || !isLoopbackHost(reg.hostname)) return false;
  if (requested.protocol !== 'http:' || !isLoopbackHost(requested.hostname)) return false;
  if (reg.pathname !== requested.pathname) return false;
  return relax.ignoreQuery || reg.search === requested.search;
}
