import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '../clients/types.js';
import { isLoopbackHost, matchPostLogoutRedirectUri, matchRedirectUri } from './redirect-uri.js';
import { testClient } from '../clients/test-client.js';

function client(overrides: Partial<Client>): Client {
  return testClient({ id: 'c', ...overrides });
}

const web = client({
  redirectUris: [
    'https://rp.example/cb',
    'https://rp.example:8443/cb',
    'https://rp.example/with?q=1',
    'https://rp.example/a%20b',
  ],
});
const native = client({
  applicationType: 'native',
  redirectUris: ['http://127.0.0.1/cb', 'com.example.app:/oauth', 'my://app/cb'],
});
const nativeLocalhost = client({ applicationType: 'native', redirectUris: ['http://localhost:4000/cb'] });
const meet = client({ redirectUris: ['https://meet.example/meet/'] });
const meetExact = client({ redirectUris: ['https://meet.example/meet/#oidc-callback'] });
const webLoopback = client({ insecure: true, redirectUris: ['http://localhost:3000/cb'] });

type Row = [name: string, client: Client, requested: string, strict: boolean, compat: boolean];

// [what a user would notice, client, requested redirect_uri, strict result, Konnect-compat result]
const rows: Row[] = [
  ['exact match', web, 'https://rp.example/cb', true, true],
  ['a line break that URL parsing would drop', native, 'http://127.0.0.1:5555/c\nb', false, false],
  ['a control character at the end', native, 'http://127.0.0.1/cb\u0001', false, false],
  ['a CR LF in an ignored query', web, 'https://rp.example/cb?x=\r\nSet-Cookie:a=b', false, false],
  ['a non-ASCII character in an ignored query', web, 'https://rp.example/cb?x=\u00e9', false, false],
  ['trailing slash differs', web, 'https://rp.example/cb/', false, false],
  ['case differs in the path', web, 'https://rp.example/CB', false, false],
  ['case differs in the host', web, 'https://RP.example/cb', false, false],
  ['extra query', web, 'https://rp.example/cb?x=1', false, true],
  ['registered query, same query', web, 'https://rp.example/with?q=1', true, true],
  ['registered query, other query', web, 'https://rp.example/with?q=2', false, false],
  ['fragment', web, 'https://rp.example/cb#x', false, true],
  ['empty fragment', web, 'https://rp.example/cb#', false, true],
  ['fragment and query', web, 'https://rp.example/cb?x=1#y', false, true],
  ['fragment posing as response parameters', web, 'https://rp.example/cb#code=EVIL&state=s&x=', false, false],
  ['fragment with a second fragment', web, 'https://rp.example/cb#a#b', false, false],
  ["Kopano Meet's callback", meet, 'https://meet.example/meet/#oidc-callback', false, true],
  ["Kopano Meet's silent refresh", meet, 'https://meet.example/meet/#oidc-silent-refresh', false, true],
  ['registered fragment, exactly', meetExact, 'https://meet.example/meet/#oidc-callback', true, true],
  ['registered fragment, another fragment', meetExact, 'https://meet.example/meet/#other', false, false],
  ['registered fragment, none requested', meetExact, 'https://meet.example/meet/', false, false],
  ['native loopback: other fragment', native, 'http://127.0.0.1:51234/cb#x', false, true],
  [
    'native loopback: fragment posing as parameters',
    native,
    'http://127.0.0.1:51234/cb#code=x',
    false,
    false,
  ],
  ['different port on a web client', web, 'https://rp.example:9443/cb', false, false],
  ['registered port on a web client', web, 'https://rp.example:8443/cb', true, true],
  ['http instead of https', web, 'http://rp.example/cb', false, false],
  ['userinfo pointing elsewhere', web, 'https://rp.example@evil.example/cb', false, false],
  ['userinfo before the right host', web, 'https://evil@rp.example/cb', false, false],
  ['percent-encoded as registered', web, 'https://rp.example/a%20b', true, true],
  ['percent-encoding decoded', web, 'https://rp.example/a b', false, false],
  ['encoded slash', web, 'https://rp.example%2Fcb', false, false],
  ['path traversal', web, 'https://rp.example/x/../cb', false, false],
  ['web loopback: registered port', webLoopback, 'http://localhost:3000/cb', true, true],
  ['web loopback: other port', webLoopback, 'http://localhost:3001/cb', false, false],
  ['native loopback: any port', native, 'http://127.0.0.1:51234/cb', true, true],
  ['native loopback: no port', native, 'http://127.0.0.1/cb', true, true],
  ['native loopback: different path', native, 'http://127.0.0.1:51234/other', false, false],
  ['native loopback: extra query', native, 'http://127.0.0.1:51234/cb?x=1', false, true],
  ['native loopback: localhost for 127.0.0.1', native, 'http://localhost:5000/cb', true, true],
  ['native loopback: [::1] for localhost', nativeLocalhost, 'http://[::1]:5000/cb', true, true],
  ['native loopback: https', native, 'https://127.0.0.1:5000/cb', false, false],
  ['native loopback: not a loopback host', native, 'http://127.0.0.2:5000/cb', false, false],
  ['custom scheme', native, 'com.example.app:/oauth', true, true],
  ['custom scheme, other path', native, 'com.example.app:/other', false, false],
  ['custom scheme with host', native, 'my://app/cb', true, true],
  ['empty string', web, '', false, false],
  ['not a URL', web, 'rp.example/cb', false, false],
  ['client without redirect URIs', client({ insecure: true }), 'https://any.example/', false, false],
];

