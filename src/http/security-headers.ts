/**
 * Content-Security-Policy for Sesame's pages: no scripts at all, styles only from our own
 * stylesheet, forms only to ourselves and to the given extra targets (a client's redirect
 * origin: browsers apply form-action to the redirect that follows a form submission).
 */
export function pageCsp(formTargets: readonly string[] = []): string {
  const targets = ["'self'", ...new Set(formTargets)].join(' ');
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    `form-action ${targets}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Headers every response carries (OAuth 2.0 Security BCP, RFC 6749 §5.1 no-store). */
export const commonHeaders: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  pragma: 'no-cache',
};
