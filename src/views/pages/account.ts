import { html, type SafeHtml } from '../html.js';
import { t, type Locale } from '../i18n/index.js';
import { layout, type Branding } from '../layout.js';
import { accountTile, alertBox, csrfField, hiddenField, icons } from '../parts.js';
import { scopeDescription, type ConsentScope } from './consent.js';

/** An app the user consented to. */
export interface AccountApp {
  readonly clientId: string;
  /** Display name; null shows the client id. */
  readonly name: string | null;
  /** The scopes consented to. */
  readonly scopes: readonly ConsentScope[];
}

/** A confirmation shown at the top after an action succeeded. */
export type AccountNotice = 'access_removed' | 'password_changed';

/** Why the password form refused a change. */
export type PasswordFormError = 'wrong_password' | 'mismatch' | 'too_short' | 'too_long' | 'throttled';

/** The password section: a form for built-in users, a line for users of a directory. */
export type PasswordSection =
  | {
      readonly kind: 'form';
      readonly action: string;
      readonly csrfToken: string;
      readonly minLength: number;
      readonly maxLength: number;
      readonly error: PasswordFormError | null;
      /** With `throttled`: how long to wait, when known. */
      readonly retryAfterSeconds?: number | null;
    }
  | { readonly kind: 'managed_elsewhere' };

export interface AccountProps {
  readonly locale: Locale;
  /** The operator's branding (`layout`); Sesame's own look when absent. */
  readonly branding?: Branding;
  readonly displayName: string;
  /** Username, or username and e-mail, shown under the name. */
  readonly accountId: string;
  readonly notice: AccountNotice | null;
  readonly apps: readonly AccountApp[];
  /** Where "Remove access" posts (`client_id`), and its CSRF token. */
  readonly revoke: { readonly action: string; readonly csrfToken: string };
  readonly password: PasswordSection;
  /** The end-session endpoint, for signing out this browser. */
  readonly signOut: { readonly action: string; readonly csrfToken: string };
  readonly signOutEverywhere: { readonly action: string; readonly csrfToken: string };
}

/**
 * The account page (`/signin/v1/welcome`): who is signed in, the apps with access (each with a
 * "Remove access" form), the password form for built-in users, and signing out here or
 * everywhere. Every form posts with a CSRF token; no script.
 */
export function accountPage(props: AccountProps): SafeHtml {
  const { locale } = props;
  return layout({
    locale,
    ...(props.branding === undefined ? {} : { branding: props.branding }),
    title: t(locale, 'account.title'),
    body: html`<h1>${t(locale, 'account.title')}</h1>
      <p class="lead">${t(locale, 'account.signed_in_as', { user: props.displayName })}</p>
      ${props.notice === null ? null : notice(t(locale, `account.notice.${props.notice}`))}
      ${accountTile(props.displayName, props.accountId)} ${appsSection(props)} ${passwordSection(props)}
      ${signOutSection(props)}`,
  });
}

function notice(message: string): SafeHtml {
  return html`<div class="notice" role="status">
    ${icons.check}
    <p>${message}</p>
  </div>`;
}

function appsSection({ locale, apps, revoke }: AccountProps): SafeHtml {
  const list =
    apps.length === 0
      ? html`<p class="muted">${t(locale, 'account.apps.none')}</p>`
      : html`<ul class="apps">
          ${apps.map((app, index) => {
            const nameId = `app-${index}`;
            return html`<li class="app">
              <p class="app-name" id="${nameId}">${app.name ?? app.clientId}</p>
              <ul class="app-scopes">
                ${app.scopes.map((scope) => html`<li>${scopeDescription(locale, scope)}</li>`)}
              </ul>
              <form method="post" action="${revoke.action}">
                ${csrfField(revoke.csrfToken)} ${hiddenField('client_id', app.clientId)}
                <div class="actions">
                  <button type="submit" class="button button-secondary" aria-describedby="${nameId}">
                    ${t(locale, 'account.apps.remove')}
                  </button>
                </div>
              </form>
            </li>`;
          })}
        </ul>`;
  return html`<section class="section" aria-labelledby="apps-title">
    <h2 id="apps-title">${t(locale, 'account.apps.title')}</h2>
    ${list}
  </section>`;
}

