import { de } from './de.js';
import { en, type MessageKey } from './en.js';

/** The locales Sesame's pages are written in. */
export const locales = ['en', 'de'] as const;

/** A supported page locale. */
export type Locale = (typeof locales)[number];

/** Values for a message's `{placeholders}`. */
export type MessageParams = Readonly<Record<string, string | number>>;

const catalogues: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en, de };

/** True when `value` names a supported locale. */
export function isLocale(value: string): value is Locale {
  return (locales as readonly string[]).includes(value);
}

/**
 * The message `key` in `locale` with each `{name}` replaced by `params[name]`. The result
 * is plain text — escaping happens when it is interpolated into `html`.
 * @throws TypeError when a placeholder has no value (a programming error).
 */
export function t(locale: Locale, key: MessageKey, params?: MessageParams): string {
  return catalogues[locale][key].replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new TypeError(`message ${key} needs a value for {${name}}`);
    return String(value);
  });
}
