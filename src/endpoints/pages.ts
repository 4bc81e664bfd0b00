import {
  accentCssHref,
  defaultBranding,
  errorPage,
  formPostPage,
  negotiateLocale,
  type Branding,
  type Locale,
  type SafeHtml,
} from '../views/index.js';
import type { Config } from '../config/types.js';
import type { OAuthError } from '../oauth/errors.js';
import { pageCsp } from '../http/security-headers.js';
import { FORM_POST_SCRIPT_SOURCE } from '../views/pages/form-post.js';
import type { CookieInstruction, EndpointRequest, EndpointResponse } from './types.js';
import { paths } from './paths.js';

/** The page language: `ui_locales` of the authorization request, else Accept-Language. */
export function localeOf(req: EndpointRequest, uiLocales?: string | null): Locale {
  const fromRequest = req.query.get('ui_locales')?.[0] ?? req.body.get('ui_locales')?.[0];
  return negotiateLocale(uiLocales ?? fromRequest, req.headers['accept-language']);
}

export interface PageOptions {
  readonly status?: number;
  readonly cookies?: readonly CookieInstruction[];
  /**
   * Origins the page's forms may end up at: browsers apply CSP form-action to the redirect
   * that follows a submission, so a form that leads back to a client must allow its origin.
   */
  readonly formTargets?: readonly string[];
}

/** An HTML page response with Sesame's Content-Security-Policy. */
export function pageResponse(body: SafeHtml, options: PageOptions = {}): EndpointResponse {
  return {
    kind: 'html',
    status: options.status ?? 200,
    body: body.toString(),
    headers: { 'content-security-policy': pageCsp(options.formTargets) },
    ...(options.cookies ? { cookies: options.cookies } : {}),
  };
}

/** The pages' branding from `config.branding` (logo and accent served by `endpoints/static`). */
export function brandingOf(config: Pick<Config, 'branding'>): Branding {
  const branding = config.branding;
  if (branding === undefined || branding === null) return defaultBranding;
  return {
    productName: branding.productName,
    logoHref: branding.logo === null ? null : paths.logo,
    accentHref: branding.accentColor === null ? null : accentCssHref(branding.accentColor),
    forgotPasswordUrl: branding.forgotPasswordUrl,
    imprintUrl: branding.imprintUrl,
    privacyUrl: branding.privacyUrl,
  };
}

/**
 * The browser's error page for an OAuthError: a translated sentence chosen by the error's code
 * and description (views/pages/error-sentence.ts) and the code; never the description itself,
 * which is for developers, nor a stack trace.
 */
export function renderErrorPage(
  error: OAuthError,
  req: EndpointRequest,
  branding: Branding = defaultBranding,
): EndpointResponse {
  const page = errorPage({
    locale: localeOf(req),
    status: error.status,
    error: error.code,
    description: error.description,
    branding,
  });
  return pageResponse(page, { status: error.status });
}

/**
 * OAuth 2.0 Form Post Response Mode (§2): a page whose form carries the response to the client
 * and submits itself. Its CSP runs only that script, lets the form go to the redirect URI, and
 * lets the redirect URI's origin frame the page (CSP `frame-ancestors`, no X-Frame-Options), so
 * a silent sign-in in a hidden iframe (OpenID Connect Core §3.1.2.1 `prompt=none`) gets its
 * answer. Only that origin may: the page goes only to a verified redirect URI, and a frame on
 * that origin receives what the form posts anyway. A redirect URI without a web origin (a
 * native app's custom scheme) is a form target by its scheme and may not frame the page.
 */
export function formPostResponse(action: string, fields: Readonly<Record<string, string>>): EndpointResponse {
  const url = new URL(action);
  const web = url.protocol === 'https:' || url.protocol === 'http:';
  const csp = pageCsp([web ? url.origin : url.protocol], {
    scripts: [FORM_POST_SCRIPT_SOURCE],
    frameAncestors: web ? [url.origin] : [],
  });
  return {
    kind: 'html',
    status: 200,
    body: formPostPage({ action, fields }).toString(),
    headers: { 'content-security-policy': csp },
    ...(web ? { frameable: true as const } : {}),
  };
}