function passwordSection({ locale, password }: AccountProps): SafeHtml {
  const heading = html`<h2 id="password-title">${t(locale, 'account.password.title')}</h2>`;
  if (password.kind === 'managed_elsewhere') {
    return html`<section class="section" aria-labelledby="password-title">
      ${heading}
      <p class="muted">${t(locale, 'account.password.managed_elsewhere')}</p>
    </section>`;
  }
  const wrong = password.error === 'wrong_password';
  const weak = password.error !== null && ['mismatch', 'too_short', 'too_long'].includes(password.error);
  return html`<section class="section" aria-labelledby="password-title">
    ${heading} ${password.error === null ? null : alertBox(passwordErrorText(locale, password))}
    <form method="post" action="${password.action}">
      ${csrfField(password.csrfToken)}
      <div class="field">
        <label for="current-password">${t(locale, 'account.password.current')}</label>
        <input
          type="password"
          id="current-password"
          name="current_password"
          autocomplete="current-password"
          required
          aria-invalid="${wrong ? 'true' : 'false'}"
        />
      </div>
      <div class="field">
        <label for="new-password">${t(locale, 'account.password.new')}</label>
        <input
          type="password"
          id="new-password"
          name="new_password"
          autocomplete="new-password"
          required
          minlength="${password.minLength}"
          aria-describedby="new-password-hint"
          aria-invalid="${weak ? 'true' : 'false'}"
        />
        <p class="muted small" id="new-password-hint">
          ${t(locale, 'account.password.hint', { min: password.minLength })}
        </p>
      </div>
      <div class="field">
        <label for="confirm-password">${t(locale, 'account.password.confirm')}</label>
        <input
          type="password"
          id="confirm-password"
          name="confirm_password"
          autocomplete="new-password"
          required
          aria-invalid="${weak ? 'true' : 'false'}"
        />
      </div>
      <div class="actions">
        <button type="submit" class="button button-primary">${t(locale, 'account.password.submit')}</button>
      </div>
    </form>
  </section>`;
}

function passwordErrorText(locale: Locale, form: Extract<PasswordSection, { kind: 'form' }>): string {
  switch (form.error) {
    case 'throttled':
      return typeof form.retryAfterSeconds === 'number'
        ? t(locale, 'signin.error.throttled_seconds', { seconds: Math.ceil(form.retryAfterSeconds) })
        : t(locale, 'signin.error.throttled');
    case 'too_short':
      return t(locale, 'account.password.error.too_short', { min: form.minLength });
    case 'too_long':
      return t(locale, 'account.password.error.too_long', { max: form.maxLength });
    case 'wrong_password':
    case 'mismatch':
      return t(locale, `account.password.error.${form.error}`);
    case null:
      return '';
  }
}

function signOutSection({ locale, signOut, signOutEverywhere }: AccountProps): SafeHtml {
  return html`<section class="section" aria-labelledby="sessions-title">
    <h2 id="sessions-title">${t(locale, 'account.sessions.title')}</h2>
    <form method="post" action="${signOut.action}">
      ${csrfField(signOut.csrfToken)}
      <div class="actions">
        <button type="submit" class="button button-secondary">${t(locale, 'welcome.sign_out')}</button>
      </div>
    </form>
    <form method="post" action="${signOutEverywhere.action}">
      ${csrfField(signOutEverywhere.csrfToken)}
      <div class="actions">
        <button type="submit" class="button button-secondary" aria-describedby="everywhere-hint">
          ${t(locale, 'account.sessions.everywhere')}
        </button>
      </div>
      <p class="muted small" id="everywhere-hint">${t(locale, 'account.sessions.everywhere_hint')}</p>
    </form>
  </section>`;
}
