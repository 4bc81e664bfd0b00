export { en, type MessageKey } from './en.js';
export { de } from './de.js';
export { t, isLocale, locales, type Locale, type MessageParams } from './translate.js';
export { negotiateLocale } from './negotiate.js';
