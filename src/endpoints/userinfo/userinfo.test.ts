import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { konnectSubject } from '../../tokens/subject.js';
import {
  ALICE,
  NAMESPACE,
  createFixture,
  obtainTokens,
  request,
  type Fixture,
  type RawParams,
  SIGNED,
  ISSUER,
} from '../token/test-fixture.js';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import type { EndpointResponse } from '../types.js';
import { handleUserinfo } from './handler.js';
import { handleRevocation } from '../revocation/handler.js';
import { UserCache } from './user-cache.js';
import { WEB } from '../token/test-fixture.js';

interface Answer {
  readonly status: number;
  readonly challenge: string | undefined;
  readonly body: Record<string, unknown> | undefined;
  readonly headers: Readonly<Record<string, string>>;
}

function answer(response: EndpointResponse): Answer {
  if (response.kind !== 'json' && response.kind !== 'empty')
    throw new Error(`unexpected ${response.kind} response`);
  return {
    status: response.status,
    challenge: response.headers?.['WWW-Authenticate'],
    body: response.kind === 'json' ? (response.body as Record<string, unknown>) : undefined,
    headers: response.headers ?? {},
  };
}

describe('userinfo endpoint', () => {
  let fx: Fixture;
  let accessToken: string;
  beforeEach(async () => {
    fx = await createFixture();
    accessToken = (await obtainTokens(fx)).access_token;
  });

  const get = (headers: Record<string, string> = {}, query: RawParams = {}) =>
    handleUserinfo(request({}, { method: 'GET', headers, query }), fx.deps).then(answer);
  const post = (body: RawParams, headers: Record<string, string> = {}) =>
    handleUserinfo(request(body, { method: 'POST', headers }), fx.deps).then(answer);

  it('answers the claims of the granted scopes for a Bearer header, uncached', async () => {
    const result = await get({ authorization: `Bearer ${accessToken}` });
    assert.equal(result.status, 200);
    assert.equal(result.headers['Cache-Control'], 'no-store');
    assert.deepEqual(result.body, {
      sub: konnectSubject(ALICE.id, NAMESPACE),
      name: 'Alice Liddell',
      given_name: 'Alice',
      family_name: 'Liddell',
      preferred_username: 'alice',
      email: 'alice@example.com',
      email_verified: true,
    });
  });

  it('accepts the Bearer scheme in any case', async () => {
    assert.equal((await get({ authorization: `bEaReR ${accessToken}` })).status, 200);
  });

  it('releases only the claims of the granted scopes', async () => {
    const token = (await obtainTokens(fx, { scopes: ['openid', 'email'] })).access_token;
    const result = await get({ authorization: `Bearer ${token}` });
    assert.deepEqual(result.body, {
      sub: konnectSubject(ALICE.id, NAMESPACE),
      email: 'alice@example.com',
      email_verified: true,
    });
  });

  it('answers the raw id as sub when konnect/raw_sub was granted', async () => {
    const token = (await obtainTokens(fx, { scopes: ['openid', 'konnect/raw_sub'] })).access_token;
    assert.deepEqual((await get({ authorization: `Bearer ${token}` })).body, { sub: ALICE.id });
  });

  it("answers Konnect's id, username and kc.uuid for konnect/id and konnect/uuid", async () => {
    fx.directory.users.set(ALICE.id, {
      ...ALICE,
      numericId: 1001,
      uuid: 'b6e2c7a0-0000-4000-8000-000000000001',
    });
    const token = (await obtainTokens(fx, { scopes: ['openid', 'konnect/id', 'konnect/uuid'] })).access_token;
    assert.deepEqual((await get({ authorization: `Bearer ${token}` })).body, {
      sub: konnectSubject(ALICE.id, NAMESPACE),
      id: 1001,
      username: 'alice',
      'kc.uuid': 'b6e2c7a0-0000-4000-8000-000000000001',
    });
  });

  it('accepts the access_token form parameter in a POST', async () => {
    const result = await post({ access_token: accessToken });
    assert.equal(result.status, 200);
    assert.equal(result.body?.['sub'], konnectSubject(ALICE.id, NAMESPACE));
  });

  it('refuses a token sent both in the header and in the body', async () => {
    const result = await post({ access_token: accessToken }, { authorization: `Bearer ${accessToken}` });
    assert.equal(result.status, 400);
    assert.equal(result.body?.['error'], 'invalid_request');
    assert.match(result.challenge ?? '', /^Bearer realm="sesame", error="invalid_request"/);
  });

  it('refuses a repeated access_token parameter', async () => {
    const result = await post({ access_token: [accessToken, accessToken] });
    assert.equal(result.status, 400);
    assert.equal(result.body?.['error'], 'invalid_request');
  });

  it('refuses an access token in the query', async () => {
    const result = await get({}, { access_token: accessToken });
    assert.equal(result.status, 400);
    assert.equal(result.body?.['error'], 'invalid_request');
  });

  it('challenges a request without a token, with no error code', async () => {
    const result = await get();
    assert.equal(result.status, 401);
    assert.equal(result.challenge, 'Bearer realm="sesame"');
  });

  it('does not take a body token from a GET', async () => {
    const result = answer(
      await handleUserinfo(request({ access_token: accessToken }, { method: 'GET' }), fx.deps),
    );
    assert.equal(result.status, 401);
    assert.equal(result.challenge, 'Bearer realm="sesame"');
  });

  it('refuses a malformed Bearer header', async () => {
    const result = await get({ authorization: 'Bearer ' });
    assert.equal(result.status, 400);
    assert.equal(result.body?.['error'], 'invalid_request');
  });

  it('refuses a token that is not ours with invalid_token', async () => {
    const result = await get({ authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' });
    assert.equal(result.status, 401);
    assert.match(
      result.challenge ?? '',
      /^Bearer realm="sesame", error="invalid_token", error_description="[^"]+"$/,
    );
    assert.equal(result.body?.['error'], 'invalid_token');
  });

  it('refuses an expired token', async () => {
    fx.clock.advance(601_000);
    const result = await get({ authorization: `Bearer ${accessToken}` });
    assert.equal(result.status, 401);
    assert.match(result.challenge ?? '', /error="invalid_token"/);
  });

  it('refuses a token whose grant was revoked', async () => {
    const { grantId } = await fx.tokens.verifyAccessToken(accessToken);
    await fx.storage.grants.revoke(grantId, fx.clock.now());
    const result = await get({ authorization: `Bearer ${accessToken}` });
    assert.equal(result.status, 401);
    assert.match(
      result.challenge ?? '',
      /error="invalid_token", error_description="the access token has been revoked"/,
    );
  });

  it('refuses a token without the openid scope with 403 insufficient_scope', async () => {
    const token = (await obtainTokens(fx, { scopes: ['profile', 'email'] })).access_token;
    const result = await get({ authorization: `Bearer ${token}` });
    assert.equal(result.status, 403);
    assert.match(result.challenge ?? '', /error="insufficient_scope".*scope="openid"/);
  });

  it('refuses a token of a user who no longer exists', async () => {
    fx.directory.users.clear();
    const result = await get({ authorization: `Bearer ${accessToken}` });
    assert.equal(result.status, 401);
    assert.match(result.challenge ?? '', /error="invalid_token"/);
  });

  it('answers 503 without a challenge while the directory is down', async () => {
    fx.directory.down = true;
    const result = await get({ authorization: `Bearer ${accessToken}` });
    assert.equal(result.status, 503);
    assert.equal(result.challenge, undefined);
    assert.equal(result.body?.['error'], 'temporarily_unavailable');
  });

  it('answers other methods with 405', async () => {
    const result = answer(await handleUserinfo(request({}, { method: 'PUT' }), fx.deps));
    assert.equal(result.status, 405);
    assert.equal(result.headers['Allow'], 'GET, POST');
  });

  it('answers a client registered with userinfo_signed_response_alg with a signed JWT', async () => {
    const signedToken = (await obtainTokens(fx, { client: SIGNED })).access_token;
    const response = await handleUserinfo(
      request({}, { method: 'GET', headers: { authorization: `Bearer ${signedToken}` } }),
      fx.deps,
    );
    assert.equal(response.kind, 'text');
    if (response.kind !== 'text') return;
    assert.equal(response.contentType, 'application/jwt');
    const { payload, protectedHeader } = await jwtVerify(
      response.body,
      createLocalJWKSet({ keys: [...fx.tokens.jwks().keys] as JWK[] }),
      {
        issuer: ISSUER,
        audience: 'signed-app',
      },
    );
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.sub, konnectSubject(ALICE.id, NAMESPACE));
    assert.equal(payload.preferred_username, 'alice');
  });
});

