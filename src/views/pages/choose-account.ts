import { html, type SafeHtml } from '../html.js';
import { t, type Locale } from '../i18n/index.js';
import { layout, type Branding } from '../layout.js';
import { accountTile, csrfField, formFields, hiddenField } from '../parts.js';

export interface ChooseAccountProps {
  readonly locale: Locale;
  readonly action: string;
  readonly csrfToken: string;
  readonly interactionId: string;
  /** Display name of the relying party, or null. */
  readonly clientName: string | null;
  readonly userDisplayName: string;
  readonly username: string;
  /** The operator's branding; absent: Sesame's own. */
  readonly branding?: Branding;
}

/**
 * The account chooser (OpenID Connect Core §3.1.2.1 `prompt=select_account`): continue
 * with the current session or sign in as someone else. Posts `csrf`, `interaction` and
 * `decision` = `continue` (the default button) or `switch`.
 */
export function chooseAccountPage(props: ChooseAccountProps): SafeHtml {
  const { locale } = props;
  const subtitle =
    props.clientName === null
      ? t(locale, 'signin.subtitle.generic')
      : t(locale, 'signin.subtitle.client', { client: props.clientName });
  return layout({
    locale,
    title: t(locale, 'choose.title'),
    ...(props.branding === undefined ? {} : { branding: props.branding }),
    body: html`<h1>${t(locale, 'choose.title')}</h1>
      <p class="lead">${subtitle}</p>
      ${accountTile(props.userDisplayName, props.username)}
      <form method="post" action="${props.action}">
        ${csrfField(props.csrfToken)} ${hiddenField(formFields.interaction, props.interactionId)}
        <div class="actions">
          <button type="submit" class="button button-primary" name="${formFields.decision}" value="continue">
            ${t(locale, 'choose.continue_as', { name: props.userDisplayName })}
          </button>
          <button type="submit" class="button button-secondary" name="${formFields.decision}" value="switch">
            ${t(locale, 'choose.switch')}
          </button>
        </div>
      </form>`,
  });
}
