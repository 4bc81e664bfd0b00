import { isLocale, type Locale } from './translate.js';

const defaultLocale: Locale = 'en';

/** The supported locale a BCP 47 tag asks for by its primary subtag (`de-AT` → `de`). */
function match(tag: string): Locale | null {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return isLocale(primary) ? primary : null;
}

/** Language ranges of an Accept-Language header, best first (RFC 9110 §12.5.4). */
function rankAcceptLanguage(header: string): string[] {
  const ranked: { tag: string; q: number; index: number }[] = [];
  header.split(',').forEach((part, index) => {
    const [tag = '', ...parameters] = part.split(';').map((s) => s.trim());
    if (tag === '' || tag === '*') return;
    let q = 1;
    for (const parameter of parameters) {
      const m = /^q\s*=\s*([01](?:\.\d{0,3})?)$/i.exec(parameter);
      if (m?.[1] === undefined) return; // malformed weight: ignore this range
      q = Number(m[1]);
    }
    if (q > 0 && q <= 1) ranked.push({ tag, q, index });
  });
  ranked.sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((r) => r.tag);
}

/**
 * Picks the page locale. `ui_locales` (OpenID Connect Core §3.1.2.1: space-separated
 * BCP 47 tags in order of preference) wins over the Accept-Language header; within each,
 * the first supported language is used; anything unparsable is skipped. Defaults to `en`.
 */
export function negotiateLocale(uiLocales: string | undefined, acceptLanguage: string | undefined): Locale {
  for (const tag of (uiLocales ?? '').split(/\s+/)) {
    const locale = match(tag);
    if (locale) return locale;
  }
  for (const tag of rankAcceptLanguage(acceptLanguage ?? '')) {
    const locale = match(tag);
    if (locale) return locale;
  }
  return defaultLocale;
}
