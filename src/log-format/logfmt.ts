/**
 * Konnect's log line format: logrus's `TextFormatter` as it prints to a non-terminal
 * (konnect-spec §6). Pure functions; the pino side lives in `text-destination.ts`.
 */

/** A pino record after `JSON.parse`: `time` (ISO string or absent), `level` (label), `msg`. */
export type LogRecord = Readonly<Record<string, unknown>>;

/** pino's level labels (and numbers) → logrus's names; `warn` prints as `warning`. */
const LEVEL_NAMES: Readonly<Record<string, string>> = Object.freeze({
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warning',
  error: 'error',
  fatal: 'fatal',
  '10': 'trace',
  '20': 'debug',
  '30': 'info',
  '40': 'warning',
  '50': 'error',
  '60': 'fatal',
});

/** The fields printed first, in this order; everything else follows sorted by key. */
const FIXED_KEYS = new Set(['time', 'level', 'msg']);

/**
 * One logrus text line, without the newline: `time="…" level=… msg="…"` then the other
 * fields as `key=value`, sorted by key (konnect-spec §6). `time` is RFC 3339 in UTC to the
 * second (logrus's default layout) and is left out when the record has none; `msg` is left
 * out when empty, as logrus does. An `err` field prints as its message.
 */
export function formatLogfmt(record: LogRecord): string {
  const parts: string[] = [];
  if (record['time'] !== undefined) parts.push(pair('time', rfc3339(record['time'])));
  parts.push(pair('level', levelName(record['level'])));
  const msg = record['msg'];
  if (msg !== undefined && msg !== '') parts.push(pair('msg', msg));
  const keys = Object.keys(record)
    .filter((key) => !FIXED_KEYS.has(key) && record[key] !== undefined)
    .sort();
  for (const key of keys) {
    const value = record[key];
    parts.push(pair(key, key === 'err' ? errorMessage(value) : value));
  }
  return parts.join(' ');
}

/** logrus's level name for a pino level label or number; unknown ones pass through. */
export function levelName(level: unknown): string {
  const text = String(level);
  return LEVEL_NAMES[text] ?? text;
}

/**
 * A value as logrus prints it: Go's `fmt.Sprint` rendering (strings verbatim, slices as
 * `[a b]`, `<nil>` for null; objects as JSON, where Go would print a map), then Go `%q`
 * quoting when it holds anything outside `[A-Za-z0-9-._/@^+]`. The empty string stays bare.
 */
export function formatValue(value: unknown): string {
  const text = sprint(value);
  return needsQuoting(text) ? goQuote(text) : text;
}

/** logrus `needsQuoting` with `QuoteEmptyFields` off. */
export function needsQuoting(text: string): boolean {
  return /[^A-Za-z0-9\-._/@^+]/.test(text);
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = Object.freeze({
  '"': '\\"',
  '\\': '\\\\',
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
});

/**
 * Go's `strconv.Quote`: double quotes; `"` and `\` backslash-escaped; the usual control
 * characters as `\n`, `\t`…; other ASCII controls as `\xNN`, C1 controls and line/paragraph
 * separators as `\uNNNN`. Printable Unicode stays as it is.
 */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const simple = SIMPLE_ESCAPES[char];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`;
    else if ((code >= 0x80 && code < 0xa0) || code === 0x2028 || code === 0x2029) out += `\\u${hex(code, 4)}`;
    else out += char;
  }
  return `${out}"`;
}

function pair(key: string, value: unknown): string {
  return `${key}=${formatValue(value)}`;
}

function sprint(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (Array.isArray(value)) return `[${value.map(sprint).join(' ')}]`;
  return JSON.stringify(value) ?? String(value);
}

/** pino's `err` serializer yields `{ type, message, stack }`; logrus shows the message. */
function errorMessage(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'message' in value) {
    const message = (value as { message: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return value;
}

/** `2021-05-06T10:00:00.123Z` → `2021-05-06T10:00:00Z` (Go's `time.RFC3339` in UTC). */
function rfc3339(time: unknown): string {
  const date = new Date(typeof time === 'number' || typeof time === 'string' ? time : Number.NaN);
  if (Number.isNaN(date.getTime())) return String(time);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}
