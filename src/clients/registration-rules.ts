import { isLoopbackHost } from '../oauth/redirect-uri.js';

export interface RegistrationRuleContext {
  /**
   * The development allowance: the issuer is itself a loopback `http://` URL, so an
   * `insecure` web client may register `http://localhost:<port>/…` / `http://127.0.0.1:<port>/…`.
   */
  readonly loopbackIssuer: boolean;
}

/** Schemes no client may redirect to: they run code or read local data in the browser. */
const forbiddenSchemes = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:']);

/** True when `issuer` is an `http://` URL on a loopback host (enables the development allowance). */
export function isLoopbackHttpIssuer(issuer: string): boolean {
  try {
    const url = new URL(issuer);
    return url.protocol === 'http:' && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

/**
 * Checks one redirect (or post-logout redirect) URI against Konnect's registration rules
 * (konnect-spec §2.1). Returns why it is refused, or null.
 *
 * A fragment is allowed, although RFC 6749 §3.1.2 says a redirection endpoint has none: some
 * single-page apps route on it (Kopano Meet's `https://HOST/meet/#oidc-callback`,
 * kopano-meet.md req. 9) and Konnect accepted it. It never reaches a server, is matched
 * exactly, and the response is appended to it.
 *
 * - web: an `http`/`https` URL with a host; `https` unless `insecure`; never `http` on a
 *   loopback host, except under the development allowance for `insecure` clients.
 * - native: a custom scheme (`com.example.app:/cb`, `my://app`) or `http` on a loopback host
 *   (RFC 8252 §7.1, §7.3); `https` is refused, as Konnect does.
 */
export function checkRedirectUri(
  uri: string,
  client: { readonly applicationType: 'web' | 'native'; readonly insecure: boolean },
  context: RegistrationRuleContext,
): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  if (forbiddenSchemes.has(url.protocol)) return `must not use the ${url.protocol} scheme`;
  if (url.username !== '' || url.password !== '') return 'must not contain user information';
  const web = url.protocol === 'http:' || url.protocol === 'https:';
  const loopback = isLoopbackHost(url.hostname);

  if (client.applicationType === 'native') {
    if (url.protocol === 'https:') return 'must not use https for a native client (Konnect rule)';
    if (url.protocol === 'http:' && !loopback) {
      return 'must use a loopback host (127.0.0.1, localhost, [::1]) for http on a native client';
    }
    return null;
  }

  if (!web) return 'must use https (or http with insecure: yes) for a web client';
  if (url.hostname === '') return 'has no host';
  if (url.protocol === 'http:' && !client.insecure) {
    return 'must use https unless the client is insecure: yes';
  }
  // Konnect refuses only plain http on a loopback host for a web client (identity/clients/
  // registry.go Register): an https loopback URI, e.g. a Meet at https://localhost, stays.
  if (loopback && url.protocol === 'http:' && !(client.insecure && context.loopbackIssuer)) {
    return client.insecure
      ? 'must not use a loopback host for a web client unless the issuer is itself http://localhost or http://127.0.0.1'
      : 'must not use a loopback host for a web client (register it as application_type: native, or as insecure: yes with a loopback issuer for development)';
  }
  return null;
}