describe('matchRedirectUri (RFC 6749 §3.1.2.3, RFC 8252 §7.3, konnect-spec §2.2)', () => {
  for (const [name, c, requested, strict, compat] of rows) {
    it(`${name}: ${requested || '(empty)'} → strict ${strict}, compat ${compat}`, () => {
      assert.equal(matchRedirectUri(c, requested, { ignoreQuery: false }), strict, 'strict');
      assert.equal(matchRedirectUri(c, requested, { ignoreQuery: true }), compat, 'compat');
    });
  }
});

describe('matchPostLogoutRedirectUri (RP-Initiated Logout §3)', () => {
  const withList = client({
    redirectUris: ['https://rp.example/cb'],
    postLogoutRedirectUris: ['https://rp.example/bye'],
  });
  const withoutList = client({ redirectUris: ['https://rp.example/cb'] });

  it('accepts only the registered post-logout URIs when there are some', () => {
    assert.equal(matchPostLogoutRedirectUri(withList, 'https://rp.example/bye'), true);
    assert.equal(matchPostLogoutRedirectUri(withList, 'https://rp.example/cb'), false);
    assert.equal(matchPostLogoutRedirectUri(withList, 'https://rp.example/bye?x=1'), false);
  });

  it('falls back to the redirect URIs, as Konnect does', () => {
    assert.equal(matchPostLogoutRedirectUri(withoutList, 'https://rp.example/cb'), true);
    assert.equal(matchPostLogoutRedirectUri(withoutList, 'https://rp.example/cb/'), false);
    assert.equal(matchPostLogoutRedirectUri(withoutList, ''), false);
  });

  it("matches on scheme+host+path under Konnect compatibility, so Meet's fragment is kept (kopano-meet.md req. 30)", () => {
    const meet = client({ redirectUris: ['https://meet.example/meet/'] });
    const uri = 'https://meet.example/meet/#oidc-endsession-callback';
    assert.equal(matchPostLogoutRedirectUri(meet, uri), false);
    assert.equal(matchPostLogoutRedirectUri(meet, uri, { ignoreQuery: true }), true);
    assert.equal(
      matchPostLogoutRedirectUri(meet, 'https://meet.example/other/', { ignoreQuery: true }),
      false,
    );
    assert.equal(
      matchPostLogoutRedirectUri(meet, 'https://evil@meet.example/meet/', { ignoreQuery: true }),
      false,
    );
  });

  it('accepts a registered post-logout URI with a fragment exactly', () => {
    const exact = client({ postLogoutRedirectUris: ['https://meet.example/meet/#oidc-endsession-callback'] });
    assert.equal(
      matchPostLogoutRedirectUri(exact, 'https://meet.example/meet/#oidc-endsession-callback'),
      true,
    );
    assert.equal(matchPostLogoutRedirectUri(exact, 'https://meet.example/meet/#x'), false);
  });
});

describe('isLoopbackHost', () => {
  it('knows the three loopback names, in any case and bracketing', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '::1', '[::1]']) {
      assert.equal(isLoopbackHost(host), true, host);
    }
    for (const host of ['localhost.example', '127.0.0.2', 'example.com', '', '0.0.0.0']) {
      assert.equal(isLoopbackHost(host), false, host);
    }
  });
});
