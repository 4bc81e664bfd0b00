import { OAuthError, isOAuthError } from '../oauth/errors.js';
import type { EndpointRequest, EndpointResponse } from '../endpoints/types.js';
import type { RouteAudience } from './routes.js';
import { renderErrorPage } from '../endpoints/pages.js';
import type { Branding } from '../views/index.js';
import { RETRY_AFTER_SECONDS, isStorageOutage, storageUnavailable } from '../oauth/storage-outage.js';
import { StorageError } from '../storage/types.js';

/**
 * Turns anything thrown by a handler into an OAuthError. Framework errors for bad input
 * (body too large, unreadable body) keep their 4xx status as `invalid_request`; storage that
 * cannot be reached, or writes that kept colliding, are a 503 `temporarily_unavailable`; everything else is a 500 whose
 * internals stay in the log.
 */
export function toOAuthError(error: unknown): OAuthError {
  if (isOAuthError(error)) return error;
  if (isStorageOutage(error)) return storageUnavailable(error);
  // Concurrent writers that kept colliding (a repeated deadlock): trying again is the remedy,
  // as in an outage, but nothing is down, so nothing marks storage unhealthy.
  if (error instanceof StorageError && error.kind === 'contended') return storageUnavailable(error);
  const status = statusOf(error);
  if (status === 404) return new OAuthError('not_found', 'The requested resource does not exist.');
  if (status === 413)
    return new OAuthError('invalid_request', 'The request body is too large.', { status: 413 });
  if (status !== undefined && status >= 400 && status < 500) {
    return new OAuthError('invalid_request', 'The request could not be read.', {
      status,
      detail: error instanceof Error ? error.message : String(error),
    });
  }
  return new OAuthError('server_error', 'An internal error occurred.', { status: 500 });
}

function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'statusCode' in error) {
    const code = (error as { statusCode: unknown }).statusCode;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

/**
 * Renders an error for its audience: RFC 6749 §5.2 JSON for APIs, the error page for browsers.
 * A 503 says when to try again (`Retry-After`, RFC 9110 §10.2.3).
 */
export function renderError(
  error: OAuthError,
  audience: RouteAudience,
  request: EndpointRequest,
  branding?: Branding,
): EndpointResponse {
  const retry: Record<string, string> =
    error.status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {};
  if (audience === 'browser') {
    const page = renderErrorPage(error, request, branding);
    return { ...page, headers: { ...page.headers, ...retry } };
  }
  const headers: Record<string, string> = { ...retry };
  if (error.code === 'invalid_client' && error.status === 401) {
    headers['www-authenticate'] = 'Basic realm="sesame"';
  }
  return { kind: 'json', status: error.status, body: error.toJSON(), headers };
}
