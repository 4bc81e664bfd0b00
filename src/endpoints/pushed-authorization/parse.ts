import { OAuthError } from '../../oauth/errors.js';
import { parseCredentials, type ClientCredentials } from '../token/parse.js';
import type { EndpointRequest } from '../types.js';

/**
 * Largest pushed request kept, in UTF-8 bytes of its JSON: room for a request object at its
 * own limit (16 KiB, tokens/request-object.ts) beside the largest claims, state and nonce the
 * authorization endpoint accepts (8 + 2 + 2 KiB).
 */
export const MAX_PUSHED_REQUEST_BYTES = 32 * 1024;

/** Parameters that authenticate the client: never part of the authorization request kept. */
const CLIENT_AUTHENTICATION_PARAMS = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);

/** A pushed authorization request (RFC 9126 §2.1), before the client is authenticated. */
export interface PushedAuthorizationRequest {
  readonly credentials: ClientCredentials;
  /**
   * The authorization request parameters as pushed, one value each, without the client's
   * credentials; `client_id` is set once the client is authenticated.
   */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses the form body of a pushed authorization request (RFC 9126 §2.1). The query is never
 * read.
 *
 * @throws OAuthError `invalid_request` when any parameter is repeated (RFC 6749 §3.1), when a
 *   `request_uri` is pushed (RFC 9126 §2.1: it "MUST NOT be provided"), or when the request is
 *   larger than {@link MAX_PUSHED_REQUEST_BYTES}.
 */
export function parsePushedAuthorizationRequest(req: EndpointRequest): PushedAuthorizationRequest {
  const kept = new Map<string, string>();
  for (const [name, values] of req.body) {
    if (values.length > 1)
      throw new OAuthError('invalid_request', `parameter ${name.slice(0, 100)} must not be repeated`);
    if (CLIENT_AUTHENTICATION_PARAMS.has(name) || values[0] === undefined) continue;
    kept.set(name, values[0]);
  }
  if (kept.has('request_uri')) {
    throw new OAuthError(
      'invalid_request',
      'request_uri must not be sent to the pushed authorization endpoint',
    );
  }
  // fromEntries makes every name an own property, `__proto__` included.
  const params: Record<string, string> = Object.fromEntries(kept);
  const bytes = Buffer.byteLength(JSON.stringify(params), 'utf8');
  if (bytes > MAX_PUSHED_REQUEST_BYTES) {
    throw new OAuthError('invalid_request', 'the authorization request is too large', {
      detail: `${bytes} bytes pushed; at most ${MAX_PUSHED_REQUEST_BYTES}`,
    });
  }
  return { credentials: parseCredentials(req, req.body), params };
}
