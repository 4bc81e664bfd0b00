import { createHash } from 'node:crypto';
import { html, raw, type SafeHtml } from '../html.js';
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
 * Submits the page's form as soon as the page has loaded (OAuth 2.0 Form Post Response Mode
 * §2: "auto-submitted"). The form's own `submit` is taken from the prototype, so a response
 * field named `submit` could not shadow it.
 */
export const FORM_POST_SCRIPT = 'HTMLFormElement.prototype.submit.call(document.forms[0]);';

/** The CSP source expression allowing exactly {@link FORM_POST_SCRIPT} (CSP Level 3 §8.4). */
export const FORM_POST_SCRIPT_SOURCE = `'sha256-${createHash('sha256').update(FORM_POST_SCRIPT, 'utf8').digest('base64')}'`;

/** The script element; built here, outside any template a formatter could re-indent. */
const autoSubmit = raw(`<script>${FORM_POST_SCRIPT}</script>`);

/**
 * OAuth 2.0 Form Post Response Mode (§2): the response parameters as hidden inputs POSTed to
 * the redirect_uri. A small inline script ({@link FORM_POST_SCRIPT}) submits the form at once,
 * also in a hidden iframe (silent sign-in); without script the user submits with the visible
 * "Continue" button. The server MUST send this page with a CSP whose `script-src` is
 * {@link FORM_POST_SCRIPT_SOURCE} and whose `form-action` allows the redirect_uri, or the
 * browser refuses to run the script or to submit. Unlike our own forms it carries no `csrf`
 * field: that token must never leave the provider.
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
      </form>
      ${autoSubmit}`,
  });
}
