import { html, type SafeHtml } from './html.js';
import { t, type Locale } from './i18n/index.js';
import { cssHref } from './style.js';
import { brandMark } from './parts.js';
import { defaultBranding, type Branding } from './branding.js';

export type { Branding } from './branding.js';

/** Product name shown in titles and the card header unless branding names another. */
export const productName = defaultBranding.productName;

export interface LayoutProps {
  readonly locale: Locale;
  /** Page title without the product name; also what screen readers announce first. */
  readonly title: string;
  /** The card's content; must contain exactly one `<h1>`. */
  readonly body: SafeHtml;
  /** The operator's product name, logo, accent colour and footer links; absent: Sesame's own. */
  readonly branding?: Branding;
}

/**
 * A whole HTML document: `lang` set to the locale, viewport and no-referrer meta, the
 * versioned stylesheet link, and the content in a `<main>` card. Contains no script and
 * no inline style, so it works under `default-src 'none'; style-src 'self'`.
 */
export function layout({ locale, title, body, branding = defaultBranding }: LayoutProps): SafeHtml {
  const name = branding.productName;
  return html`<!doctype html>
    <html lang="${locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="color-scheme" content="light dark" />
        <title>${title} · ${name}</title>
        <link rel="stylesheet" href="${cssHref}" />
        ${branding.accentHref === null ? null : html`<link rel="stylesheet" href="${branding.accentHref}" />`}
      </head>
      <body>
        <main class="card">
          <div class="brand">
            ${
              branding.logoHref === null
                ? brandMark
                : html`<img class="brand-logo" src="${branding.logoHref}" alt="" />`
            }<span>${name}</span>
          </div>
          ${body}
        </main>
        ${footer(locale, branding)}
      </body>
    </html> `;
}

/** The operator's imprint and privacy links, when configured (some jurisdictions require them). */
function footer(locale: Locale, branding: Branding): SafeHtml | null {
  const links = [
    branding.imprintUrl === null
      ? null
      : html`<a href="${branding.imprintUrl}">${t(locale, 'footer.imprint')}</a>`,
    branding.privacyUrl === null
      ? null
      : html`<a href="${branding.privacyUrl}">${t(locale, 'footer.privacy')}</a>`,
  ].filter((link) => link !== null);
  return links.length === 0 ? null : html`<footer class="site-links">${links}</footer>`;
}
