/**
 * What the conformance tests share: a real `sesame serve` set up as the OpenID Foundation's
 * suite configures an OP under test (confidential clients authenticating with Basic and with
 * the body, a client for the implicit and hybrid flows, a user with every standard claim), and
 * a browser over plain HTTP with cookies (test/helpers/http-login.ts) that reads the
 * authorization response wherever it lands: query, fragment or an auto-submitting form_post
 * page.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { startSesame, type RunningSesame, type TestUser } from '../helpers/sesame-process.js';
import { CookieJar, follow, inputValue, submit, type Page } from '../helpers/http-login.js';

/** The relying party's redirect URIs; nothing listens there, the tests read the redirects. */
export const REDIRECT_URI = 'https://rp.example.net/cb';
export const OTHER_REDIRECT_URI = 'https://rp.example.net/cb2';
export const POST_LOGOUT_REDIRECT_URI = 'https://rp.example.net/logged-out';

export interface TestClient {
  readonly id: string;
  readonly secret: string;
}

/** `client_secret_basic`, the suite's first client. */
export const BASIC_CLIENT: TestClient = { id: 'conformance-basic', secret: 'basic-secret-0123456789abcdef' };
/** `client_secret_post`, the suite's second client. */
export const POST_CLIENT: TestClient = { id: 'conformance-post', secret: 'post-secret-0123456789abcdef' };

/** The user the suite signs in as, with every claim of scopes profile, email, address and phone. */
export const USER = {
  username: 'conformance',
  password: 'correct horse battery staple',
  email: 'conformance@example.org',
  name: 'Connie Formance',
  givenName: 'Connie',
  familyName: 'Formance',
  phone: '+49 30 1234567',
  address: { street_address: 'Hauptstraße 1', locality: 'Berlin', postal_code: '10115', country: 'DE' },
} as const;

/** A second user, for modules that sign in as someone else. */
export const OTHER_USER = {
  username: 'other',
  password: 'another correct horse',
  email: 'other@example.org',
  name: 'Otto Other',
} as const;

const users: TestUser[] = [
  {
    username: USER.username,
    password: USER.password,
    email: USER.email,
    name: USER.name,
    givenName: USER.givenName,
    familyName: USER.familyName,
    extraArgs: [
      '--phone',
      USER.phone,
      '--address-street',
      USER.address.street_address,
      '--address-locality',
      USER.address.locality,
      '--address-postal-code',
      USER.address.postal_code,
      '--address-country',
      USER.address.country,
    ],
  },
  OTHER_USER,
];

function clientEntry(client: TestClient, method: string, extra = ''): string {
  return `
  - id: ${client.id}
    name: Conformance ${method}
    secret: ${client.secret}
    token_endpoint_auth_method: ${method}
    redirect_uris: [${REDIRECT_URI}, ${OTHER_REDIRECT_URI}]
    post_logout_redirect_uris: [${POST_LOGOUT_REDIRECT_URI}]
    grant_types: [authorization_code, implicit, refresh_token]${extra}`;
}

export interface OpOptions {
  /** More `clients:` entries, indented as list items of `clients:`. */
  readonly clients?: string;
  /** More sesame.yaml lines. */
  readonly config?: string;
  /** Extra lines for the two standard clients' entries, e.g. `\n    trusted: yes`. */
  readonly standardClientLines?: string;
}

export interface ConformanceOp {
  readonly sesame: RunningSesame;
  readonly issuer: string;
  readonly discovery: Record<string, unknown>;
  /** The JWKS the OP publishes, for verifying what it signs. */
  readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  endpoint(name: string): string;
  stop(): Promise<void>;
}

/** Starts Sesame with the suite's clients and users; `stop()` it in `after`. */
export async function startConformanceOp(options: OpOptions = {}): Promise<ConformanceOp> {
  const extra = options.standardClientLines ?? '';
  const registration = `clients:${clientEntry(BASIC_CLIENT, 'client_secret_basic', extra)}${clientEntry(
    POST_CLIENT,
    'client_secret_post',
    extra,
  )}${options.clients ?? ''}\n`;
  const sesame = await startSesame({ registration, users, extraConfig: options.config ?? '' });
  const discovery = (await (
    await fetch(`${sesame.issuer}/.well-known/openid-configuration`)
  ).json()) as Record<string, unknown>;
  const jwks = createRemoteJWKSet(new URL(String(discovery['jwks_uri'])));
  return {
    sesame,
    issuer: sesame.issuer,
    discovery,
    jwks,
    endpoint(name) {
      const url = discovery[name];
      assert.equal(typeof url, 'string', `discovery has no ${name}`);
      return url as string;
    },
    stop: () => sesame.stop(),
  };
}

