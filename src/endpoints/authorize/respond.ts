import { buildAuthorizationResponse } from '../../oauth/response-mode.js';
import type { OAuthError } from '../../oauth/errors.js';
import type { EndpointResponse } from '../types.js';
import type { VerifiedTarget } from './request.js';
import { formPostResponse } from '../pages.js';

/**
 * Sends the authorization response to the verified redirect_uri in the requested mode, with
 * `iss` (RFC 9207) and `state` (RFC 6749 §4.1.2).
 */
export function respondToClient(
  target: VerifiedTarget,
  issuer: string,
  params: Readonly<Record<string, string | undefined>>,
): EndpointResponse {
  const response = buildAuthorizationResponse(target.redirectUri, target.responseMode, {
    ...params,
    state: target.state ?? undefined,
    iss: issuer,
  });
  if (response.kind === 'redirect') return { kind: 'redirect', location: response.location };
  return formPostResponse(response.action, response.fields);
}

/** An error response to the verified redirect_uri (RFC 6749 §4.1.2.1). */
export function respondWithError(
  target: VerifiedTarget,
  issuer: string,
  error: OAuthError,
): EndpointResponse {
  return respondToClient(target, issuer, { error: error.code, error_description: error.description });
}
