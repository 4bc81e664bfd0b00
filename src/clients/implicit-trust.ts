import type { CompatRelaxations } from '../config/types.js';
import { isPrintableAscii, schemeHostPath } from '../oauth/redirect-uri.js';
import type { Client, ClientLookup } from './types.js';
import { DYNAMIC_CLIENT_ID_PREFIX } from './dynamic-client.js';

/**
 * Konnect's implicit trust (konnect-spec §2.3), a named compatibility relaxation: a client_id
 * that is NOT registered is accepted when its redirect URI has the issuer's own origin, as a
 * trusted public client whose only redirect URI is that one. Registered clients always keep
 * their own `trusted` value, as in Konnect. Its one redirect URI is the requested one's
 * scheme+host+path, matched under the same relaxation. Returns null when the relaxation is
 * off, the id is registered, or the URI is elsewhere — including Sesame's own paths on the
 * issuer's origin: an invented client_id sending its response to, say, another authorization
 * request would hand its tokens, in the fragment the browser carries over a redirect, to
 * whichever client that request names. Nor for an id with the dynamic prefix (`dyn-`): that
 * names a registered client this process may not have read yet, never an unregistered one.
 */
export function implicitlyTrustedClient(
  lookup: ClientLookup,
  clientId: string,
  redirectUri: string | undefined,
  issuer: string,
  compat: CompatRelaxations,
): Client | null {
  if (!compat.implicitTrustOnIssuerHost || clientId === '' || redirectUri === undefined) return null;
  if (clientId.startsWith(DYNAMIC_CLIENT_ID_PREFIX)) return null;
  if (lookup.get(clientId) !== null) return null;
  if (!isPrintableAscii(redirectUri) || !URL.canParse(redirectUri)) return null;
  const url = new URL(redirectUri);
  if (url.origin !== new URL(issuer).origin || url.username !== '' || url.password !== '') return null;
  if (isProviderPath(url.pathname)) return null;
  return {
    id: clientId,
    secret: null,
    name: clientId,
    applicationType: 'web',
    // Konnect matched the scheme+host+path (Kopano Meet sends `…/meet/#oidc-callback`).
    redirectUris: [schemeHostPath(redirectUri)],
    postLogoutRedirectUris: [],
    origins: [url.origin],
    trusted: true,
    trustedScopes: [],
    insecure: false,
    codeChallengeMethods: ['S256'],
    jwks: null,
    requestObjectSigningAlg: null,
    idTokenSignedResponseAlg: null,
    userinfoSignedResponseAlg: null,
    backchannelLogoutUri: null,
    backchannelLogoutSessionRequired: false,
    requirePushedAuthorizationRequests: false,
    source: 'implicit trust: redirect URI on the issuer origin (Konnect compatibility)',
  };
}

/**
 * Paths Sesame serves on the issuer's origin (`endpoints/paths.ts`, the demo callback):
 * never an implicitly trusted redirect URI. Compared after URL parsing has resolved dot
 * segments, percent-decoded and case-insensitively; a path that does not decode counts as
 * ours.
 */
const PROVIDER_PATH_PREFIXES = ['/signin/', '/konnect/', '/.well-known/', '/demo/', '/health-check/'];
const PROVIDER_PATHS = new Set([
  '/signin',
  '/konnect',
  '/.well-known',
  '/demo',
  '/health-check',
  '/favicon.ico',
]);

export function isProviderPath(pathname: string): boolean {
  let path = pathname.toLowerCase();
  try {
    // The router matches decoded paths: `/%73ignin/…` must count as `/signin/…`.
    path = decodeURIComponent(path);
  } catch {
    return true;
  }
  return PROVIDER_PATHS.has(path) || PROVIDER_PATH_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/**
 * The registered client, or — with the relaxation on — the implicitly trusted one for this
 * redirect URI.
 */
export function resolveClient(
  lookup: ClientLookup,
  clientId: string,
  redirectUri: string | undefined,
  issuer: string,
  compat: CompatRelaxations,
): Client | null {
  return lookup.get(clientId) ?? implicitlyTrustedClient(lookup, clientId, redirectUri, issuer, compat);
}

/** A lookup that also knows the implicitly trusted client of one request's redirect URI. */
export function lookupWithImplicitTrust(
  lookup: ClientLookup,
  redirectUri: string | undefined,
  issuer: string,
  compat: CompatRelaxations,
): ClientLookup {
  const catchUp = lookup.catchUp?.bind(lookup);
  return {
    get: (clientId) => resolveClient(lookup, clientId, redirectUri, issuer, compat),
    all: () => lookup.all(),
    ...(catchUp === undefined ? {} : { catchUp }),
  };
}
