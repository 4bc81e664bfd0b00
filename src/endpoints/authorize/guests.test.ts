import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { kwmConnect } from '../../../test/helpers/libkcoidc.js';
import { providerMetadata } from '../discovery/metadata.js';
import { paths } from '../paths.js';
import { handleUserinfo } from '../userinfo/handler.js';
import type { EndpointResponse } from '../types.js';
import {
  ALICE,
  ISSUER,
  MEET_CALLBACK,
  MEET_GUEST_KEY,
  MEET_ID,
  MEET_SCOPE,
  NAMESPACE,
  OPEN_GUESTS,
  OPEN_GUESTS_KEY,
  UNSIGNED,
} from './test-parties.js';
import {
  apiRequest,
  authorize,
  createBrowserFixture,
  locationOf,
  tokenRequest,
  type BrowserFixture,
  type BrowserFixtureOptions,
  type RawParams,
} from './test-browser-fixture.js';
import {
  CHALLENGE,
  VERIFIER,
  appendedParams,
  decodeJwt,
  expectedHalfHash,
  expectedSubject,
  verifyWithJwks,
} from './test-expected-values.js';

// Konnect's guests (kopano-meet.md req. 21, 36–39; "Konnect guest flow"): kwmserver 2.0.0
// signs a request object with the Meet client's registered private key
// (kwmserver:signaling/guest/http.go:59-193), and Meet sends it with `id_token token` and
// prompt=none (meet:src/Main.js:124-161). The guest needs no session.

const GUEST_ID = 'Zx8rT2mQ9vLk4pW7nB3cY6hJ1sD5fG0a@1.kwmguest';
const GUEST_NAME = '(Guest) Bob';
const ROOM = 'group/public/standup';
const GUEST_SCOPE = `${MEET_SCOPE} konnect/guestok`;
const NONCE = 'guest-nonce-1';

/** kwmserver's RequestObjectClaims, in its JSON field order (signaling/guest/guest.go). */
function kwmserverObject(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_id: MEET_ID,
    scope: GUEST_SCOPE,
    claims: {
      id_token: { guest: { essential: true, value: GUEST_ID }, name: { value: GUEST_NAME } },
      passthru: { 'kopano/kwm/guest': { type: '1', path: ROOM } },
    },
    ...overrides,
  };
}

/** Signed as jwt-go does it: `{alg, kid, typ: JWT}` with the registered key's kid. */
function signAsKwmserver(
  payload: Record<string, unknown>,
  key = MEET_GUEST_KEY.privateKey,
  kid = 'meet-guest-1',
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(key);
}

/** Meet's guest authorization request (meet:src/Main.js:147-161 through kpop and oidc-client). */
function meetGuestQuery(request: string, overrides: RawParams = {}): RawParams {
  return {
    client_id: MEET_ID,
    redirect_uri: MEET_CALLBACK,
    response_type: 'id_token token',
    response_mode: 'fragment',
    scope: GUEST_SCOPE,
    state: 'guest-state',
    nonce: NONCE,
    prompt: 'none',
    claims: '{"id_token":{"name":null}}',
    request,
    ...overrides,
  };
}

function paramsOf(response: EndpointResponse, redirectUri = MEET_CALLBACK): Map<string, string> {
  return new Map(appendedParams(locationOf(response), redirectUri, '&'));
}

const guests: BrowserFixtureOptions = { allowClientGuests: true };
const guestSub = expectedSubject(GUEST_ID, 'guest');

async function guestSignIn(
  options: BrowserFixtureOptions = guests,
  object: Record<string, unknown> = kwmserverObject(),
): Promise<{ fx: BrowserFixture; response: EndpointResponse; params: Map<string, string> }> {
  const fx = await createBrowserFixture(options);
  const response = await authorize(fx, meetGuestQuery(await signAsKwmserver(object)));
  return { fx, response, params: paramsOf(response) };
}

