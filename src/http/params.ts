import type { Params } from '../endpoints/types.js';

/** Splits an `application/x-www-form-urlencoded` string into a Params map, keeping repeats. */
export function parseFormEncoded(text: string): Params {
  const params = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(text)) {
    const values = params.get(name);
    if (values) values.push(value);
    else params.set(name, [value]);
  }
  return params;
}

/** The query of a raw request URL (`/path?x=1`) as Params. */
export function queryOf(rawUrl: string): Params {
  const at = rawUrl.indexOf('?');
  return at < 0 ? new Map() : parseFormEncoded(rawUrl.slice(at + 1));
}

/** The path of a raw request URL, without the query. */
export function pathOf(rawUrl: string): string {
  const at = rawUrl.indexOf('?');
  return at < 0 ? rawUrl : rawUrl.slice(0, at);
}
