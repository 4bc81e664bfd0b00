import { html, type SafeHtml } from '../html.js';
import { t, type Locale } from '../i18n/index.js';
import { layout, type Branding } from '../layout.js';
import { alertBox, csrfField, formFields, hiddenField } from '../parts.js';

/**
 * Why the previous attempt failed. `invalid_credentials` covers both an unknown user and a
 * wrong password, so the page never reveals whether an account exists.
 */
export type SignInError = 'invalid_credentials' | 'throttled' | 'unavailable';

export interface SignInProps {
  readonly locale: Locale;
  /** URL the form POSTs to. */
  readonly action: string;
  readonly csrfToken: string;
  /** The pending authorization request this sign-in resumes. */
  readonly interactionId: string;
  /** Display name of the relying party, or null when signing in without one. */
  readonly clientName: string | null;
  /** Prefill (OpenID Connect Core §3.1.2.1 `login_hint`, or the last attempt); '' for none. */
  readonly username: string;
  readonly error: SignInError | null;
  /** With `throttled`: the seconds to wait, when known (the page then names them). */
  readonly retryAfterSeconds?: number | null;
  /** The operator's branding; its `forgotPasswordUrl` is linked below the password. */
  readonly branding?: Branding;
}

/**
 * The sign-in page: username and password with the autocomplete tokens password managers
 * need, focus on the first empty field, and a single generic message per error kind.
 * Posts `csrf`, `interaction`, `username`, `password`.
 */
export function signInPage(props: SignInProps): SafeHtml {
  const { locale, username, error } = props;
  const prefilled = username !== '';
  const invalid = error === 'invalid_credentials';
  const subtitle =
    props.clientName === null
      ? t(locale, 'signin.subtitle.generic')
      : t(locale, 'signin.subtitle.client', { client: props.clientName });

  const forgot = props.branding?.forgotPasswordUrl ?? null;
  return layout({
    locale,
    title: t(locale, 'signin.title'),
    ...(props.branding === undefined ? {} : { branding: props.branding }),
    body: html`<h1>${t(locale, 'signin.title')}</h1>
      <p class="lead">${subtitle}</p>
      ${error === null ? null : alertBox(errorMessage(locale, error, props.retryAfterSeconds ?? null))}
      <form method="post" action="${props.action}">
        ${csrfField(props.csrfToken)} ${hiddenField(formFields.interaction, props.interactionId)}
        <div class="field">
          <label for="username">${t(locale, 'signin.username')}</label>
          <input
            type="text"
            id="username"
            name="${formFields.username}"
            value="${username}"
            autocomplete="username"
            autocapitalize="none"
            autocorrect="off"
            spellcheck="false"
            required${prefilled ? null : html` autofocus`}${invalid ? html` aria-invalid="true"` : null}
          />
        </div>
        <div class="field">
          <label for="password">${t(locale, 'signin.password')}</label>
          <input
            type="password"
            id="password"
            name="${formFields.password}"
            autocomplete="current-password"
            required${prefilled ? html` autofocus` : null}${invalid ? html` aria-invalid="true"` : null}
          />
        </div>
        ${
          forgot === null
            ? null
            : html`<p class="link-row"><a href="${forgot}">${t(locale, 'signin.forgot_password')}</a></p>`
        }
        <div class="actions">
          <button type="submit" class="button button-primary">${t(locale, 'signin.submit')}</button>
        </div>
      </form>`,
  });
}

function errorMessage(locale: Locale, error: SignInError, retryAfterSeconds: number | null): string {
  if (error === 'throttled' && retryAfterSeconds !== null) return throttledMessage(locale, retryAfterSeconds);
  return t(locale, `signin.error.${error}`);
}

/**
 * How long to wait, as a person would say it: seconds under a minute, else "about N minutes",
 * rounded up so that nobody is told to come back too early.
 */
export function throttledMessage(locale: Locale, retryAfterSeconds: number): string {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  if (seconds < 60) return t(locale, 'signin.error.throttled_seconds', { seconds });
  const minutes = Math.ceil(seconds / 60);
  if (minutes === 1) return t(locale, 'signin.error.throttled_one_minute');
  return t(locale, 'signin.error.throttled_minutes', { minutes });
}
