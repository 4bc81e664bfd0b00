import { html, type SafeHtml } from '../html.js';
import { t, type Locale } from '../i18n/index.js';
import { layout } from '../layout.js';
import { accountTile, csrfField } from '../parts.js';

export interface WelcomeProps {
  readonly locale: Locale;
  readonly userDisplayName: string;
  /** URL the sign-out form POSTs to. */
  readonly signOutAction: string;
  readonly csrfToken: string;
}

/** Shown when a signed-in user opens the sign-in page with no request to resume. */
export function welcomePage(props: WelcomeProps): SafeHtml {
  const { locale } = props;
  return layout({
    locale,
    title: t(locale, 'welcome.title'),
    body: html`<h1>${t(locale, 'welcome.title')}</h1>
      <p class="lead">${t(locale, 'welcome.body', { user: props.userDisplayName })}</p>
      ${accountTile(props.userDisplayName)}
      <form method="post" action="${props.signOutAction}">
        ${csrfField(props.csrfToken)}
        <div class="actions">
          <button type="submit" class="button button-secondary">${t(locale, 'welcome.sign_out')}</button>
        </div>
      </form>`,
  });
}