describe('a guest signs in from kwmserver’s signed request object (req. 36–38)', () => {
  it('gets an access token and an ID token with no session, named as the request says', async () => {
    const { fx, response, params } = await guestSignIn();
    assert.equal(params.get('error'), undefined, params.get('error_description'));
    assert.equal(params.get('token_type'), 'Bearer');
    assert.equal(params.get('state'), 'guest-state');
    assert.ok(!(response.cookies ?? []).some((c) => c.name === fx.sessionCookie), 'no session cookie');
    const idToken = await verifyWithJwks(params.get('id_token') ?? '', fx.tokens, ISSUER, fx.clock.now());
    assert.equal(idToken.sub, guestSub, 'Konnect’s guest subject: keyed BLAKE2b over "<guest id> guest"');
    assert.equal(idToken['name'], GUEST_NAME);
    assert.equal(idToken['nonce'], NONCE);
    assert.equal(idToken['at_hash'], expectedHalfHash(params.get('access_token') ?? ''));
  });

  it('carries kc.identity {kc.i.id, kc.i.guest} and the passthru claims in the access token', async () => {
    const { params } = await guestSignIn();
    const access = decodeJwt(params.get('access_token') ?? '').payload;
    const identity = access['kc.identity'] as Record<string, unknown>;
    assert.equal(identity['kc.i.id'], GUEST_ID);
    assert.equal(identity['kc.i.guest'], true);
    assert.equal(identity['kc.i.un'], undefined);
    const authorized = access['kc.authorizedClaims'] as Record<string, unknown>;
    assert.deepEqual(authorized['passthru'], { 'kopano/kwm/guest': { type: '1', path: ROOM } });
    assert.equal(access['sub'], guestSub);
    assert.equal(access['aud'], MEET_ID);
    assert.deepEqual(access['kc.authorizedScopes'], [
      'openid',
      'profile',
      'email',
      'kopano/kwm',
      'konnect/guestok',
    ]);
  });

  it('passes kwmserver’s rtm connect as a guest restricted to the room', async () => {
    const { fx, params } = await guestSignIn();
    const result = kwmConnect({
      issuer: ISSUER,
      discovery: JSON.stringify(providerMetadata(fx.deps.config, fx.tokens.alg)),
      jwks: JSON.stringify(fx.tokens.jwks()),
      accessToken: params.get('access_token') ?? '',
      idToken: params.get('id_token') ?? null,
      now: fx.clock.now(),
      requiredScopes: ['kopano/kwm'],
    });
    assert.equal(result.isGuest, true);
    assert.equal(result.user, GUEST_ID);
    assert.deepEqual(result.groupRestriction, [ROOM]);
    assert.equal(result.userClaims?.['name'], GUEST_NAME);
  });

  it('serves userinfo for the guest’s access token', async () => {
    const { fx, params } = await guestSignIn();
    const response = await handleUserinfo(
      apiRequest(
        paths.userinfo,
        {},
        {
          method: 'GET',
          headers: { authorization: `Bearer ${params.get('access_token') ?? ''}` },
        },
      ),
      fx.deps,
    );
    assert.equal(response.kind, 'json');
    const body = response.kind === 'json' ? (response.body as Record<string, unknown>) : {};
    assert.equal(response.kind === 'json' ? response.status : 0, 200, JSON.stringify(body));
    assert.equal(body['sub'], guestSub);
    assert.equal(body['name'], GUEST_NAME);
  });

  it('serves userinfo for the guest in the RFC 9068 format too', async () => {
    const { fx, params } = await guestSignIn({ ...guests, accessTokenFormat: 'rfc9068' });
    const response = await handleUserinfo(
      apiRequest(
        paths.userinfo,
        {},
        {
          method: 'GET',
          headers: { authorization: `Bearer ${params.get('access_token') ?? ''}` },
        },
      ),
      fx.deps,
    );
    const body = response.kind === 'json' ? (response.body as Record<string, unknown>) : {};
    assert.equal(body['sub'], guestSub);
  });

  it('works with the code flow too, the code redeeming without a session', async () => {
    const fx = await createBrowserFixture(guests);
    const request = await signAsKwmserver(kwmserverObject());
    const params = paramsOf(
      await authorize(
        fx,
        meetGuestQuery(request, {
          response_type: 'code',
          code_challenge: CHALLENGE,
          code_challenge_method: 'S256',
        }),
      ),
    );
    assert.ok(params.get('code'), params.get('error_description'));
    const tokens = await tokenRequest(fx, {
      grant_type: 'authorization_code',
      client_id: MEET_ID,
      code: params.get('code') ?? '',
      redirect_uri: MEET_CALLBACK,
      code_verifier: VERIFIER,
    });
    assert.equal(decodeJwt(tokens.id_token ?? '').payload['sub'], guestSub);
    assert.equal(decodeJwt(tokens.id_token ?? '').payload['name'], GUEST_NAME);
    assert.equal(tokens.refresh_token, undefined);
  });
});

