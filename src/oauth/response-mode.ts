import { OAuthError } from './errors.js';

/**
 * How the authorization response travels back (OAuth 2.0 Multiple Response Type Encoding
 * Practices §2.1; OAuth 2.0 Form Post Response Mode §2).
 */
export type ResponseMode = 'query' | 'fragment' | 'form_post';

export type AuthorizationResponse =
  | { readonly kind: 'redirect'; readonly location: string }
  /** An auto-submitting HTML form that POSTs `fields` to `action` (Form Post §2). */
  | { readonly kind: 'form_post'; readonly action: string; readonly fields: Record<string, string> };

/**
 * Parses `response_mode` for a given `response_type` (space-separated).
 *
 * Absent or blank ⇒ the default of Multiple Response Types §5: `query` for `code` (and
 * `none`), `fragment` for any type that returns `token` or `id_token`. `query` is refused
 * for those types, because tokens in a query string leak into logs and Referer headers
 * (Multiple Response Types §5: "the query encoding MUST NOT be used"); Konnect allowed it.
 *
 * @throws OAuthError `invalid_request` for an unknown mode or `query` with a token-returning
 *   type; the caller answers it at the redirect_uri once that is verified.
 */
export function parseResponseMode(value: string | undefined, responseType: string): ResponseMode {
  const fallback = defaultResponseMode(responseType);
  if (value === undefined || value === '') return fallback;
  if (value !== 'query' && value !== 'fragment' && value !== 'form_post') {
    throw new OAuthError('invalid_request', 'unsupported response_mode', {
      detail: `response_mode ${value.slice(0, 100)}`,
    });
  }
  if (value === 'query' && fallback === 'fragment') {
    throw new OAuthError(
      'invalid_request',
      `response_mode=query is not allowed for response_type ${responseType}`,
    );
  }
  return value;
}

/**
 * The default mode of a `response_type` (Multiple Response Types §5): `fragment` when it
 * returns `token` or `id_token`, else `query`. Also the mode for an error response when the
 * request's own `response_mode` was unusable.
 */
export function defaultResponseMode(responseType: string): 'query' | 'fragment' {
  const types = responseType.split(' ');
  return types.includes('token') || types.includes('id_token') ? 'fragment' : 'query';
}

/**
 * Builds the authorization response (success or error) for a verified `redirectUri`
 * (RFC 6749 §4.1.2, §4.2.2; Multiple Response Types §2.1; Form Post §2). Parameters whose
 * value is `undefined` are left out; an empty string is sent as such (e.g. Konnect's
 * always-present `state`). Whether to include `iss` (RFC 9207) is the caller's choice.
 *
 * - `query`: the redirect URI's own query is kept verbatim (RFC 6749 §3.1.2) and the
 *   parameters appended, spaces encoded as `%20` as Konnect did (konnect-spec §4.2); a
 *   fragment of the redirect URI stays after the query.
 * - `fragment`: the same encoding after `#`. A redirect URI that already has a fragment
 *   (Kopano Meet's `…/meet/#oidc-callback`) keeps it and gets the parameters appended with
 *   `&` (kopano-meet.md req. 9; Konnect utils/redirect.go).
 * - `form_post`: the fields for an auto-submitting form to the redirect URI.
 *
 * @throws TypeError when `redirectUri` is not an absolute URI (verification must have
 *   refused it).
 */
export function buildAuthorizationResponse(
  redirectUri: string,
  mode: ResponseMode,
  params: Readonly<Record<string, string | undefined>>,
): AuthorizationResponse {
  if (!URL.canParse(redirectUri)) throw new TypeError('redirect_uri is not an absolute URI');
  const fields = definedFields(params);
  const hash = redirectUri.indexOf('#');
  const base = hash === -1 ? redirectUri : redirectUri.slice(0, hash);
  const fragment = hash === -1 ? null : redirectUri.slice(hash + 1);
  switch (mode) {
    case 'form_post':
      return { kind: 'form_post', action: redirectUri, fields };
    case 'fragment':
      return { kind: 'redirect', location: `${base}#${appendFragment(fragment, encode(fields))}` };
    case 'query': {
      const location = appendQuery(base, encode(fields));
      return { kind: 'redirect', location: fragment === null ? location : `${location}#${fragment}` };
    }
  }
}

function definedFields(params: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) fields[name] = value;
  }
  return fields;
}

/** application/x-www-form-urlencoded, with `%20` for spaces (decoders accept both). */
function encode(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
}

function appendQuery(uri: string, query: string): string {
  if (query === '') return uri;
  if (!uri.includes('?')) return `${uri}?${query}`;
  return uri.endsWith('?') || uri.endsWith('&') ? `${uri}${query}` : `${uri}&${query}`;
}

function appendFragment(fragment: string | null, params: string): string {
  if (fragment === null || fragment === '') return params;
  if (params === '') return fragment;
  return fragment.endsWith('&') ? `${fragment}${params}` : `${fragment}&${params}`;
}

/** Parameters an authorization response carries (RFC 6749 §4.1.2, §4.2.2; OIDC Core §3; RFC 9207; OIDC Session §3). */
const RESPONSE_PARAMETERS: ReadonlySet<string> = new Set([
  'code',
  'state',
  'iss',
  'id_token',
  'access_token',
  'token_type',
  'expires_in',
  'session_state',
  'error',
  'error_description',
  'error_uri',
]);

/**
 * The redirect URI without query parameters named like response parameters (`code`,
 * `state`, `iss`, `id_token`, `access_token`, `token_type`, `expires_in`, `session_state`,
 * `error*`); every other part is kept byte for byte. Under Konnect's relaxed matching the
 * requested query is the requester's to choose, and `cb?code=ATTACKER&state=forged` would
 * otherwise reach the client ahead of the real values.
 */
export function withoutResponseParameters(redirectUri: string): string {
  const hash = redirectUri.indexOf('#');
  const beforeHash = hash === -1 ? redirectUri : redirectUri.slice(0, hash);
  const fragment = hash === -1 ? '' : redirectUri.slice(hash);
  const question = beforeHash.indexOf('?');
  if (question === -1) return redirectUri;
  const kept = beforeHash
    .slice(question + 1)
    .split('&')
    // Some parsers also split on `;`: a piece hiding a response parameter behind one goes too.
    .filter(
      (pair) => pair !== '' && !pair.split(';').some((part) => RESPONSE_PARAMETERS.has(parameterName(part))),
    );
  const base = beforeHash.slice(0, question);
  return `${base}${kept.length > 0 ? `?${kept.join('&')}` : ''}${fragment}`;
}

function parameterName(pair: string): string {
  const eq = pair.indexOf('=');
  const raw = (eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
