import { OAuthError } from './errors.js';

/**
 * The response types Sesame serves (OAuth 2.0 Multiple Response Type Encoding Practices §3,
 * §5; OpenID Connect Core §3): the code flow, the implicit flow (`id_token`,
 * `id_token token`) and the hybrid flow (`code id_token`, `code token`,
 * `code id_token token`). Written in this canonical order whatever order the request used.
 */
export type ResponseType =
  'code' | 'id_token' | 'id_token token' | 'code id_token' | 'code token' | 'code id_token token';

/** The parts a response type can return from the authorization endpoint. */
export type ResponsePart = 'code' | 'id_token' | 'token';

const CANONICAL: ReadonlyMap<string, ResponseType> = new Map(
  (['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'] as const).map(
    (type) => [key(type.split(' ')), type],
  ),
);

/**
 * Parses `response_type`: a space-separated set whose order does not matter (Multiple
 * Response Types §3). `token` alone (OAuth's implicit grant without an ID token) and `none`
 * are not offered: they hand out an access token, or nothing, without the ID token that
 * binds the response to the request.
 *
 * @throws OAuthError `unsupported_response_type` for anything else (answered at the
 *   redirect_uri once the caller has verified it).
 */
export function parseResponseType(value: string): ResponseType {
  const parts = value.split(' ');
  const type = parts.length === new Set(parts).size ? CANONICAL.get(key(parts)) : undefined;
  if (type === undefined) {
    throw new OAuthError(
      'unsupported_response_type',
      'response_type must be code, id_token, id_token token, code id_token, code token or code id_token token',
      { detail: `response_type ${value.slice(0, 100)}` },
    );
  }
  return type;
}

/** Whether `type` returns `part` from the authorization endpoint. */
export function returns(type: ResponseType, part: ResponsePart): boolean {
  return type.split(' ').includes(part);
}

/**
 * OpenID Connect Core §3.2.2.1, §3.3.2.11 (and its errata): a request whose response carries
 * an ID token from the authorization endpoint must send a `nonce`.
 */
export function nonceRequired(type: ResponseType): boolean {
  return returns(type, 'id_token');
}

function key(parts: readonly string[]): string {
  return [...parts].sort().join(' ');
}