describe('nobody becomes a guest without the client’s signature (req. 37–38)', () => {
  const forgedClaims = JSON.stringify({
    id_token: { guest: { value: 'mallory@1.kwmguest' }, name: { value: '(Guest) Mallory' } },
    passthru: { 'kopano/kwm/guest': { type: '1', path: 'group/public/boardroom' } },
  });

  function noTokens(params: Map<string, string>): void {
    assert.equal(params.get('access_token'), undefined);
    assert.equal(params.get('id_token'), undefined);
    assert.ok(params.get('error'), 'an error for the client');
  }

  it('does not make a guest from a signed object without claims plus a claims query parameter', async () => {
    const fx = await createBrowserFixture(guests);
    const request = await signAsKwmserver({ client_id: MEET_ID, scope: GUEST_SCOPE });
    noTokens(paramsOf(await authorize(fx, meetGuestQuery(request, { claims: forgedClaims }))));
  });

  it('does not make a guest from a claims query parameter alone', async () => {
    const fx = await createBrowserFixture(guests);
    const query = Object.fromEntries(
      Object.entries(meetGuestQuery('', { claims: forgedClaims })).filter(([name]) => name !== 'request'),
    );
    noTokens(paramsOf(await authorize(fx, query)));
  });

  it('does not make a guest from an unsigned request object, even of a client that registered none', async () => {
    const fx = await createBrowserFixture(guests);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const redirect = 'https://unsigned.example.com/cb';
    const object = { ...kwmserverObject({ client_id: UNSIGNED.id }) };
    const response = await authorize(fx, {
      ...meetGuestQuery(`${encode({ alg: 'none' })}.${encode(object)}.`),
      client_id: UNSIGNED.id,
      redirect_uri: redirect,
    });
    const params = new Map(appendedParams(locationOf(response), redirect, '#'));
    noTokens(params);
  });

  it('does not make a guest from an object signed with another key', async () => {
    const fx = await createBrowserFixture(guests);
    const request = await signAsKwmserver(kwmserverObject(), OPEN_GUESTS_KEY.privateKey, 'meet-guest-1');
    noTokens(paramsOf(await authorize(fx, meetGuestQuery(request))));
  });

  it('refuses guests while allow_client_guests is off: login_required', async () => {
    const { params } = await guestSignIn({ allowClientGuests: false });
    noTokens(params);
    assert.equal(params.get('error'), 'login_required');
  });

  it('answers interaction_required to a guest asked for consent', async () => {
    const fx = await createBrowserFixture(guests);
    const request = await signAsKwmserver(kwmserverObject());
    const params = paramsOf(await authorize(fx, meetGuestQuery(request, { prompt: 'consent' })));
    noTokens(params);
    assert.equal(params.get('error'), 'interaction_required');
  });
});

describe('a signed-in user opening a guest link stays themselves', () => {
  it('issues the user’s own tokens, with the user’s real name, not the guest’s', async () => {
    const fx = await createBrowserFixture(guests);
    const cookies = await fx.signIn(ALICE);
    const request = await signAsKwmserver(kwmserverObject());
    const params = paramsOf(await authorize(fx, meetGuestQuery(request), { cookies }));
    const idToken = await verifyWithJwks(params.get('id_token') ?? '', fx.tokens, ISSUER, fx.clock.now());
    assert.equal(idToken.sub, expectedSubject(ALICE.id, NAMESPACE));
    assert.equal(idToken['name'], 'Alice Liddell');
    const identity = decodeJwt(params.get('access_token') ?? '').payload['kc.identity'] as Record<
      string,
      unknown
    >;
    assert.equal(identity['kc.i.id'], ALICE.id);
    assert.equal(identity['kc.i.guest'], undefined);
  });

  it('is asked to sign in again when max_age demands it, never replaced by the guest', async () => {
    const fx = await createBrowserFixture(guests);
    const cookies = await fx.signIn(ALICE);
    const request = await signAsKwmserver(kwmserverObject());
    const params = paramsOf(await authorize(fx, { ...meetGuestQuery(request), max_age: '0' }, { cookies }));
    assert.equal(params.get('error'), 'login_required');
    assert.equal(params.get('access_token'), undefined);
  });
});

