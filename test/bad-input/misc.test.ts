import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSesame } from '../helpers/sesame-process.js';
import { CookieJar, follow, inputValue, request } from '../helpers/http-login.js';
import { WEB, obtainTokens, startFixture, type TokenSet } from './helpers.js';

/**
 * Unknown paths, bad end-session requests and forms without CSRF tokens: browsers get an
 * HTML error page, APIs JSON, and nobody is redirected to an address that was not verified.
 */

interface Row {
  readonly name: string;
  /** Path and query at the issuer, and an optional form to POST; may use real tokens. */
  readonly request: (
    ctx: Context,
  ) => Promise<{ path: string; form?: Record<string, string>; jar?: CookieJar }>;
  readonly expect: {
    readonly kind: 'page' | 'json';
    readonly status: number;
    readonly error?: string;
    readonly text?: RegExp;
  };
}

interface Context {
  readonly sesame: RunningSesame;
  readonly tokens: TokenSet;
}

const END_SESSION = '/signin/v1/identifier/_/endsession';

function q(path: string, params: Record<string, string>): string {
  return `${path}?${new URLSearchParams(params)}`;
}

/** A browser holding a CSRF cookie and a pending interaction (the sign-in page was shown). */
async function browserAtSignIn(sesame: RunningSesame): Promise<{ jar: CookieJar; interaction: string }> {
  const jar = new CookieJar();
  const authorize = q('/signin/v1/identifier/_/authorize', {
    client_id: WEB.id,
    redirect_uri: WEB.redirectUri,
    response_type: 'code',
    scope: 'openid',
  });
  const page = await follow(jar, sesame.issuer, new URL(authorize, sesame.issuer).toString());
  assert.equal(page.status, 200);
  const interaction = inputValue(page.body, 'interaction');
  assert.ok(interaction, 'sign-in page without an interaction');
  return { jar, interaction };
}