/** Where an authorization request ended. */
export interface AuthorizationOutcome {
  /** The redirect (or form_post target) at the client, when the browser got there. */
  readonly redirect: URL | null;
  /** How the response came: query, fragment or form_post; null when it did not come. */
  readonly mode: 'query' | 'fragment' | 'form_post' | null;
  /** The authorization response's parameters (code, state, id_token, error, …). */
  readonly params: Record<string, string>;
  /** The last page on the OP, when the browser stayed there (an error or sign-in page). */
  readonly page: Page;
}

export function authorizationUrl(op: ConformanceOp, params: Record<string, string>): string {
  const url = new URL(op.endpoint('authorization_endpoint'));
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * Sends the browser (`jar`) to the authorization endpoint with `params`, signs in as `user` if
 * the sign-in page comes and `user` is given, allows consent if asked, and reads the response.
 */
export async function authorize(
  op: ConformanceOp,
  jar: CookieJar,
  params: Record<string, string>,
  user: { username: string; password: string } | null = USER,
): Promise<AuthorizationOutcome> {
  let page = await follow(jar, op.issuer, authorizationUrl(op, params));
  if (
    user &&
    page.status === 200 &&
    page.url.includes('/signin/v1/identifier') &&
    /name="password"/.test(page.body)
  )
    page = await submit(jar, op.issuer, page, { username: user.username, password: user.password });
  if (page.status === 200 && page.url.includes('/signin/v1/consent'))
    page = await submit(jar, op.issuer, page, { decision: 'allow' });
  return readOutcome(page);
}

/** Reads an authorization response out of where the browser ended. */
export function readOutcome(page: Page): AuthorizationOutcome {
  if (page.status === 302) {
    const redirect = new URL(page.url);
    const fragment = redirect.hash.length > 1 ? new URLSearchParams(redirect.hash.slice(1)) : null;
    const source = fragment ?? redirect.searchParams;
    return {
      redirect,
      mode: fragment ? 'fragment' : 'query',
      params: Object.fromEntries(source),
      page,
    };
  }
  const action =
    /<form[^>]*method="post"[^>]*action="([^"]*)"/i.exec(page.body)?.[1] ??
    /<form[^>]*action="([^"]*)"[^>]*method="post"/i.exec(page.body)?.[1];
  if (page.status === 200 && action && !action.startsWith('/')) {
    const params: Record<string, string> = {};
    for (const match of page.body.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
      const name = /name="([^"]*)"/.exec(match[0])?.[1];
      if (name) params[name] = inputValue(match[0], name) ?? '';
    }
    return { redirect: new URL(action.replaceAll('&amp;', '&')), mode: 'form_post', params, page };
  }
  return { redirect: null, mode: null, params: {}, page };
}

/** Asserts that the browser reached the client with a successful response; returns its parameters. */
export function expectSuccess(
  outcome: AuthorizationOutcome,
  redirectUri = REDIRECT_URI,
): Record<string, string> {
  assert.ok(
    outcome.redirect,
    `expected a response at the client, the browser stayed at ${outcome.page.url} (${outcome.page.status}): ${outcome.page.body.slice(0, 300)}`,
  );
  assert.equal(`${outcome.redirect.origin}${outcome.redirect.pathname}`, redirectUri);
  assert.equal(
    outcome.params['error'],
    undefined,
    `error ${outcome.params['error']}: ${outcome.params['error_description']}`,
  );
  return outcome.params;
}

/** Asserts an error response redirected to the client; returns its parameters. */
export function expectErrorRedirect(outcome: AuthorizationOutcome, error: string): Record<string, string> {
  assert.ok(
    outcome.redirect,
    `expected an error redirect, the browser stayed at ${outcome.page.url} (${outcome.page.status})`,
  );
  assert.equal(outcome.params['error'], error, outcome.params['error_description']);
  return outcome.params;
}

/** Asserts the OP showed an error page and sent the browser nowhere. */
export function expectErrorPage(outcome: AuthorizationOutcome): Page {
  assert.equal(outcome.redirect, null, `expected no redirect, got ${outcome.redirect?.toString()}`);
  assert.ok(
    outcome.page.status >= 400,
    `expected an error page, got ${outcome.page.status} at ${outcome.page.url}`,
  );
  return outcome.page;
}

export interface TokenResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
}