describe('userinfo with the user cache', () => {
  let fx: Fixture;
  let deps: Fixture['deps'];
  let accessToken: string;
  let reads: number;
  beforeEach(async () => {
    fx = await createFixture();
    deps = { ...fx.deps, userinfoUsers: new UserCache({ clock: fx.clock, ttlMs: 2000 }) };
    accessToken = (await obtainTokens(fx)).access_token;
    reads = 0;
    const getUser = fx.directory.getUser.bind(fx.directory);
    fx.directory.getUser = (id) => {
      reads++;
      return getUser(id);
    };
  });

  const get = (token = accessToken) =>
    handleUserinfo(request({}, { method: 'GET', headers: { authorization: `Bearer ${token}` } }), deps).then(
      answer,
    );

  it('asks the directory once for a burst of requests for one user', async () => {
    const results = await Promise.all([get(), get(), get()]);
    assert.deepEqual(
      results.map((r) => r.status),
      [200, 200, 200],
    );
    assert.equal((await get()).body?.['name'], 'Alice Liddell');
    assert.equal(reads, 1);
  });

  it('still refuses at once a token whose grant was revoked at the revocation endpoint', async () => {
    assert.equal((await get()).status, 200);
    const revoked = await handleRevocation(
      request({ token: accessToken, client_id: WEB.id, client_secret: WEB.secret ?? '' }, { method: 'POST' }),
      deps,
    );
    assert.equal(revoked.kind === 'empty' || revoked.kind === 'json' ? revoked.status : 0, 200);
    const result = await get();
    assert.equal(result.status, 401);
    assert.match(result.challenge ?? '', /error="invalid_token"/);
  });

  it('still refuses at once a token whose grant storage revoked (another process or instance)', async () => {
    assert.equal((await get()).status, 200);
    const { grantId } = await fx.tokens.verifyAccessToken(accessToken);
    await fx.storage.grants.revoke(grantId, fx.clock.now());
    assert.equal((await get()).status, 401);
  });

  it('shows changed claims, and refuses a removed user, once the TTL has passed', async () => {
    assert.equal((await get()).body?.['name'], 'Alice Liddell');
    fx.directory.users.set(ALICE.id, { ...ALICE, name: 'Alice Kingsleigh' });
    fx.clock.advance(2000);
    assert.equal((await get()).body?.['name'], 'Alice Kingsleigh');
    fx.directory.users.clear();
    fx.clock.advance(2000);
    const result = await get();
    assert.equal(result.status, 401);
    assert.match(result.challenge ?? '', /error="invalid_token"/);
  });

  it('still checks the token against its own scopes and subject', async () => {
    const emailOnly = (await obtainTokens(fx, { scopes: ['openid', 'email'] })).access_token;
    const raw = (await obtainTokens(fx, { scopes: ['openid', 'konnect/raw_sub'] })).access_token;
    reads = 0;
    assert.equal((await get()).body?.['sub'], konnectSubject(ALICE.id, NAMESPACE));
    assert.deepEqual((await get(emailOnly)).body, {
      sub: konnectSubject(ALICE.id, NAMESPACE),
      email: 'alice@example.com',
      email_verified: true,
    });
    assert.deepEqual((await get(raw)).body, { sub: ALICE.id });
    assert.equal(reads, 1);
  });
});
