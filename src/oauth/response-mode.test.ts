import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildAuthorizationResponse,
  defaultResponseMode,
  parseResponseMode,
  withoutResponseParameters,
} from './response-mode.js';
import { OAuthError } from './errors.js';

function isInvalidRequest(error: unknown): boolean {
  return error instanceof OAuthError && error.code === 'invalid_request' && !error.redirectable;
}

describe('parseResponseMode', () => {
  it('defaults to query for code and fragment for token-returning types', () => {
    assert.equal(parseResponseMode(undefined, 'code'), 'query');
    assert.equal(parseResponseMode('', 'code'), 'query');
    assert.equal(parseResponseMode(undefined, 'id_token'), 'fragment');
    assert.equal(parseResponseMode(undefined, 'code id_token'), 'fragment');
    assert.equal(parseResponseMode(undefined, 'token'), 'fragment');
    assert.equal(defaultResponseMode('id_token token'), 'fragment');
  });

  it('accepts the three modes', () => {
    assert.equal(parseResponseMode('query', 'code'), 'query');
    assert.equal(parseResponseMode('fragment', 'code'), 'fragment');
    assert.equal(parseResponseMode('form_post', 'code'), 'form_post');
    assert.equal(parseResponseMode('form_post', 'code id_token'), 'form_post');
  });

  it('refuses unknown modes', () => {
    assert.throws(() => parseResponseMode('web_message', 'code'), isInvalidRequest);
    assert.throws(() => parseResponseMode('QUERY', 'code'), isInvalidRequest);
  });

  it('refuses tokens in the query string', () => {
    assert.throws(() => parseResponseMode('query', 'id_token'), isInvalidRequest);
    assert.throws(() => parseResponseMode('query', 'code token'), isInvalidRequest);
  });
});

describe('buildAuthorizationResponse', () => {
  it('appends parameters to a redirect URI without a query', () => {
    assert.deepEqual(
      buildAuthorizationResponse('https://rp.example/cb', 'query', { code: 'abc', state: 'xyz' }),
      {
        kind: 'redirect',
        location: 'https://rp.example/cb?code=abc&state=xyz',
      },
    );
  });

  it('keeps the redirect URI query verbatim and appends after it', () => {
    const response = buildAuthorizationResponse('https://rp.example/cb?a=b%20c&flag', 'query', {
      code: 'abc',
    });
    assert.deepEqual(response, { kind: 'redirect', location: 'https://rp.example/cb?a=b%20c&flag&code=abc' });
    const trailing = buildAuthorizationResponse('https://rp.example/cb?', 'query', { code: 'abc' });
    assert.deepEqual(trailing, { kind: 'redirect', location: 'https://rp.example/cb?code=abc' });
  });

  it('encodes spaces as %20 and escapes reserved characters', () => {
    const response = buildAuthorizationResponse('https://rp.example/cb', 'query', {
      scope: 'openid profile',
      state: 'a&b=c#d+e',
    });
    assert.equal(response.kind, 'redirect');
    if (response.kind !== 'redirect') return;
    assert.equal(response.location, 'https://rp.example/cb?scope=openid%20profile&state=a%26b%3Dc%23d%2Be');
    const parsed = new URL(response.location);
    assert.equal(parsed.searchParams.get('state'), 'a&b=c#d+e');
    assert.equal(parsed.searchParams.get('scope'), 'openid profile');
  });

  it('drops undefined values but keeps empty strings', () => {
    const response = buildAuthorizationResponse('https://rp.example/cb', 'query', {
      error: 'access_denied',
      error_description: undefined,
      state: '',
    });
    assert.deepEqual(response, {
      kind: 'redirect',
      location: 'https://rp.example/cb?error=access_denied&state=',
    });
  });

  it('puts parameters in the fragment, leaving the query alone', () => {
    const response = buildAuthorizationResponse('https://rp.example/cb?x=1', 'fragment', {
      id_token: 'a.b.c',
      state: 's 1',
    });
    assert.deepEqual(response, {
      kind: 'redirect',
      location: 'https://rp.example/cb?x=1#id_token=a.b.c&state=s%201',
    });
    if (response.kind !== 'redirect') return;
    assert.equal(new URLSearchParams(new URL(response.location).hash.slice(1)).get('state'), 's 1');
  });

  it('returns form fields for form_post', () => {
    assert.deepEqual(
      buildAuthorizationResponse('https://rp.example/cb?x=1', 'form_post', {
        code: 'abc',
        state: undefined,
        iss: 'https://op',
      }),
      { kind: 'form_post', action: 'https://rp.example/cb?x=1', fields: { code: 'abc', iss: 'https://op' } },
    );
  });

  it('refuses relative redirect URIs', () => {
    assert.throws(() => buildAuthorizationResponse('/cb', 'query', {}), TypeError);
  });

  it("appends to a redirect URI's own fragment with & as Kopano Meet parses it (kopano-meet.md req. 9)", () => {
    const meet = 'https://meet.example/meet/#oidc-callback';
    assert.deepEqual(buildAuthorizationResponse(meet, 'fragment', { code: 'c1', state: 's' }), {
      kind: 'redirect',
      location: 'https://meet.example/meet/#oidc-callback&code=c1&state=s',
    });
    // oidc-client parses from the last '#' and skips tokens without '=' (UrlUtility.js).
    assert.deepEqual(buildAuthorizationResponse('https://rp.example/cb#', 'fragment', { code: 'c1' }), {
      kind: 'redirect',
      location: 'https://rp.example/cb#code=c1',
    });
    assert.deepEqual(buildAuthorizationResponse('https://rp.example/cb#a=1&', 'fragment', { code: 'c1' }), {
      kind: 'redirect',
      location: 'https://rp.example/cb#a=1&code=c1',
    });
  });

  it('keeps a redirect URI fragment after the query in query mode', () => {
    assert.deepEqual(
      buildAuthorizationResponse('https://rp.example/cb?x=1#route', 'query', { code: 'c1', state: 's' }),
      { kind: 'redirect', location: 'https://rp.example/cb?x=1&code=c1&state=s#route' },
    );
  });

  it('works for custom-scheme redirect URIs of native apps', () => {
    assert.deepEqual(buildAuthorizationResponse('com.example.app:/oauth', 'query', { code: 'abc' }), {
      kind: 'redirect',
      location: 'com.example.app:/oauth?code=abc',
    });
  });
});

describe('withoutResponseParameters (issue 7 item 5)', () => {
  it('drops pre-injected response parameters and keeps everything else byte for byte', () => {
    assert.equal(
      withoutResponseParameters('https://rp.example/cb?code=ATTACKER&state=forged&iss=evil&x=a%20b'),
      'https://rp.example/cb?x=a%20b',
    );
    assert.equal(
      withoutResponseParameters('https://rp.example/cb?a=1&%63ode=x&error_description=y&session_state=z&b#f'),
      'https://rp.example/cb?a=1&b#f',
    );
    assert.equal(withoutResponseParameters('https://rp.example/cb?code=x'), 'https://rp.example/cb');
    assert.equal(
      withoutResponseParameters('https://rp.example/cb?a=1;code=X&b=2'),
      'https://rp.example/cb?b=2',
    );
    assert.equal(withoutResponseParameters('https://rp.example/cb'), 'https://rp.example/cb');
    assert.equal(
      withoutResponseParameters('https://rp.example/cb?codex=1&scope=s'),
      'https://rp.example/cb?codex=1&scope=s',
    );
  });
});