/** A token endpoint request, the client authenticating by its registered method. */
export async function tokenRequest(
  op: ConformanceOp,
  client: TestClient,
  form: Record<string, string>,
  method: 'client_secret_basic' | 'client_secret_post' = client === POST_CLIENT
    ? 'client_secret_post'
    : 'client_secret_basic',
): Promise<TokenResult> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams(form);
  if (method === 'client_secret_basic') {
    const encode = (s: string) => encodeURIComponent(s);
    headers['authorization'] =
      `Basic ${Buffer.from(`${encode(client.id)}:${encode(client.secret)}`).toString('base64')}`;
  } else {
    body.set('client_id', client.id);
    body.set('client_secret', client.secret);
  }
  const response = await fetch(op.endpoint('token_endpoint'), { method: 'POST', headers, body });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

/** Redeems a code at the token endpoint. */
export function redeemCode(
  op: ConformanceOp,
  client: TestClient,
  code: string,
  redirectUri = REDIRECT_URI,
  extra: Record<string, string> = {},
): Promise<TokenResult> {
  return tokenRequest(op, client, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    ...extra,
  });
}

/**
 * Verifies an ID token as the suite does: signed with a key in the JWKS by the advertised
 * algorithm, `iss`, `aud`, `exp`, `iat`, `sub`, and `nonce` when one was sent.
 */
export async function verifyIdToken(
  op: ConformanceOp,
  idToken: string,
  clientId: string,
  nonce?: string,
): Promise<JWTPayload> {
  const algs = op.discovery['id_token_signing_alg_values_supported'] as string[];
  const { payload, protectedHeader } = await jwtVerify(idToken, op.jwks, {
    issuer: op.issuer,
    audience: clientId,
    algorithms: algs.filter((alg) => alg !== 'none'),
  });
  assert.ok(protectedHeader.kid, 'the ID token names its key');
  assert.equal(typeof payload.sub, 'string');
  assert.equal(typeof payload.iat, 'number');
  assert.equal(typeof payload.exp, 'number');
  if (nonce !== undefined) assert.equal(payload['nonce'], nonce);
  if (Array.isArray(payload.aud) && payload.aud.length > 1) assert.equal(payload['azp'], clientId);
  return payload;
}

/** GETs userinfo with a bearer token. */
export async function userinfo(
  op: ConformanceOp,
  accessToken: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(op.endpoint('userinfo_endpoint'), {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A fresh value for state and nonce. */
export function random(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
}

/**
 * The code flow as oidcc-server runs it: authorize with `params` (scope openid by default),
 * sign in, redeem the code; returns the token response and the verified ID token.
 */
export async function codeFlow(
  op: ConformanceOp,
  client: TestClient,
  params: Record<string, string> = {},
  jar = new CookieJar(),
): Promise<{ tokens: Record<string, unknown>; idToken: JWTPayload; jar: CookieJar; nonce: string }> {
  const nonce = random('nonce');
  const state = random('state');
  const outcome = await authorize(op, jar, {
    client_id: client.id,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid',
    state,
    nonce,
    ...params,
  });
  const response = expectSuccess(outcome);
  assert.equal(response['state'], params['state'] ?? state);
  assert.ok(response['code'], 'a code');
  const redeemed = await redeemCode(op, client, response['code']);
  assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
  const idToken = await verifyIdToken(
    op,
    String(redeemed.body['id_token']),
    client.id,
    params['nonce'] ?? nonce,
  );
  return { tokens: redeemed.body, idToken, jar, nonce: params['nonce'] ?? nonce };
}

export { CookieJar };

/**
 * How a plan runs its modules (the suite's variants): the client and how it authenticates, the
 * response type, and `form_post` for the Form Post plans. Module sets are functions of a
 * variant, so one definition serves every plan that repeats it.
 */
export interface Variant {
  readonly client: TestClient;
  readonly responseType: string;
  /** Absent: the response type's default mode (query for code, fragment otherwise). */
  readonly responseMode?: 'form_post';
}

/** The parameters every authorization request of a variant carries. */
export function variantParams(variant: Variant): Record<string, string> {
  return {
    client_id: variant.client.id,
    redirect_uri: REDIRECT_URI,
    response_type: variant.responseType,
    ...(variant.responseMode ? { response_mode: variant.responseMode } : {}),
  };
}

/** The mode the response must come in, for a variant. */
export function expectedMode(variant: Variant): 'query' | 'fragment' | 'form_post' {
  if (variant.responseMode) return variant.responseMode;
  return variant.responseType === 'code' ? 'query' : 'fragment';
}

/**
 * One OP for a whole test file: started in `before`, stopped in `after`. Returns the getter
 * the module sets take, which throws if the OP did not start.
 */
export function sharedOp(options: OpOptions = {}): () => ConformanceOp {
  let op: ConformanceOp | undefined;
  before(async () => {
    op = await startConformanceOp(options);
  });
  after(async () => {
    await op?.stop();
  });
  return () => {
    if (op === undefined) throw new Error('the OP did not start');
    return op;
  };
}
