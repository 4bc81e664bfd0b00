import { optionalParam, rejectRepeatedParams, requiredParam } from '../params.js';
import { parseCredentials, type ClientCredentials } from '../token/parse.js';
import type { EndpointRequest } from '../types.js';

export type TokenTypeHint = 'access_token' | 'refresh_token';

/** A revocation request (RFC 7009 §2.1). */
export interface RevocationRequest {
  readonly credentials: ClientCredentials;
  readonly token: string;
  /** null when absent or not one we know: RFC 7009 §2.1 lets the server ignore it. */
  readonly hint: TokenTypeHint | null;
}

const REVOCATION_PARAMS = ['token', 'token_type_hint', 'client_id', 'client_secret'] as const;

/**
 * Parses the form body of a revocation request (RFC 7009 §2.1). An unknown `token_type_hint`
 * is ignored rather than refused: the server searches all token types anyway (§2.1), so
 * `unsupported_token_type` (§2.2.1) is never needed.
 *
 * @throws OAuthError `invalid_request` when `token` is missing or a parameter is repeated.
 */
export function parseRevocationRequest(req: EndpointRequest): RevocationRequest {
  const body = req.body;
  rejectRepeatedParams(body, REVOCATION_PARAMS);
  const hint = optionalParam(body, 'token_type_hint');
  return {
    credentials: parseCredentials(req, body),
    token: requiredParam(body, 'token'),
    hint: hint === 'access_token' || hint === 'refresh_token' ? hint : null,
  };
}
