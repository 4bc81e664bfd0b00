import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSesame } from '../helpers/sesame-process.js';
import { CALLBACK_PORT, NATIVE, WEB, startFixture } from './helpers.js';

/**
 * Malformed authorization requests (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6): until the client
 * and its redirect_uri are verified, every error is an HTML page and nothing is redirected;
 * after that, errors go to the verified redirect_uri with `error`, `state` and `iss`.
 */

type Expect =
  | { readonly kind: 'page'; readonly status: number; readonly text?: RegExp }
  | {
      readonly kind: 'redirect';
      readonly error: string;
      /** The verified redirect URI the browser must be sent to; default: the web client's. */
      readonly to?: string;
      /** The `state` the response must carry; null: none. Default: the row's single `state`. */
      readonly state?: string | null;
      /** Where the parameters travel; default the query. */
      readonly in?: 'query' | 'fragment';
    };

interface Row {
  readonly name: string;
  /** Parameters, or a raw query/form string (to send duplicates). */
  readonly params: Record<string, string> | string;
  readonly method?: 'GET' | 'POST';
  readonly expect: Expect;
}

const STATE = 'state-123';

/** A valid request of the web client, with `overrides` applied; `null` removes a parameter. */
function web(overrides: Record<string, string | null> = {}): Record<string, string> {
  return withOverrides(
    {
      client_id: WEB.id,
      redirect_uri: WEB.redirectUri,
      response_type: 'code',
      scope: 'openid',
      state: STATE,
    },
    overrides,
  );
}

function native(overrides: Record<string, string | null> = {}): Record<string, string> {
  return withOverrides(
    {
      client_id: NATIVE.id,
      redirect_uri: NATIVE.redirectUri,
      response_type: 'code',
      scope: 'openid',
      state: STATE,
    },
    overrides,
  );
}

function withOverrides(
  base: Record<string, string>,
  overrides: Record<string, string | null>,
): Record<string, string> {
  const params = { ...base };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) delete params[name];
    else params[name] = value;
  }
  return params;
}

function raw(params: Record<string, string>, ...extra: [string, string][]): string {
  const search = new URLSearchParams(params);
  for (const [name, value] of extra) search.append(name, value);
  return search.toString();
}

const notRegistered: Expect = { kind: 'page', status: 400, text: /not registered/i };
const badRequest: Expect = { kind: 'page', status: 400 };
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

