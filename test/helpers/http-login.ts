/**
 * Drives Sesame's server-rendered sign-in pages over plain HTTP, as a browser without
 * JavaScript would: follows redirects, keeps cookies, fills in forms. The real-browser test
 * uses Chromium; this keeps the protocol tests fast.
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }

  has(name: string): boolean {
    return this.#cookies.has(name);
  }
}

export interface Page {
  readonly url: string;
  readonly status: number;
  readonly body: string;
}

/** One request with the jar's cookies; no redirect following. */
export async function request(jar: CookieJar, url: string, form?: Record<string, string>): Promise<Response> {
  const headers: Record<string, string> = { cookie: jar.header() };
  const init: RequestInit = { redirect: 'manual', headers };
  if (form) {
    init.method = 'POST';
    headers['content-type'] = 'application/x-www-form-urlencoded';
    init.body = new URLSearchParams(form).toString();
  }
  const response = await fetch(url, init);
  jar.store(response);
  return response;
}

/**
 * Follows redirects from `url` until a page on the issuer is reached or the browser is sent
 * to an address outside it (the client's redirect URI), which is returned as `url` with status 302.
 */
export async function follow(
  jar: CookieJar,
  issuer: string,
  url: string,
  form?: Record<string, string>,
): Promise<Page> {
  let response = await request(jar, url, form);
  let current = url;
  for (let hops = 0; hops < 10; hops++) {
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      return { url: current, status: response.status, body: await response.text() };
    }
    current = new URL(location, current).toString();
    if (!current.startsWith(issuer + '/')) return { url: current, status: 302, body: '' };
    response = await request(jar, current);
  }
  throw new Error('too many redirects');
}

/** The value of a hidden or text input in a page. */
export function inputValue(body: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(body)?.[0];
  const value = tag ? /value="([^"]*)"/.exec(tag)?.[1] : undefined;
  return value
    ?.replaceAll('&amp;', '&')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
}

export function formAction(body: string): string {
  const action = /<form[^>]*action="([^"]*)"/.exec(body)?.[1];
  if (!action) throw new Error(`no form in page:\n${body.slice(0, 500)}`);
  return action.replaceAll('&amp;', '&');
}

/** Submits the page's (first) form with its hidden fields plus `fields`. */
export async function submit(
  jar: CookieJar,
  issuer: string,
  page: Page,
  fields: Record<string, string>,
): Promise<Page> {
  const form: Record<string, string> = {};
  for (const match of page.body.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(match[0])?.[1];
    if (name) form[name] = inputValue(match[0], name) ?? '';
  }
  return follow(jar, issuer, new URL(formAction(page.body), page.url).toString(), { ...form, ...fields });
}

/**
 * Signs in through the pages starting at an authorization URL and allows consent when asked.
 * Returns where the browser was finally sent (normally the client's redirect URI with a code).
 */
export async function signInThroughPages(
  jar: CookieJar,
  issuer: string,
  authorizationUrl: string,
  username: string,
  password: string,
): Promise<Page> {
  let page = await follow(jar, issuer, authorizationUrl);
  if (page.url.includes('/signin/v1/identifier')) {
    page = await submit(jar, issuer, page, { username, password });
  }
  if (page.url.includes('/signin/v1/consent')) {
    page = await submit(jar, issuer, page, { decision: 'allow' });
  }
  return page;
}
