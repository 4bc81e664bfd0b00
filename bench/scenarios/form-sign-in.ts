import type { CookieJar, HttpClient, Answer } from '../load/http-client.js';

/**
 * Signs a virtual user in through a provider's server-rendered sign-in form (Sesame's page, or
 * the peer's minimal interaction page), as a browser without JavaScript would: from the authorization URL, follows redirects on the servers' origins, posts
 * the form with its hidden fields, and stops at the first redirect that leaves them (the
 * client's redirect URI), which it returns. The session cookie is then in the jar.
 */
export async function signInThroughForms(
  http: HttpClient,
  jar: CookieJar,
  authorizationUrl: string,
  serverOrigins: readonly string[],
  credentials: { readonly username: string; readonly password: string },
): Promise<string> {
  let page = await follow(http, jar, authorizationUrl, serverOrigins);
  if ('leftFor' in page) return page.leftFor;
  if (page.answer.status !== 200) throw new Error(`sign-in page answered ${page.answer.status}`);
  const form = hiddenFields(page.answer.body);
  const action = new URL(formAction(page.answer.body), page.url).toString();
  page = await follow(http, jar, action, serverOrigins, { ...form, ...credentials });
  if ('leftFor' in page) return page.leftFor;
  throw new Error(`signing in answered ${page.answer.status} at ${new URL(page.url).pathname}, no redirect`);
}

type Followed = { readonly url: string; readonly answer: Answer } | { readonly leftFor: string };

async function follow(
  http: HttpClient,
  jar: CookieJar,
  start: string,
  origins: readonly string[],
  form?: Record<string, string>,
): Promise<Followed> {
  let url = start;
  let answer = await send(http, jar, url, form);
  for (let hops = 0; hops < 10; hops++) {
    const location = answer.headers.location;
    if (answer.status < 300 || answer.status >= 400 || !location) return { url, answer };
    url = new URL(location, url).toString();
    if (!origins.includes(new URL(url).origin)) return { leftFor: url };
    answer = await send(http, jar, url);
  }
  throw new Error('too many redirects while signing in');
}

async function send(http: HttpClient, jar: CookieJar, url: string, form?: Record<string, string>) {
  const headers: Record<string, string> = { cookie: jar.header() };
  let body: string | undefined;
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const answer = await http.send(form ? 'POST' : 'GET', url, headers, body);
  jar.store(answer);
  return answer;
}

function hiddenFields(body: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [tag] of body.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(tag)?.[1];
    if (name) fields[name] = unescapeHtml(/value="([^"]*)"/.exec(tag)?.[1] ?? '');
  }
  return fields;
}

function formAction(body: string): string {
  const action = /<form[^>]*action="([^"]*)"/.exec(body)?.[1];
  if (action === undefined) throw new Error(`no form on the sign-in page:\n${body.slice(0, 300)}`);
  return unescapeHtml(action);
}

function unescapeHtml(text: string): string {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}
