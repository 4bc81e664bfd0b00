import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { startSesame, type RunningSesame, type TestUser } from '../helpers/sesame-process.js';
import { CookieJar, signInThroughPages } from '../helpers/http-login.js';

/**
 * The fixture shared by the bad-input suites: one confidential web client, one public native
 * client, one built-in user. Nothing listens on the web client's redirect URI; redirects are
 * never followed off the issuer.
 */
export const CALLBACK_PORT = 47123;

export const WEB = {
  id: 'bad-input-web',
  secret: 'web-secret-0123456789',
  redirectUri: `http://127.0.0.1:${CALLBACK_PORT}/cb`,
} as const;

export const NATIVE = {
  id: 'bad-input-native',
  redirectUri: 'http://127.0.0.1/callback',
} as const;

export const USER: TestUser = {
  username: 'alice',
  password: 'correct horse battery staple',
  email: 'alice@example.org',
  name: 'Alice Example',
};

const REGISTRATION = `clients:
  - id: ${WEB.id}
    name: Bad Input Web
    secret: ${WEB.secret}
    insecure: yes
    redirect_uris:
      - ${WEB.redirectUri}
  - id: ${NATIVE.id}
    name: Bad Input Native
    application_type: native
    redirect_uris:
      - ${NATIVE.redirectUri}
`;

/** A Sesame process with the bad-input fixture; `extraConfig` adds sesame.yaml lines. */
export function startFixture(extraConfig?: string): Promise<RunningSesame> {
  return startSesame({ registration: REGISTRATION, users: [USER], ...(extraConfig ? { extraConfig } : {}) });
}

export function basic(id: string, secret: string): string {
  const encode = (s: string): string => encodeURIComponent(s).replaceAll('%20', '+');
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

export function newPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface CodeOptions {
  readonly client: 'web' | 'native';
  readonly pkce?: Pkce;
  readonly scope?: string;
  /** Reuse a browser that is already signed in (and has consented). */
  readonly jar?: CookieJar;
}

/** Runs the code flow through the sign-in pages and returns the authorization code. */
export async function obtainCode(sesame: RunningSesame, options: CodeOptions): Promise<string> {
  const client = options.client === 'web' ? WEB : NATIVE;
  const url = new URL('/signin/v1/identifier/_/authorize', sesame.issuer);
  url.searchParams.set('client_id', client.id);
  url.searchParams.set('redirect_uri', client.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', options.scope ?? 'openid profile email');
  url.searchParams.set('state', 'st-' + randomBytes(4).toString('hex'));
  if (options.pkce) {
    url.searchParams.set('code_challenge', options.pkce.challenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  const jar = options.jar ?? new CookieJar();
  const page = await signInThroughPages(jar, sesame.issuer, url.toString(), USER.username, USER.password);
  assert.equal(
    page.status,
    302,
    `sign-in did not end in a redirect: ${page.status} ${page.url}\n${page.body.slice(0, 500)}`,
  );
  assert.ok(page.url.startsWith(client.redirectUri + '?'), `unexpected final URL ${page.url}`);
  const code = new URL(page.url).searchParams.get('code');
  assert.ok(code, `no code in ${page.url}`);
  return code;
}

/** POSTs a form to the token endpoint. */
export function tokenRequest(
  sesame: RunningSesame,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(new URL('/konnect/v1/token', sesame.issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
}

export interface TokenSet {
  readonly access_token: string;
  readonly id_token: string;
  readonly refresh_token?: string;
}

/** A full code flow for the web client, redeemed with client_secret_basic. */
export async function obtainTokens(sesame: RunningSesame, scope?: string): Promise<TokenSet> {
  const code = await obtainCode(sesame, { client: 'web', ...(scope ? { scope } : {}) });
  const response = await tokenRequest(
    sesame,
    { grant_type: 'authorization_code', code, redirect_uri: WEB.redirectUri },
    { authorization: basic(WEB.id, WEB.secret) },
  );
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as TokenSet;
}

/** The parsed JSON error body of a response, with its content type checked. */
export async function jsonError(response: Response): Promise<{ error?: string; error_description?: string }> {
  const type = response.headers.get('content-type') ?? '';
  const text = await response.text();
  assert.match(type, /^application\/json/, `expected JSON, got ${type}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as { error?: string; error_description?: string };
}

/** Fails with the whole response when the server answered 5xx. */
export function assertNot5xx(response: Response, what: string): void {
  assert.ok(response.status < 500, `${what}: server answered ${response.status}`);
}
