import { html, type SafeHtml } from './html.js';
import type { Locale } from './i18n/index.js';
import { cssHref } from './style.js';
import { brandMark } from './parts.js';

/** Product name shown in titles and the card header. */
export const productName = 'Sesame';

export interface LayoutProps {
  readonly locale: Locale;
  /** Page title without the product name; also what screen readers announce first. */
  readonly title: string;
  /** The card's content; must contain exactly one `<h1>`. */
  readonly body: SafeHtml;
}

/**
 * A whole HTML document: `lang` set to the locale, viewport and no-referrer meta, the
 * versioned stylesheet link, and the content in a `<main>` card. Contains no script and
 * no inline style, so it works under `default-src 'none'; style-src 'self'`.
 */
export function layout({ locale, title, body }: LayoutProps): SafeHtml {
  return html`<!doctype html>
    <html lang="${locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="color-scheme" content="light dark" />
        <title>${title} · ${productName}</title>
        <link rel="stylesheet" href="${cssHref}" />
      </head>
      <body>
        <main class="card">
          <div class="brand">${brandMark}<span>${productName}</span></div>
          ${body}
        </main>
      </body>
    </html> `;
}
