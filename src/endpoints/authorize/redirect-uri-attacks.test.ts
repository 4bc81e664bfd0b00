import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOAuthError } from '../../oauth/errors.js';
import { paths } from '../paths.js';
import { ALICE, ISSUER, MEET_ID, WEB, WEB_REDIRECT } from './test-parties.js';
import { authorize, createBrowserFixture, locationOf, type RawParams } from './test-browser-fixture.js';

// Where an authorization response may go (RFC 6749 §3.1.2, §4.1.2.1; RFC 9700 §4.1, §4.11):
// only to a redirect URI verified for the client, and never, before that, anywhere at all.

function request(clientId: string, redirectUri: string, overrides: RawParams = {}): RawParams {
  return {
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'id_token token',
    scope: 'openid profile email',
    nonce: 'n',
    state: 's',
    ...overrides,
  };
}

function shownAsPage(error: unknown): boolean {
  assert.ok(isOAuthError(error), String(error));
  assert.equal(error.redirectable, false);
  return true;
}

describe('a registered client’s redirect URI is matched on scheme, host and path only as written', () => {
  for (const uri of [
    'https://meet.example.com/meet',
    'https://meet.example.com/meet/../admin/',
    'https://meet.example.com/meet/%2e%2e/admin/',
    'https://MEET.example.com/meet/',
    'https://meet.example.com:443/meet/',
    'https://meet.example.com/meet/\t#oidc-callback',
    'https://attacker@meet.example.com/meet/',
    'http://meet.example.com/meet/',
  ]) {
    it(`refuses ${JSON.stringify(uri)} for Meet with a page`, async () => {
      const fx = await createBrowserFixture();
      const cookies = await fx.signIn(ALICE);
      await assert.rejects(authorize(fx, request(MEET_ID, uri), { cookies }), shownAsPage);
    });
  }
});

describe('implicit trust of unregistered clients on the issuer origin (Konnect compatibility)', () => {
  for (const uri of [
    'https://attacker@meet.example.com/meet/',
    'http://meet.example.com/meet/',
    'https://meet.example.com.evil.example.net/meet/',
    'https://meet.example.com/meet/\n',
    'https://evil.example.net/https://meet.example.com/',
  ]) {
    it(`does not trust ${JSON.stringify(uri)}`, async () => {
      const fx = await createBrowserFixture();
      const cookies = await fx.signIn(ALICE);
      await assert.rejects(authorize(fx, request('kpop-anything', uri), { cookies }), shownAsPage);
    });
  }

  it('never sends tokens to one of Sesame’s own endpoints as an unregistered client’s redirect URI', async () => {
    // The chain this closes: an attacker's page sends a signed-in victim to authorize as an
    // invented client_id "x" (implicitly trusted: no consent, every scope) with
    //   redirect_uri = <issuer>/signin/v1/identifier/_/authorize?client_id=<a registered client
    //                  whose callback the attacker controls>&redirect_uri=<that callback>&…
    // The tokens land in the fragment of that second authorization request; its answer is a
    // 302 whose Location has no fragment, so the browser carries the victim's access token
    // (or code, or ID token) along to the attacker's callback (RFC 9110 §10.2.2).
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    const secondHop = `${ISSUER}${paths.authorize}?${new URLSearchParams({
      client_id: WEB.id,
      redirect_uri: WEB_REDIRECT,
      response_type: 'code',
      scope: 'openid',
      prompt: 'none',
    }).toString()}`;
    let location: string | null = null;
    try {
      location = locationOf(await authorize(fx, request('x', secondHop, { prompt: 'none' }), { cookies }));
    } catch (error) {
      shownAsPage(error);
    }
    assert.equal(location, null, `tokens were sent to ${location?.slice(0, 160) ?? ''}…`);
  });
});

describe('a redirect URI query cannot pre-inject response parameters under Konnect compatibility (issue 7 item 5)', () => {
  it('drops code, state, iss and error* of the requested query; the client sees only the real values', async () => {
    const fx = await createBrowserFixture();
    const cookies = await fx.signIn(ALICE);
    // Meet is trusted (no consent page), registered as https://meet.example.com/meet/.
    const injected = 'https://meet.example.com/meet/?code=ATTACKER&state=forged&iss=evil&error=x&keep=1';
    const response = await authorize(
      fx,
      request(MEET_ID, injected, { response_type: 'code', state: 'real' }),
      {
        cookies,
      },
    );
    const location = new URL(locationOf(response));
    assert.equal(location.searchParams.getAll('code').length, 1);
    assert.notEqual(location.searchParams.get('code'), 'ATTACKER');
    assert.deepEqual(location.searchParams.getAll('state'), ['real']);
    assert.deepEqual(location.searchParams.getAll('iss'), [ISSUER]);
    assert.equal(location.searchParams.get('error'), null);
    assert.equal(location.searchParams.get('keep'), '1');
  });
});
