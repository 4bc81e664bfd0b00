import { html, type SafeHtml } from '../html.js';
import { t, type Locale } from '../i18n/index.js';
import { layout, type Branding } from '../layout.js';
import { csrfField, formFields, hiddenField, icons } from '../parts.js';

export interface SignOutConfirmProps {
  readonly locale: Locale;
  readonly action: string;
  readonly csrfToken: string;
  /**
   * The end-session parameters to carry through the confirmation (e.g.
   * `post_logout_redirect_uri`, `state`, `id_token_hint`); must not contain `csrf`.
   */
  readonly hiddenFields: Readonly<Record<string, string>>;
  /** The relying party that asked, or null when unknown. */
  readonly clientName: string | null;
  /** The operator's branding; absent: Sesame's own. */
  readonly branding?: Branding;
}

/**
 * Asks before ending the session (OpenID Connect RP-Initiated Logout §2: the OP should
 * confirm when the request cannot be attributed to the user). Posts `csrf` plus
 * `hiddenFields`.
 * @throws TypeError when `hiddenFields` contains `csrf`.
 */
export function signOutConfirmPage(props: SignOutConfirmProps): SafeHtml {
  const { locale } = props;
  if (Object.hasOwn(props.hiddenFields, formFields.csrf)) {
    throw new TypeError('hiddenFields must not contain the csrf field');
  }
  const body =
    props.clientName === null
      ? t(locale, 'signout.body.generic')
      : t(locale, 'signout.body.client', { client: props.clientName });
  return layout({
    locale,
    title: t(locale, 'signout.title'),
    ...(props.branding === undefined ? {} : { branding: props.branding }),
    body: html`<div class="icon-circle">${icons.signOut}</div>
      <h1>${t(locale, 'signout.title')}</h1>
      <p class="lead">${body}</p>
      <form method="post" action="${props.action}">
        ${csrfField(props.csrfToken)}
        ${Object.entries(props.hiddenFields).map(([name, value]) => hiddenField(name, value))}
        <div class="actions">
          <button type="submit" class="button button-primary">${t(locale, 'signout.submit')}</button>
        </div>
      </form>`,
  });
}
