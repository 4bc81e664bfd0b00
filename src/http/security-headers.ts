/** What a page may do beyond Sesame's defaults (see {@link pageCsp}). */
export interface PageCspOptions {
  /** Source expressions (`'sha256-…'`, CSP Level 3 §8.4) of the inline scripts the page runs. */
  readonly scripts?: readonly string[];
  /** Origins that may show the page in a frame (CSP `frame-ancestors`); none when empty. */
  readonly frameAncestors?: readonly string[];
}

/**
 * Content-Security-Policy for Sesame's pages: no scripts unless `options.scripts` names them
 * by hash, styles only from our own stylesheet, forms only to ourselves and to the given extra
 * targets (a client's redirect origin: browsers apply form-action to the redirect that follows
 * a form submission), and no framing unless `options.frameAncestors` names who may frame.
 */
export function pageCsp(formTargets: readonly string[] = [], options: PageCspOptions = {}): string {
  const targets = ["'self'", ...new Set(formTargets)].join(' ');
  const scripts = [...new Set(options.scripts ?? [])];
  const ancestors = [...new Set(options.frameAncestors ?? [])];
  return [
    "default-src 'none'",
    ...(scripts.length === 0 ? [] : [`script-src ${scripts.join(' ')}`]),
    "style-src 'self'",
    "img-src 'self' data:",
    `form-action ${targets}`,
    `frame-ancestors ${ancestors.length === 0 ? "'none'" : ancestors.join(' ')}`,
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
