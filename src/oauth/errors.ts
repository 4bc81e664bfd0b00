/**
 * Error codes from RFC 6749 §4.1.2.1 / §5.2, OpenID Connect Core §3.1.2.6, RFC 6750 §3.1
 * and RFC 7009, plus Sesame's own `temporarily_unavailable`/`server_error` uses.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'interaction_required'
  | 'login_required'
  | 'account_selection_required'
  | 'consent_required'
  | 'invalid_request_uri'
  | 'invalid_request_object'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'registration_not_supported'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unsupported_token_type'
  | 'not_found';

export interface OAuthErrorOptions {
  /** HTTP status; defaults by code (400, 401 for invalid_client/invalid_token, 503, 500). */
  status?: number;
  /**
   * True only when the client and its redirect_uri have been verified, so the error may be
   * sent back to the client (RFC 6749 §4.1.2.1). Never set it before that check.
   */
  redirectable?: boolean;
  /** Detail for the log only; never shown to the peer. */
  detail?: string;
}

const defaultStatus: Partial<Record<OAuthErrorCode, number>> = {
  invalid_client: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  not_found: 404,
  server_error: 500,
  temporarily_unavailable: 503,
};

/**
 * The one error type for protocol failures. Handlers throw it; the boundary in `http/`
 * renders it as JSON, as a redirect to a verified redirect_uri, or as the HTML error page.
 */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly description: string;
  readonly status: number;
  readonly redirectable: boolean;
  readonly detail: string | undefined;

  constructor(code: OAuthErrorCode, description: string, options: OAuthErrorOptions = {}) {
    super(`${code}: ${description}`);
    this.name = 'OAuthError';
    this.code = code;
    this.description = description;
    this.status = options.status ?? defaultStatus[code] ?? 400;
    this.redirectable = options.redirectable ?? false;
    this.detail = options.detail;
  }

  /** A copy that may be redirected to the (now verified) client redirect_uri. */
  asRedirectable(): OAuthError {
    return new OAuthError(this.code, this.description, {
      status: this.status,
      redirectable: true,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
    });
  }

  /** The JSON body of RFC 6749 §5.2. */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof OAuthError;
}
