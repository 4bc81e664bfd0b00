import { html, type SafeHtml } from '../html.js';
import { t, type Locale, type MessageKey } from '../i18n/index.js';
import { layout } from '../layout.js';
import { icons } from '../parts.js';

export interface ErrorPageProps {
  readonly locale: Locale;
  /** HTTP status the page is sent with; shown next to the code. */
  readonly status: number;
  /** OAuth error code (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6). */
  readonly error: string;
  /**
   * The public description; null or '' shows a generic hint. Never a stack trace or log detail.
   * Not shown for `temporarily_unavailable`, which always asks, translated, to try again soon.
   */
  readonly description: string | null;
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
  // A temporary failure asks to try again, in the page's language, whatever caused it.
  const retry = props.error === 'temporarily_unavailable';
  const shown = retry ? null : props.description;
  const description = retry
    ? t(locale, 'error.lead.temporarily_unavailable')
    : shown
      ? shown
      : t(locale, 'error.hint');
  return layout({
    locale,
    title,
    body: html`<div class="icon-circle danger">${icons.alert}</div>
      <h1>${title}</h1>
      <p class="lead">${description}</p>
      ${shown ? html`<p>${t(locale, 'error.hint')}</p>` : null}
      <div class="meta">
        <p>
          ${t(locale, 'error.code', { code: props.error })} <span aria-hidden="true">·</span> HTTP
          ${props.status}
        </p>
      </div>`,
  });
}