describe('a guest never gets konnect/raw_sub, groups or offline_access', () => {
  const extra = `${GUEST_SCOPE} konnect/raw_sub groups offline_access`;

  it('from Meet, whose registration lists trusted_scopes', async () => {
    const { params } = await guestSignIn(guests, kwmserverObject({ scope: extra }));
    assert.equal(params.get('error'), undefined, params.get('error_description'));
    const scopes = decodeJwt(params.get('access_token') ?? '').payload['kc.authorizedScopes'] as string[];
    for (const scope of ['konnect/raw_sub', 'groups', 'offline_access'])
      assert.ok(!scopes.includes(scope), scope);
    assert.equal(decodeJwt(params.get('id_token') ?? '').payload['sub'], guestSub);
  });

  it('keeps kopano/kwm from trusted_scopes when identifier-scopes.yaml defines it (Cloudron’s layout)', async () => {
    const fx = await createBrowserFixture(guests);
    const deps = {
      ...fx.deps,
      scopeDefinitions: {
        scopes: [{ id: 'kopano/kwm', description: 'Use the video meeting server', priority: 5 }],
        mapping: new Map<string, string>(),
        warnings: [],
      },
    };
    const request = await signAsKwmserver(kwmserverObject());
    const params = paramsOf(await authorize({ ...fx, deps }, meetGuestQuery(request)));
    assert.equal(params.get('error'), undefined, params.get('error_description'));
    const scopes = decodeJwt(params.get('access_token') ?? '').payload['kc.authorizedScopes'] as string[];
    assert.ok(scopes.includes('kopano/kwm'), scopes.join(' '));
  });

  it('from a trusted client registered without trusted_scopes', async () => {
    const fx = await createBrowserFixture(guests);
    const redirect = 'https://guests.example.com/cb';
    const request = await signAsKwmserver(
      kwmserverObject({ client_id: OPEN_GUESTS.id, scope: extra }),
      OPEN_GUESTS_KEY.privateKey,
      'open-guests-1',
    );
    const response = await authorize(fx, {
      ...meetGuestQuery(request, { scope: extra }),
      client_id: OPEN_GUESTS.id,
      redirect_uri: redirect,
    });
    const params = new Map(appendedParams(locationOf(response), redirect, '#'));
    assert.equal(params.get('error'), undefined, params.get('error_description'));
    const scopes = (params.get('scope') ?? '').split(' ');
    for (const scope of ['konnect/raw_sub', 'groups', 'offline_access']) {
      assert.ok(!scopes.includes(scope), `a guest was granted ${scope}`);
    }
    assert.equal(
      decodeJwt(params.get('id_token') ?? '').payload['sub'],
      guestSub,
      'the guest’s sub stays hashed',
    );
  });

  it('cannot take a directory user’s subject by naming the user’s raw id as its guest id', async () => {
    const fx = await createBrowserFixture(guests);
    const redirect = 'https://guests.example.com/cb';
    const object = kwmserverObject({
      client_id: OPEN_GUESTS.id,
      scope: 'openid profile konnect/guestok konnect/raw_sub',
    });
    const claims = object['claims'] as { id_token: Record<string, unknown> };
    claims.id_token['guest'] = { essential: true, value: ALICE.id };
    const request = await signAsKwmserver(object, OPEN_GUESTS_KEY.privateKey, 'open-guests-1');
    const response = await authorize(fx, {
      ...meetGuestQuery(request),
      client_id: OPEN_GUESTS.id,
      redirect_uri: redirect,
    });
    const params = new Map(appendedParams(locationOf(response), redirect, '#'));
    const sub = decodeJwt(params.get('id_token') ?? '').payload['sub'];
    assert.notEqual(sub, ALICE.id, 'the guest’s ID token names Alice’s raw subject');
  });
});
