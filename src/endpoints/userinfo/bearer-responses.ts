import type { OAuthError } from '../../oauth/errors.js';
import type { EndpointResponse } from '../types.js';
import { RETRY_AFTER_SECONDS } from '../../oauth/storage-outage.js';

/** The realm userinfo names in its challenges (RFC 6750 §3). */
export const REALM = 'sesame';

/** Userinfo answers carry personal data: never cache them (OIDC Core §5.3.2). */
const NO_STORE: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
});

/**
 * RFC 6750 §3.1: a request without any bearer token gets a bare challenge, with no error
 * code and no body error.
 */
export function missingTokenChallenge(): EndpointResponse {
  return {
    kind: 'empty',
    status: 401,
    headers: { ...NO_STORE, 'WWW-Authenticate': `Bearer realm="${REALM}"` },
  };
}

/**
 * An RFC 6750 §3 error: the status of `error` (400 invalid_request, 401 invalid_token,
 * 403 insufficient_scope), a `WWW-Authenticate: Bearer` challenge naming it, and the same
 * error as JSON.
 */
export function bearerError(error: OAuthError, requiredScope?: string): EndpointResponse {
  const params = [
    `realm="${REALM}"`,
    `error="${error.code}"`,
    `error_description="${quoted(error.description)}"`,
    ...(requiredScope === undefined ? [] : [`scope="${quoted(requiredScope)}"`]),
  ];
  return {
    kind: 'json',
    status: error.status,
    headers: { ...NO_STORE, 'WWW-Authenticate': `Bearer ${params.join(', ')}` },
    body: error.toJSON(),
  };
}

/** A JSON error without a challenge (e.g. 503 when the user directory is down). */
export function plainError(error: OAuthError): EndpointResponse {
  // RFC 9110 §10.2.3: a 503 says when to try again.
  const headers =
    error.status === 503 ? { ...NO_STORE, 'retry-after': String(RETRY_AFTER_SECONDS) } : NO_STORE;
  return { kind: 'json', status: error.status, headers, body: error.toJSON() };
}

/** A successful userinfo answer (OIDC Core §5.3.2). */
export function claimsResponse(claims: Record<string, unknown>): EndpointResponse {
  return { kind: 'json', status: 200, headers: NO_STORE, body: claims };
}

/**
 * RFC 6750 §3: error_description is limited to %x20-21 / %x23-5B / %x5D-7E, so quotes,
 * backslashes and anything outside printable ASCII are dropped.
 */
function quoted(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '');
}
