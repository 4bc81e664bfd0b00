import { isInternalAddress } from '../lib/internal-address.js';
import { isLoopbackHost, isPrintableAscii } from '../oauth/redirect-uri.js';
import { isProviderPath } from './implicit-trust.js';
import { checkRedirectUri, type RegistrationRuleContext } from './registration-rules.js';

export interface UriRuleContext extends RegistrationRuleContext {
  readonly issuer: string;
}

/**
 * Why a dynamically registered client's redirect (or post-logout redirect) URI is refused, or
 * null. The registration file's rules (registration-rules.ts `checkRedirectUri`) for a client
 * that is never `insecure` — https for web clients, a custom scheme or loopback http for
 * native ones — and, stricter than the file, which an operator writes:
 * - printable ASCII (what authorize compares requested URIs with);
 * - no fragment (RFC 6749 §3.1.2; the file allows one for Kopano Meet, a known client);
 * - never one of Sesame's own paths on the issuer's origin, where a response could be carried
 *   on to another request (see implicit-trust.ts `isProviderPath`).
 */
export function redirectUriProblem(
  uri: string,
  applicationType: 'web' | 'native',
  context: UriRuleContext,
): string | null {
  if (!isPrintableAscii(uri)) return 'must be printable ASCII (percent-encode anything else)';
  if (uri.includes('#')) return 'must not contain a fragment (RFC 6749 §3.1.2)';
  const problem = checkRedirectUri(uri, { applicationType, insecure: false }, context);
  if (problem !== null) return withoutFileWording(problem, uri);
  const url = new URL(uri);
  if (url.origin === new URL(context.issuer).origin && isProviderPath(url.pathname)) {
    return "must not be one of Sesame's own endpoints";
  }
  return null;
}

/**
 * Why a `backchannel_logout_uri` (Back-Channel Logout 1.0 §2.2) is refused, or null: the web
 * client rules (https, a host, no fragment) and, because whoever registers chooses where
 * Sesame POSTs, never a `localhost` name nor an IP address that is not public
 * (lib/internal-address.ts `isInternalAddress`). A host name that resolves to such an address
 * is not caught here: delivery refuses to connect to it (logout/post-logout-token.ts), as only
 * the address connected to is known for sure.
 */
export function backchannelLogoutUriProblem(uri: string, context: UriRuleContext): string | null {
  if (!isPrintableAscii(uri)) return 'must be printable ASCII (percent-encode anything else)';
  if (uri.includes('#')) return 'must not contain a fragment (Back-Channel Logout 1.0 §2.2)';
  const problem = checkRedirectUri(uri, { applicationType: 'web', insecure: false }, context);
  if (problem !== null) return withoutFileWording(problem, uri);
  const host = new URL(uri).hostname.replace(/^\[(.*)\]$/, '$1');
  if (isLoopbackHost(host) || isLocalhostName(host) || isInternalAddress(host)) {
    return 'must not point at a loopback, private or link-local address, nor at any other that is not public';
  }
  return null;
}

/** Why a `client_uri` (RFC 7591 §2) is refused, or null: an absolute http(s) URL. */
export function webPageUriProblem(uri: string): string | null {
  if (!isPrintableAscii(uri)) return 'must be printable ASCII (percent-encode anything else)';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  if (url.username !== '' || url.password !== '') return 'must not contain user information';
  return null;
}

/**
 * `checkRedirectUri` words its refusals for the registration file, where the operator may set
 * `insecure: yes`; a dynamically registered client cannot, so those are said without it.
 */
function withoutFileWording(problem: string, uri: string): string {
  if (!problem.includes('insecure')) return problem;
  const url = new URL(uri);
  return url.protocol === 'http:' && isLoopbackHost(url.hostname)
    ? 'must not use http on a loopback host for a web client (an app on the user’s device registers as application_type "native")'
    : 'must use https for a web client';
}

/** `localhost` and every name under it (RFC 6761 §6.3), with or without the root's dot. */
function isLocalhostName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}