const rows: readonly Row[] = [
  {
    name: 'unknown path under /signin/ → 404 page',
    request: async () => ({ path: '/signin/v1/no-such-page' }),
    expect: { kind: 'page', status: 404 },
  },
  {
    name: 'unknown path elsewhere → 404 JSON',
    request: async () => ({ path: '/konnect/v1/no-such-endpoint' }),
    expect: { kind: 'json', status: 404, error: 'not_found' },
  },
  {
    name: 'unknown top-level path → 404 JSON',
    request: async () => ({ path: '/wp-admin/install.php?x=1' }),
    expect: { kind: 'json', status: 404, error: 'not_found' },
  },
  {
    name: 'malformed percent-encoding in a /signin/ path → 400 page',
    request: async () => ({ path: '/signin/v1/%' }),
    expect: { kind: 'page', status: 400 },
  },
  {
    name: 'malformed percent-encoding in an API path → 400 JSON',
    request: async () => ({ path: '/konnect/v1/%zz' }),
    expect: { kind: 'json', status: 400, error: 'invalid_request' },
  },
  {
    name: 'end-session: post_logout_redirect_uri without id_token_hint or client_id',
    request: async () => ({
      path: q(END_SESSION, { post_logout_redirect_uri: WEB.redirectUri, state: 's' }),
    }),
    expect: { kind: 'page', status: 400, text: /not registered/i },
  },
  {
    name: 'end-session: foreign post_logout_redirect_uri without id_token_hint or client_id',
    request: async () => ({ path: q(END_SESSION, { post_logout_redirect_uri: 'https://evil.example/bye' }) }),
    expect: { kind: 'page', status: 400, text: /not registered/i },
  },
  {
    name: 'end-session: unregistered post_logout_redirect_uri with client_id',
    request: async () => ({
      path: q(END_SESSION, { client_id: WEB.id, post_logout_redirect_uri: 'https://evil.example/bye' }),
    }),
    expect: { kind: 'page', status: 400, text: /not registered/i },
  },
  {
    name: 'end-session: unregistered post_logout_redirect_uri with a valid id_token_hint',
    request: async ({ tokens }) => ({
      path: q(END_SESSION, {
        id_token_hint: tokens.id_token,
        post_logout_redirect_uri: `${WEB.redirectUri}/other`,
      }),
    }),
    expect: { kind: 'page', status: 400, text: /not registered/i },
  },
  {
    name: 'end-session: registered post_logout_redirect_uri of an unknown client_id',
    request: async () => ({
      path: q(END_SESSION, { client_id: 'no-such-client', post_logout_redirect_uri: WEB.redirectUri }),
    }),
    expect: { kind: 'page', status: 400, text: /not registered/i },
  },
  {
    name: 'end-session: garbage id_token_hint',
    request: async () => ({
      path: q(END_SESSION, { id_token_hint: 'garbage', post_logout_redirect_uri: WEB.redirectUri }),
    }),
    expect: { kind: 'page', status: 400 },
  },
  {
    name: 'end-session: JWT-shaped garbage id_token_hint',
    request: async () => ({
      path: q(END_SESSION, { id_token_hint: 'eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.' }),
    }),
    expect: { kind: 'page', status: 400 },
  },
  {
    name: 'end-session: id_token_hint whose audience differs from client_id',
    request: async ({ tokens }) => ({
      path: q(END_SESSION, { id_token_hint: tokens.id_token, client_id: 'other-client' }),
    }),
    expect: { kind: 'page', status: 400 },
  },
  {
    name: 'end-session: duplicate post_logout_redirect_uri',
    request: async () => ({
      path: `${END_SESSION}?client_id=${WEB.id}&post_logout_redirect_uri=${encodeURIComponent(WEB.redirectUri)}&post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F`,
    }),
    expect: { kind: 'page', status: 400 },
  },
  {
    name: 'sign-in POST without a CSRF token → 403',
    request: async ({ sesame }) => {
      const { jar, interaction } = await browserAtSignIn(sesame);
      return { path: '/signin/v1/identifier', form: { interaction, username: 'alice', password: 'x' }, jar };
    },
    expect: { kind: 'page', status: 403 },
  },
  {
    name: 'sign-in POST with a forged CSRF token → 403',
    request: async ({ sesame }) => {
      const { jar, interaction } = await browserAtSignIn(sesame);
      return {
        path: '/signin/v1/identifier',
        form: { interaction, csrf: 'forged', username: 'alice', password: 'x' },
        jar,
      };
    },
    expect: { kind: 'page', status: 403 },
  },
  {
    name: 'sign-in POST without a CSRF cookie → 403',
    request: async () => ({
      path: '/signin/v1/identifier',
      form: { csrf: 'x', username: 'alice', password: 'x' },
    }),
    expect: { kind: 'page', status: 403 },
  },
  {
    name: 'consent POST without a CSRF token → 403',
    request: async ({ sesame }) => {
      const { jar, interaction } = await browserAtSignIn(sesame);
      return { path: '/signin/v1/consent', form: { interaction, decision: 'allow' }, jar };
    },
    expect: { kind: 'page', status: 403 },
  },
  {
    name: 'choose-account POST without a CSRF token → 403',
    request: async ({ sesame }) => {
      const { jar, interaction } = await browserAtSignIn(sesame);
      return { path: '/signin/v1/chooseaccount', form: { interaction }, jar };
    },
    expect: { kind: 'page', status: 403 },
  },
  {
    name: 'end-session POST with a forged CSRF token → 403',
    request: async () => ({
      path: END_SESSION,
      form: { csrf: 'forged', client_id: WEB.id, post_logout_redirect_uri: WEB.redirectUri },
    }),
    expect: { kind: 'page', status: 403 },
  },
  {
    name: 'sign-in page for an unknown interaction → 400 explaining expiry',
    request: async () => ({ path: '/signin/v1/identifier?interaction=unknown' }),
    expect: { kind: 'page', status: 400, text: /expired/i },
  },
  {
    name: 'consent page for an unknown interaction → 400',
    request: async () => ({ path: '/signin/v1/consent?interaction=unknown' }),
    expect: { kind: 'page', status: 400, text: /expired/i },
  },
];

describe('misc: unknown paths, end-session and CSRF', () => {
  let ctx: Context;
  let sesame: RunningSesame;
  before(async () => {
    sesame = await startFixture();
    ctx = { sesame, tokens: await obtainTokens(sesame) };
  });
  after(async () => {
    await sesame?.stop();
  });

  for (const row of rows) {
    it(row.name, async () => {
      const { path, form, jar } = await row.request(ctx);
      const response = await request(jar ?? new CookieJar(), new URL(path, sesame.issuer).toString(), form);
      const body = await response.text();
      const where = `${form ? 'POST' : 'GET'} ${path}`;
      assert.ok(response.status < 500, `${where}: ${response.status}\n${body.slice(0, 500)}`);
      assert.equal(response.status, row.expect.status, `${where}\n${body.slice(0, 500)}`);
      assert.equal(response.headers.get('location'), null, `${where}: must not redirect`);
      const type = response.headers.get('content-type') ?? '';
      if (row.expect.kind === 'page') {
        assert.match(type, /^text\/html/, where);
        assert.doesNotMatch(body, /http-equiv="?refresh/i);
        assert.doesNotMatch(body, /evil\.example/);
      } else {
        assert.match(type, /^application\/json/, where);
        assert.equal((JSON.parse(body) as { error?: string }).error, row.expect.error);
      }
      if (row.expect.text) assert.match(body, row.expect.text, where);
    });
  }
});
