import { OAuthError } from '../../oauth/errors.js';
import { optionalParam } from '../params.js';
import type { EndpointRequest } from '../types.js';

/** A userinfo request: the bearer token, or null when none was presented at all. */
export interface UserinfoRequest {
  readonly accessToken: string | null;
}

/** RFC 6750 §2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Finds the access token of a userinfo request (OIDC Core §5.3.1, RFC 6750 §2): in the
 * `Authorization: Bearer` header (scheme case-insensitive, RFC 9110 §11.1) or, in a POST,
 * the `access_token` form parameter (RFC 6750 §2.2). Exactly one method may be used
 * (RFC 6750 §2). An Authorization header with another scheme does not count as a bearer
 * token. `access_token` in the query is refused, because URLs end up in logs (RFC 6750 §2.3,
 * §5.3).
 *
 * @throws OAuthError `invalid_request` for a malformed Bearer header, a token sent in two
 *   ways, a repeated `access_token`, or one in the query.
 */
export function parseUserinfoRequest(req: EndpointRequest): UserinfoRequest {
  if ((req.query.get('access_token')?.length ?? 0) > 0) {
    throw new OAuthError(
      'invalid_request',
      'access_token in the query is not supported; use the Authorization header',
    );
  }
  const fromHeader = bearerFromHeader(req.headers['authorization']);
  const fromBody = req.method === 'POST' ? bodyToken(req) : undefined;
  if (fromHeader !== undefined && fromBody !== undefined) {
    throw new OAuthError('invalid_request', 'the access token must be sent in one way only');
  }
  return { accessToken: fromHeader ?? fromBody ?? null };
}

function bearerFromHeader(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^([^ ]+)(?: +(.*))?$/.exec(header.trim());
  if (match === null || match[1]?.toLowerCase() !== 'bearer') return undefined;
  const token = match[2]?.trim() ?? '';
  if (!B64TOKEN.test(token)) {
    throw new OAuthError('invalid_request', 'the Authorization header is not a valid Bearer credential');
  }
  return token;
}

function bodyToken(req: EndpointRequest): string | undefined {
  const token = optionalParam(req.body, 'access_token');
  if (token !== undefined && !B64TOKEN.test(token)) {
    throw new OAuthError('invalid_request', 'access_token is malformed');
  }
  return token;
}
