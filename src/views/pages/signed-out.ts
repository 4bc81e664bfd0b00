import { html, type SafeHtml } from '../html.js';
import { t, type Locale } from '../i18n/index.js';
import { layout, type Branding } from '../layout.js';
import { icons } from '../parts.js';

export interface SignedOutProps {
  readonly locale: Locale;
  /** The operator's branding; absent: Sesame's own. */
  readonly branding?: Branding;
}

/** Shown after end-session when there is no (valid) post_logout_redirect_uri. */
export function signedOutPage(props: SignedOutProps): SafeHtml {
  const { locale } = props;
  return layout({
    locale,
    title: t(locale, 'signedout.title'),
    ...(props.branding === undefined ? {} : { branding: props.branding }),
    body: html`<div class="icon-circle">${icons.check}</div>
      <h1>${t(locale, 'signedout.title')}</h1>
      <p class="lead">${t(locale, 'signedout.body')}</p>`,
  });
}
