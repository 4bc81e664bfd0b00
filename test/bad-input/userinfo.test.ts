import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSesame } from '../helpers/sesame-process.js';
import { WEB, basic, obtainTokens, startFixture, type TokenSet } from './helpers.js';

/**
 * Bad bearer credentials at userinfo (RFC 6750 §3, OIDC Core §5.3.3): 401 with a `Bearer`
 * challenge, an `error` in it only when a token was presented, 400 for malformed requests.
 */

interface Row {
  readonly name: string;
  /** Builds the request from the tokens of a real sign-in. */
  readonly request: (tokens: TokenSet) => {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    query?: string;
  };
  readonly expect: {
    readonly status: number;
    /** The challenge's `error`; null: a bare challenge without one. */
    readonly error: string | null;
  };
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const rows: readonly Row[] = [
  { name: 'no Authorization header', request: () => ({}), expect: { status: 401, error: null } },
  {
    name: 'no Authorization header (POST)',
    request: () => ({ method: 'POST', headers: FORM, body: '' }),
    expect: { status: 401, error: null },
  },
  {
    name: 'Bearer garbage',
    request: () => ({ headers: { authorization: 'Bearer garbage' } }),
    expect: { status: 401, error: 'invalid_token' },
  },
  {
    name: 'Bearer with a garbage JWT',
    request: () => ({ headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' } }),
    expect: { status: 401, error: 'invalid_token' },
  },
  {
    name: 'Bearer with characters outside b64token',
    request: () => ({ headers: { authorization: 'Bearer a,b;c' } }),
    expect: { status: 400, error: 'invalid_request' },
  },
  {
    name: 'Bearer without a token',
    request: () => ({ headers: { authorization: 'Bearer' } }),
    expect: { status: 400, error: 'invalid_request' },
  },
  {
    name: 'an ID token used as access token',
    request: (t) => ({ headers: { authorization: `Bearer ${t.id_token}` } }),
    expect: { status: 401, error: 'invalid_token' },
  },
  {
    name: 'a tampered access token',
    request: (t) => ({ headers: { authorization: `Bearer ${tamper(t.access_token)}` } }),
    expect: { status: 401, error: 'invalid_token' },
  },
  {
    // RFC 6750 §2.3 allows the query only as a last resort; Sesame refuses it outright
    // (userinfo/parse.ts) with invalid_request, i.e. 400 rather than 401 (RFC 6750 §3.1).
    name: 'access token in the query string is not accepted',
    request: (t) => ({ query: `access_token=${t.access_token}` }),
    expect: { status: 400, error: 'invalid_request' },
  },
  {
    name: 'access token in both the header and the body',
    request: (t) => ({
      method: 'POST',
      headers: { ...FORM, authorization: `Bearer ${t.access_token}` },
      body: `access_token=${t.access_token}`,
    }),
    expect: { status: 400, error: 'invalid_request' },
  },
  {
    name: 'access token repeated in the body',
    request: (t) => ({
      method: 'POST',
      headers: FORM,
      body: `access_token=${t.access_token}&access_token=${t.access_token}`,
    }),
    expect: { status: 400, error: 'invalid_request' },
  },
  {
    name: 'Basic scheme',
    request: () => ({ headers: { authorization: 'Basic xyz' } }),
    expect: { status: 401, error: null },
  },
  {
    name: "the client's Basic credentials",
    request: () => ({ headers: { authorization: basic(WEB.id, WEB.secret) } }),
    expect: { status: 401, error: null },
  },
];

describe('userinfo refuses bad bearer credentials', () => {
  let sesame: RunningSesame;
  let tokens: TokenSet;
  before(async () => {
    sesame = await startFixture();
    tokens = await obtainTokens(sesame);
  });
  after(async () => {
    await sesame?.stop();
  });

  it('a valid access token works (control)', async () => {
    const response = await userinfo(sesame, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(response.status, 200, await response.clone().text());
    assert.match(response.headers.get('cache-control') ?? '', /no-store/);
    const claims = (await response.json()) as { sub?: string };
    assert.equal(typeof claims.sub, 'string');
  });

  it('a valid access token in the POST body works (control)', async () => {
    const response = await userinfo(sesame, {
      method: 'POST',
      headers: FORM,
      body: `access_token=${tokens.access_token}`,
    });
    assert.equal(response.status, 200, await response.clone().text());
  });

  for (const row of rows) {
    it(row.name, async () => {
      const response = await userinfo(sesame, row.request(tokens));
      await checkRefusal(response, row.expect.status, row.expect.error, row.name);
    });
  }

  it('a revoked access token is invalid_token', async () => {
    const own = await obtainTokens(sesame);
    const before = await userinfo(sesame, { headers: { authorization: `Bearer ${own.access_token}` } });
    assert.equal(before.status, 200);
    const revoked = await fetch(new URL('/konnect/v1/revoke', sesame.issuer), {
      method: 'POST',
      headers: { ...FORM, authorization: basic(WEB.id, WEB.secret) },
      body: new URLSearchParams({ token: own.access_token, token_type_hint: 'access_token' }).toString(),
    });
    assert.equal(revoked.status, 200, await revoked.text());
    const response = await userinfo(sesame, { headers: { authorization: `Bearer ${own.access_token}` } });
    await checkRefusal(response, 401, 'invalid_token', 'revoked');
  });
});

function userinfo(
  sesame: RunningSesame,
  request: { method?: string; headers?: Record<string, string>; body?: string; query?: string },
): Promise<Response> {
  const url = new URL('/konnect/v1/userinfo', sesame.issuer);
  if (request.query) url.search = request.query;
  const init: RequestInit = {
    method: request.method ?? 'GET',
    headers: request.headers ?? {},
    redirect: 'manual',
  };
  if (request.body !== undefined) init.body = request.body;
  return fetch(url, init);
}

/** Changes one character of the signature. */
function tamper(jwt: string): string {
  const last = jwt.at(-2) === 'A' ? 'B' : 'A';
  return jwt.slice(0, -2) + last + jwt.slice(-1);
}

async function checkRefusal(
  response: Response,
  status: number,
  error: string | null,
  what: string,
): Promise<void> {
  const text = await response.text();
  assert.ok(response.status < 500, `${what}: ${response.status} ${text}`);
  assert.equal(response.status, status, `${what}: ${text}`);
  assert.match(response.headers.get('cache-control') ?? '', /no-store/);
  const challenge = response.headers.get('www-authenticate');
  assert.match(challenge ?? '', /^Bearer /, `${what}: challenge ${challenge}`);
  if (error === null) {
    assert.doesNotMatch(
      challenge ?? '',
      /error=/,
      `${what}: a request without a token gets a bare challenge`,
    );
    return;
  }
  assert.match(challenge ?? '', new RegExp(`error="${error}"`), `${what}: challenge ${challenge}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(JSON.parse(text).error, error);
}
