import { html, type SafeHtml } from '../html.js';
import { t, type Locale, type MessageKey } from '../i18n/index.js';
import { layout, type Branding } from '../layout.js';
import { errorSentence } from './error-sentence.js';
import { icons } from '../parts.js';

export interface ErrorPageProps {
  readonly locale: Locale;
  /** HTTP status the page is sent with; shown next to the code. */
  readonly status: number;
  /** OAuth error code (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6). */
  readonly error: string;
  /**
   * The error's public description. It is never shown: it only selects, with the code, the
   * translated sentence the page explains the error with (error-sentence.ts).
   */
  readonly description: string | null;
  /** The operator's branding (product name, logo, links); absent: Sesame's own. */
  readonly branding?: Branding;
}

const titled: ReadonlySet<string> = new Set([
  'access_denied',
  'invalid_request',
  'not_found',
  'temporarily_unavailable',
]);

/**
 * The error page for failures that must not (or cannot) be redirected to the client,
 * e.g. an unknown client or an unregistered redirect_uri (RFC 6749 §4.1.2.1).
 */
export function errorPage(props: ErrorPageProps): SafeHtml {
  const { locale } = props;
  const title = titled.has(props.error)
    ? t(locale, `error.title.${props.error}` as MessageKey)
    : t(locale, 'error.title.generic');
  const retry = props.error === 'temporarily_unavailable';
  return layout({
    locale,
    title,
    ...(props.branding === undefined ? {} : { branding: props.branding }),
    body: html`<div class="icon-circle danger">${icons.alert}</div>
      <h1>${title}</h1>
      <p class="lead">${errorSentence(locale, props.error, props.description)}</p>
      ${retry ? null : html`<p>${t(locale, 'error.hint')}</p>`}
      <div class="meta">
        <p>
          ${t(locale, 'error.code', { code: props.error })} <span aria-hidden="true">·</span> HTTP
          ${props.status}
        </p>
      </div>`,
  });
}
