import { optionalParam, rejectRepeatedParams, requiredParam } from '../params.js';
import { parseCredentials, type ClientCredentials } from '../token/parse.js';
import type { EndpointRequest } from '../types.js';

export type IntrospectionHint = 'access_token' | 'refresh_token';

/** An introspection request (RFC 7662 §2.1). */
export interface IntrospectionRequest {
  readonly credentials: ClientCredentials;
  readonly token: string;
  /** null when absent or not a type Sesame issues: RFC 7662 §2.1 lets the server ignore it. */
  readonly hint: IntrospectionHint | null;
}

const INTROSPECTION_PARAMS = [
  'token',
  'token_type_hint',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
] as const;

/**
 * Parses the form body of an introspection request (RFC 7662 §2.1). The query is never read:
 * a token in a URL ends up in logs. An unknown `token_type_hint` is ignored, since every
 * token type is searched anyway (§2.1).
 *
 * @throws OAuthError `invalid_request` when `token` is missing or a parameter is repeated.
 */
export function parseIntrospectionRequest(req: EndpointRequest): IntrospectionRequest {
  const body = req.body;
  rejectRepeatedParams(body, INTROSPECTION_PARAMS);
  const hint = optionalParam(body, 'token_type_hint');
  return {
    credentials: parseCredentials(req, body),
    token: requiredParam(body, 'token'),
    hint: hint === 'access_token' || hint === 'refresh_token' ? hint : null,
  };
}
