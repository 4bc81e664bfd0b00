import { html, type SafeHtml } from '../html.js';
import { t, type Locale } from '../i18n/index.js';
import { layout, type Branding } from '../layout.js';
import { icons } from '../parts.js';

export interface DemoCallbackProps {
  readonly locale: Locale;
  /** What came back to the demo client's redirect URI. */
  readonly code: string | null;
  readonly state: string | null;
  readonly error: string | null;
  readonly errorDescription: string | null;
  /** With a code: the command that redeems it at the token endpoint. */
  readonly redeemCommand: string | null;
  readonly branding?: Branding;
}

/**
 * The development instance's demo callback (DESIGN.md "The development instance"): the code or
 * the error that came back, and the command that redeems the code — every value escaped.
 */
export function demoCallbackPage(props: DemoCallbackProps): SafeHtml {
  const { locale } = props;
  const worked = props.code !== null;
  const heading = t(locale, worked ? 'demo.heading.success' : 'demo.heading.failure');
  const field = (label: string, value: string | null) =>
    value === null
      ? null
      : html`<dt>${label}</dt>
          <dd><code>${value}</code></dd>`;
  return layout({
    locale,
    title: t(locale, 'demo.title'),
    ...(props.branding === undefined ? {} : { branding: props.branding }),
    body: html`<div class="icon-circle${worked ? '' : ' danger'}">${worked ? icons.check : icons.alert}</div>
      <h1>${heading}</h1>
      ${
        worked
          ? html`<p class="lead">${t(locale, 'demo.success')}</p>
              <pre>${props.code}</pre>
              ${
                props.redeemCommand === null
                  ? null
                  : html`<p>${t(locale, 'demo.redeem')}</p>
                      <pre>${props.redeemCommand}</pre>`
              }`
          : html`<p class="lead">${t(locale, 'demo.failure')}</p>`
      }
      <dl class="fields">
        ${field(t(locale, 'demo.field.error'), props.error)}
        ${field(t(locale, 'demo.field.description'), props.errorDescription)}
        ${field(t(locale, 'demo.field.state'), props.state)}
      </dl>
      <div class="meta"><p>${t(locale, 'demo.title')}</p></div>`,
  });
}
