/**
 * Auto-escaping HTML templates. Every value interpolated into {@link html} is escaped
 * unless it is already {@link SafeHtml}, so a page can only contain markup that was
 * written as a template literal in this code base (or passed through {@link raw}).
 */

const brand: unique symbol = Symbol('SafeHtml');

/** A fragment of HTML that is safe to emit as is. Create it with {@link html} or {@link raw}. */
export class SafeHtml {
  readonly #value: string;

  /** @internal Use {@link html} or {@link raw}; the token keeps other modules from forging one. */
  constructor(token: typeof brand, value: string) {
    if (token !== brand) throw new TypeError('SafeHtml is created by html`` or raw()');
    this.#value = value;
  }

  /** The markup. */
  toString(): string {
    return this.#value;
  }
}

/**
 * What may be interpolated: text and numbers (escaped), SafeHtml (kept), arrays of these
 * (each item handled the same way, then joined), and `null`/`undefined`/`false`
 * (nothing, so `${cond && html`…`}` works).
 */
export type HtmlValue = string | number | SafeHtml | null | undefined | false | readonly HtmlValue[];

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Escapes `& < > " '` and backtick, which makes text safe in element content and in
 * quoted attribute values. It does not make text safe inside `<script>`, `<style>`,
 * unquoted attributes or URL attributes that could hold `javascript:` — templates here
 * always quote attributes and never interpolate into scripts or styles.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => entities[c] ?? c);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.toString();
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number') return escapeHtml(String(value));
  if (Array.isArray(value)) return value.map(render).join('');
  throw new TypeError(`cannot interpolate ${typeof value} into html`);
}

/** Tagged template: the literal parts are trusted markup, every interpolation is escaped. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]) + (strings[i + 1] ?? '');
  }
  return new SafeHtml(brand, out);
}

/**
 * Marks a trusted constant as HTML without escaping. Never pass anything that came from
 * a request, a user, a client registration or configuration.
 */
export function raw(trusted: string): SafeHtml {
  return new SafeHtml(brand, trusted);
}
