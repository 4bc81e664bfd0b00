import { html, type SafeHtml } from '../html.js';
import { t, type Locale } from '../i18n/index.js';
import { layout } from '../layout.js';
import { hiddenField } from '../parts.js';

export interface FormPostProps {
  /** The client's verified redirect_uri. */
  readonly action: string;
  /** The authorization response parameters (`code`, `state`, `id_token`, `iss`, …). */
  readonly fields: Readonly<Record<string, string>>;
  /** Page language; defaults to English. */
  readonly locale?: Locale;
}

/** The host shown to the user; falls back to the whole URL if it does not parse. */
function displayHost(action: string): string {
  try {
    return new URL(action).host || action;
  } catch {
    return action;
  }
}

/**
 * OAuth 2.0 Form Post Response Mode (§2): the response parameters as hidden inputs POSTed
 * to the redirect_uri. Pages carry no script, so the user submits with a visible
 * "Continue" button. The server MUST send this page with the redirect_uri's origin in the
 * CSP `form-action` directive, or the browser refuses to submit. Unlike our own forms it
 * carries no `csrf` field: that token must never leave the provider.
 */
export function formPostPage(props: FormPostProps): SafeHtml {
  const locale = props.locale ?? 'en';
  return layout({
    locale,
    title: t(locale, 'formpost.title'),
    body: html`<h1>${t(locale, 'formpost.heading')}</h1>
      <p class="lead">${t(locale, 'formpost.body', { host: displayHost(props.action) })}</p>
      <form method="post" action="${props.action}">
        ${Object.entries(props.fields).map(([name, value]) => hiddenField(name, value))}
        <div class="actions">
          <button type="submit" class="button button-primary">${t(locale, 'formpost.submit')}</button>
        </div>
      </form>`,
  });
}