const rows: readonly Row[] = [
  // Before the client and redirect_uri are verified: an error page, never a redirect.
  { name: 'missing client_id', params: web({ client_id: null }), expect: badRequest },
  { name: 'empty client_id', params: web({ client_id: '' }), expect: badRequest },
  { name: 'unknown client_id', params: web({ client_id: 'no-such-client' }), expect: notRegistered },
  {
    name: 'unknown client_id with a foreign redirect_uri',
    params: web({ client_id: 'no-such-client', redirect_uri: 'https://evil.example/cb' }),
    expect: notRegistered,
  },
  { name: 'duplicate client_id', params: raw(web(), ['client_id', WEB.id]), expect: badRequest },
  {
    name: 'duplicate client_id (second one unknown)',
    params: raw(web(), ['client_id', 'other']),
    expect: badRequest,
  },
  {
    name: 'duplicate redirect_uri',
    params: raw(web(), ['redirect_uri', WEB.redirectUri]),
    expect: badRequest,
  },
  { name: 'missing redirect_uri', params: web({ redirect_uri: null }), expect: badRequest },
  { name: 'empty redirect_uri', params: web({ redirect_uri: '' }), expect: badRequest },
  { name: 'relative redirect_uri', params: web({ redirect_uri: '/cb' }), expect: notRegistered },
  {
    name: 'redirect_uri not registered',
    params: web({ redirect_uri: 'https://evil.example/cb' }),
    expect: notRegistered,
  },
  {
    name: 'redirect_uri registered plus extra path',
    params: web({ redirect_uri: `${WEB.redirectUri}/extra` }),
    expect: notRegistered,
  },
  {
    name: 'redirect_uri registered plus trailing slash',
    params: web({ redirect_uri: `${WEB.redirectUri}/` }),
    expect: notRegistered,
  },
  {
    name: 'redirect_uri registered plus a query',
    params: web({ redirect_uri: `${WEB.redirectUri}?next=https://evil.example` }),
    expect: notRegistered,
  },
  {
    name: 'redirect_uri on a different port',
    params: web({ redirect_uri: `http://127.0.0.1:${CALLBACK_PORT + 1}/cb` }),
    expect: notRegistered,
  },
  {
    name: 'redirect_uri with a different scheme',
    params: web({ redirect_uri: `https://127.0.0.1:${CALLBACK_PORT}/cb` }),
    expect: notRegistered,
  },
  {
    name: 'redirect_uri with a different host (localhost)',
    params: web({ redirect_uri: `http://localhost:${CALLBACK_PORT}/cb` }),
    expect: notRegistered,
  },
  {
    name: 'redirect_uri with a fragment',
    params: web({ redirect_uri: `${WEB.redirectUri}#frag` }),
    expect: notRegistered,
  },
  {
    name: 'redirect_uri with userinfo pointing elsewhere',
    params: web({ redirect_uri: `http://127.0.0.1:${CALLBACK_PORT}@evil.example/cb` }),
    expect: notRegistered,
  },
  {
    name: 'redirect_uri with userinfo on the registered host',
    params: web({ redirect_uri: `http://user:pass@127.0.0.1:${CALLBACK_PORT}/cb` }),
    expect: notRegistered,
  },
  {
    name: 'redirect_uri of another client',
    params: web({ redirect_uri: NATIVE.redirectUri }),
    expect: notRegistered,
  },
  {
    name: 'native client: loopback redirect_uri with another path',
    params: native({ redirect_uri: 'http://127.0.0.1:5555/other' }),
    expect: notRegistered,
  },
  {
    name: 'native client: https instead of http loopback',
    params: native({ redirect_uri: 'https://127.0.0.1:5555/callback' }),
    expect: notRegistered,
  },
  {
    name: 'native client: non-loopback host',
    params: native({ redirect_uri: 'http://evil.example/callback' }),
    expect: notRegistered,
  },
  {
    name: 'unregistered redirect_uri is not redirected even with other errors',
    params: web({ redirect_uri: 'https://evil.example/cb', response_type: 'token', scope: 'email' }),
    expect: notRegistered,
  },
  {
    name: 'POST: redirect_uri not registered',
    method: 'POST',
    params: web({ redirect_uri: 'https://evil.example/cb' }),
    expect: notRegistered,
  },
  {
    name: 'POST: duplicate client_id',
    method: 'POST',
    params: raw(web(), ['client_id', WEB.id]),
    expect: badRequest,
  },

  // Client and redirect_uri verified: errors are redirected to the client.
  {
    name: 'missing response_type',
    params: web({ response_type: null }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    // OAuth's implicit grant without an ID token is not offered; a token type answers in the
    // fragment (Multiple Response Types §5).
    name: 'response_type=token',
    params: web({ response_type: 'token' }),
    expect: { kind: 'redirect', error: 'unsupported_response_type', in: 'fragment' },
  },
  {
    name: 'response_type=code id_token without a nonce',
    params: web({ response_type: 'code id_token' }),
    expect: { kind: 'redirect', error: 'invalid_request', in: 'fragment' },
  },
  {
    name: 'response_type=id_token token without a nonce',
    params: web({ response_type: 'id_token token' }),
    expect: { kind: 'redirect', error: 'invalid_request', in: 'fragment' },
  },
  {
    name: 'response_type=id_token with response_mode=query',
    params: web({ response_type: 'id_token', nonce: 'n', response_mode: 'query' }),
    expect: { kind: 'redirect', error: 'invalid_request', in: 'fragment' },
  },
  {
    name: 'response_type=code code',
    params: web({ response_type: 'code code' }),
    expect: { kind: 'redirect', error: 'unsupported_response_type' },
  },
  {
    name: 'claims that are not JSON',
    params: web({ claims: '{"id_token":' }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'claims with a member that is not an object',
    params: web({ claims: '{"id_token":{"name":"yes please"}}' }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'id_token_hint that is not a token of this provider',
    params: web({ id_token_hint: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'scope without openid',
    params: web({ scope: 'profile email' }),
    expect: { kind: 'redirect', error: 'invalid_scope' },
  },
  {
    name: 'missing scope',
    params: web({ scope: null }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'duplicate state',
    params: raw(web(), ['state', 'other']),
    // Which state would be echoed is ambiguous, so none is.
    expect: { kind: 'redirect', error: 'invalid_request', state: null },
  },
  {
    name: 'duplicate scope',
    params: raw(web(), ['scope', 'openid profile']),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'duplicate response_type',
    params: raw(web(), ['response_type', 'code']),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'bad prompt value',
    params: web({ prompt: 'always' }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'prompt=none combined with login',
    params: web({ prompt: 'none login' }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'max_age=-1',
    params: web({ max_age: '-1' }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'max_age=abc',
    params: web({ max_age: 'abc' }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'max_age=1e3',
    params: web({ max_age: '1e3' }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'code_challenge_method=plain, not allowed for the client',
    params: web({ code_challenge: CHALLENGE, code_challenge_method: 'plain' }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'unknown code_challenge_method',
    params: web({ code_challenge: CHALLENGE, code_challenge_method: 'S512' }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'malformed code_challenge (too short)',
    params: web({ code_challenge: 'abc', code_challenge_method: 'S256' }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'malformed code_challenge (bad characters)',
    params: web({ code_challenge: '+'.repeat(43), code_challenge_method: 'S256' }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'code_challenge_method without code_challenge',
    params: web({ code_challenge_method: 'S256' }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'code_challenge without method (plain not allowed)',
    params: web({ code_challenge: CHALLENGE }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'public client without PKCE',
    params: native(),
    expect: { kind: 'redirect', error: 'invalid_request', to: NATIVE.redirectUri },
  },
  {
    name: 'public client without PKCE, on another loopback port',
    params: native({ redirect_uri: 'http://127.0.0.1:5555/callback' }),
    expect: { kind: 'redirect', error: 'invalid_request', to: 'http://127.0.0.1:5555/callback' },
  },
  {
    // An unsigned request object is accepted only from a client registered for alg none.
    name: 'request= (an unsigned request object)',
    params: web({ request: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }),
    expect: { kind: 'redirect', error: 'invalid_request_object' },
  },
  {
    name: 'request= (not a JWT)',
    params: web({ request: '{"scope":"openid"}' }),
    expect: { kind: 'redirect', error: 'invalid_request_object' },
  },
  {
    name: 'request_uri=',
    params: web({ request_uri: 'https://evil.example/request.jwt' }),
    expect: { kind: 'redirect', error: 'request_uri_not_supported' },
  },
  {
    name: 'registration=',
    params: web({ registration: '{}' }),
    expect: { kind: 'redirect', error: 'registration_not_supported' },
  },
  {
    name: 'prompt=none without a session',
    params: web({ prompt: 'none' }),
    expect: { kind: 'redirect', error: 'login_required' },
  },
  {
    // Documented behaviour: an unknown response_mode is invalid_request (parseResponseMode),
    // and the error itself travels in the default mode for code, the query.
    name: 'unknown response_mode → invalid_request in the query',
    params: web({ response_mode: 'web_message' }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'very long state (3000 characters)',
    params: web({ state: 's'.repeat(3000) }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'very long nonce (3000 characters)',
    params: web({ nonce: 'n'.repeat(3000) }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'POST: missing response_type',
    method: 'POST',
    params: web({ response_type: null }),
    expect: { kind: 'redirect', error: 'invalid_request' },
  },
  {
    name: 'POST: request=',
    method: 'POST',
    params: web({ request: 'x.y.z' }),
    expect: { kind: 'redirect', error: 'invalid_request_object' },
  },
  {
    name: 'POST: scope without openid',
    method: 'POST',
    params: web({ scope: 'profile' }),
    expect: { kind: 'redirect', error: 'invalid_scope' },
  },
];

describe('authorization endpoint refuses malformed requests', () => {
  let sesame: RunningSesame;
  before(async () => {
    sesame = await startFixture();
  });
  after(async () => {
    await sesame?.stop();
  });

  for (const row of rows) {
    it(row.name, async () => {
      const response = await send(sesame, row);
      const body = await response.text();
      const where = `${row.method ?? 'GET'} ${typeof row.params === 'string' ? row.params : new URLSearchParams(row.params)}`;
      assert.ok(response.status < 500, `${where}: ${response.status}\n${body.slice(0, 500)}`);
      if (row.expect.kind === 'page') checkPage(response, body, row.expect, where);
      else checkRedirect(response, row, row.expect, sesame.issuer, where);
    });
  }
});

function send(sesame: RunningSesame, row: Row): Promise<Response> {
  const encoded = typeof row.params === 'string' ? row.params : new URLSearchParams(row.params).toString();
  const url = new URL('/signin/v1/identifier/_/authorize', sesame.issuer);
  if (row.method === 'POST') {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encoded,
      redirect: 'manual',
    });
  }
  return fetch(`${url}?${encoded}`, { redirect: 'manual' });
}

function checkPage(
  response: Response,
  body: string,
  expect: Extract<Expect, { kind: 'page' }>,
  where: string,
): void {
  assert.equal(response.status, expect.status, `${where}\n${body.slice(0, 500)}`);
  assert.equal(response.headers.get('location'), null, `${where}: must not redirect`);
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
  // Neither an automatic form post nor a meta refresh may carry the browser anywhere.
  assert.doesNotMatch(body, /http-equiv="?refresh/i);
  assert.doesNotMatch(body, /<form[^>]*action="https?:/i);
  assert.doesNotMatch(body, /evil\.example/);
  if (expect.text) assert.match(body, expect.text);
}

function checkRedirect(
  response: Response,
  row: Row,
  expect: Extract<Expect, { kind: 'redirect' }>,
  issuer: string,
  where: string,
): void {
  assert.equal(response.status, 302, where);
  const location = response.headers.get('location') ?? '';
  const to = expect.to ?? WEB.redirectUri;
  const fragment = expect.in === 'fragment';
  assert.ok(location.startsWith(`${to}${fragment ? '#' : '?'}`), `${where}: redirected to ${location}`);
  const url = new URL(location);
  const params = fragment ? new URLSearchParams(url.hash.slice(1)) : url.searchParams;
  assert.equal(params.get('error'), expect.error, `${where}: ${location}`);
  assert.equal(params.get('iss'), issuer);
  assert.equal(params.get('code'), null);
  const state = expect.state === undefined ? singleState(row) : expect.state;
  assert.equal(params.get('state'), state);
}

function singleState(row: Row): string | null {
  const params = new URLSearchParams(row.params);
  const values = params.getAll('state');
  return values.length === 1 ? (values[0] ?? null) : null;
}
