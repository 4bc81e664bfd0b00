import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { isOAuthError, type OAuthErrorCode } from '../../oauth/errors.js';
import { hashToken } from '../../lib/ids.js';
import { konnectSubject } from '../../tokens/subject.js';
import type { EndpointResponse } from '../types.js';
import { handleUserinfo } from '../userinfo/handler.js';
import { handleToken } from './handler.js';
import {
  ALICE,
  CHALLENGE,
  ISSUER,
  NAMESPACE,
  OTHER,
  REDIRECT_URI,
  SPA,
  SPA_REDIRECT_URI,
  VERIFIER,
  WEB,
  basic,
  createFixture,
  obtainTokens,
  request,
  seedCode,
  type Fixture,
  type RawParams,
  type TokenBody,
} from './test-fixture.js';

const webAuth = { client_id: WEB.id, client_secret: 'web-secret' };

function rejectsWith(promise: Promise<unknown>, code: OAuthErrorCode, description?: RegExp, status?: number) {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(isOAuthError(error), `expected an OAuthError, got ${String(error)}`);
    assert.equal(error.code, code, error.description);
    if (description) assert.match(error.description, description);
    if (status !== undefined) assert.equal(error.status, status);
    return true;
  });
}

function body(response: EndpointResponse): TokenBody {
  assert.equal(response.kind, 'json');
  assert.ok(response.kind === 'json', "response.kind === 'json'");
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body as TokenBody;
}

async function userinfoStatus(fx: Fixture, accessToken: string): Promise<number> {
  const response = await handleUserinfo(
    request({}, { method: 'GET', headers: { authorization: `Bearer ${accessToken}` } }),
    fx.deps,
  );
  return response.kind === 'json' || response.kind === 'empty' ? response.status : 0;
}

describe('token endpoint: authorization_code', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await createFixture();
  });

  const redeem = (code: string, extra: RawParams = {}) =>
    handleToken(
      request({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, ...webAuth, ...extra }),
      fx.deps,
    );

  it('issues tokens and an ID token that verifies against the published keys', async () => {
    const { code, grant } = await seedCode(fx);
    const response = await redeem(code);
    assert.equal(response.headers?.['Cache-Control'], 'no-store');
    assert.equal(response.headers?.['Pragma'], 'no-cache');
    const tokens = body(response);
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.expires_in, 600);
    assert.equal(tokens.scope, 'openid profile email offline_access');
    assert.ok(tokens.refresh_token, 'tokens.refresh_token');
    assert.ok(tokens.id_token, 'tokens.id_token');

    const { payload, protectedHeader } = await jwtVerify(
      tokens.id_token,
      createLocalJWKSet({ keys: [...fx.tokens.jwks().keys] }),
      {
        issuer: ISSUER,
        audience: WEB.id,
        currentDate: new Date(fx.clock.now()),
      },
    );
    assert.equal(protectedHeader.typ, 'JWT');
    assert.equal(payload.sub, konnectSubject(ALICE.id, NAMESPACE));
    assert.equal(payload['nonce'], 'n-0S6_WzA2Mj');
    assert.equal(payload['sid'], 'session-1');
    assert.equal(payload['auth_time'], Math.floor(grant.authTime / 1000));
    assert.equal(typeof payload['at_hash'], 'string');
    for (const claim of ['name', 'email', 'preferred_username'])
      assert.equal(payload[claim], undefined, claim);
    assert.equal(await userinfoStatus(fx, tokens.access_token), 200);
  });

  it('issues no refresh token without offline_access', async () => {
    const { code } = await seedCode(fx, { scopes: ['openid', 'profile'] });
    const tokens = body(await redeem(code));
    assert.equal(tokens.refresh_token, undefined);
    assert.equal(tokens.scope, 'openid profile');
  });

  it('refuses a reused authorization code and revokes the tokens issued from it', async () => {
    const { code } = await seedCode(fx);
    const first = body(await redeem(code));
    await rejectsWith(redeem(code), 'invalid_grant', /already been used/);
    assert.equal(await userinfoStatus(fx, first.access_token), 401);
    await rejectsWith(
      handleToken(
        request({ grant_type: 'refresh_token', refresh_token: first.refresh_token!, ...webAuth }),
        fx.deps,
      ),
      'invalid_grant',
    );
  });

  it('refuses a redirect_uri that differs from the authorization request', async () => {
    const { code } = await seedCode(fx);
    await rejectsWith(redeem(code, { redirect_uri: `${REDIRECT_URI}/` }), 'invalid_grant', /redirect_uri/);
  });

  it('refuses a request without redirect_uri before spending the code', async () => {
    const { code } = await seedCode(fx);
    await rejectsWith(
      handleToken(request({ grant_type: 'authorization_code', code, ...webAuth }), fx.deps),
      'invalid_request',
      /redirect_uri/,
    );
    body(await redeem(code));
  });

  it('refuses a wrong or missing PKCE code_verifier', async () => {
    const wrong = await seedCode(fx, { challenge: CHALLENGE });
    await rejectsWith(
      redeem(wrong.code, { code_verifier: 'x'.repeat(43) }),
      'invalid_grant',
      /code_verifier/,
    );
    const missing = await seedCode(fx, { challenge: CHALLENGE });
    await rejectsWith(redeem(missing.code), 'invalid_grant', /code_verifier is required/);
    const right = await seedCode(fx, { challenge: CHALLENGE });
    body(await redeem(right.code, { code_verifier: VERIFIER }));
  });

  it('refuses a code_verifier for a code issued without a challenge', async () => {
    const { code } = await seedCode(fx);
    await rejectsWith(redeem(code, { code_verifier: VERIFIER }), 'invalid_grant', /no code_challenge/);
  });

  it('refuses an expired code', async () => {
    const { code } = await seedCode(fx);
    fx.clock.advance(61_000);
    await rejectsWith(redeem(code), 'invalid_grant', /expired/);
  });

  it('refuses an unknown code', async () => {
    await rejectsWith(redeem('not-a-code'), 'invalid_grant');
  });

  it('refuses a code issued to another client', async () => {
    const { code } = await seedCode(fx, { client: OTHER });
    await rejectsWith(redeem(code), 'invalid_grant', /another client/);
  });

  describe('a code presented by someone who only learned it (issue 7 item 4)', () => {
    const asOther = { client_id: OTHER.id, client_secret: 'other-secret' };

    it('is not spent when another client presents it: its owner still redeems it', async () => {
      const { code } = await seedCode(fx);
      await rejectsWith(redeem(code, asOther), 'invalid_grant', /another client/);
      body(await redeem(code));
    });

    it('is not spent by a wrong redirect_uri or a missing PKCE verifier', async () => {
      const { code } = await seedCode(fx, { challenge: CHALLENGE });
      await rejectsWith(
        redeem(code, { redirect_uri: 'https://evil.example/cb', code_verifier: VERIFIER }),
        'invalid_grant',
      );
      await rejectsWith(redeem(code), 'invalid_grant', /code_verifier/);
      body(await redeem(code, { code_verifier: VERIFIER }));
    });

    it('cannot revoke the owner’s grant after redemption by presenting it as another client', async () => {
      const { code } = await seedCode(fx);
      const tokens = body(await redeem(code));
      await rejectsWith(redeem(code, asOther), 'invalid_grant', /another client/);
      assert.equal(await userinfoStatus(fx, tokens.access_token), 200);
    });

    it('is still reuse when its confidential owner replays it, with or without the verifier', async () => {
      const { code } = await seedCode(fx, { challenge: CHALLENGE });
      const tokens = body(await redeem(code, { code_verifier: VERIFIER }));
      await rejectsWith(redeem(code), 'invalid_grant', /already been used/);
      assert.equal(await userinfoStatus(fx, tokens.access_token), 401);
    });

    it('cannot revoke a public client’s grant without the PKCE verifier', async () => {
      const { code } = await seedCode(fx, { client: SPA, challenge: CHALLENGE });
      const spa = (extra: RawParams) =>
        handleToken(
          request({
            grant_type: 'authorization_code',
            code,
            redirect_uri: SPA_REDIRECT_URI,
            client_id: SPA.id,
            ...extra,
          }),
          fx.deps,
        );
      const tokens = body(await spa({ code_verifier: VERIFIER }));
      await rejectsWith(spa({}), 'invalid_grant', /code_verifier/);
      assert.equal(await userinfoStatus(fx, tokens.access_token), 200);
      await rejectsWith(spa({ code_verifier: VERIFIER }), 'invalid_grant', /already been used/);
      assert.equal(await userinfoStatus(fx, tokens.access_token), 401, 'a replay by the owner still revokes');
    });
  });

  it('refuses a confidential client with a wrong secret (invalid_client, 401)', async () => {
    const { code } = await seedCode(fx);
    await rejectsWith(redeem(code, { client_secret: 'wrong' }), 'invalid_client', undefined, 401);
  });

  it('answers a failed Basic authentication with a WWW-Authenticate challenge', async () => {
    const { code } = await seedCode(fx);
    const response = await handleToken(
      request(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
        { headers: { authorization: basic(WEB.id, 'wrong') } },
      ),
      fx.deps,
    );
    assert.equal(response.kind === 'json' && response.status, 401);
    assert.match(response.headers?.['WWW-Authenticate'] ?? '', /^Basic realm="sesame"/);
    assert.deepEqual(
      response.kind === 'json' && (response.body as { error: string }).error,
      'invalid_client',
    );
  });

  it('accepts client_secret_basic', async () => {
    const { code } = await seedCode(fx);
    const response = await handleToken(
      request(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
        { headers: { authorization: basic(WEB.id, 'web-secret') } },
      ),
      fx.deps,
    );
    body(response);
  });

  it('refuses a request without any client_id', async () => {
    const { code } = await seedCode(fx);
    await rejectsWith(
      handleToken(request({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }), fx.deps),
      'invalid_request',
      /client_id/,
    );
  });

  it('lets a public client redeem a code with PKCE and no secret', async () => {
    const { code } = await seedCode(fx, { client: SPA, challenge: CHALLENGE });
    const tokens = body(
      await handleToken(
        request({
          grant_type: 'authorization_code',
          code,
          redirect_uri: SPA_REDIRECT_URI,
          client_id: SPA.id,
          code_verifier: VERIFIER,
        }),
        fx.deps,
      ),
    );
    assert.ok(tokens.id_token, 'tokens.id_token');
  });

  it('refuses a public client whose code has no PKCE challenge', async () => {
    const { code } = await seedCode(fx, { client: SPA });
    await rejectsWith(
      handleToken(
        request({
          grant_type: 'authorization_code',
          code,
          redirect_uri: SPA_REDIRECT_URI,
          client_id: SPA.id,
        }),
        fx.deps,
      ),
      'invalid_grant',
      /PKCE/,
    );
  });

  it('refuses a code whose grant was revoked', async () => {
    const { code, grant } = await seedCode(fx);
    await fx.storage.grants.revoke(grant.id, fx.clock.now());
    await rejectsWith(redeem(code), 'invalid_grant', /revoked/);
  });

  it('refuses a code of a user who no longer exists', async () => {
    const { code } = await seedCode(fx);
    fx.directory.users.clear();
    await rejectsWith(redeem(code), 'invalid_grant', /user no longer exists/);
  });

  it('answers 503 temporarily_unavailable when the directory is down', async () => {
    const { code } = await seedCode(fx);
    fx.directory.down = true;
    await rejectsWith(redeem(code), 'temporarily_unavailable', undefined, 503);
  });
});

describe('token endpoint: refresh_token', () => {
  let fx: Fixture;
  let first: TokenBody;
  beforeEach(async () => {
    fx = await createFixture();
    first = await obtainTokens(fx);
  });

  const refresh = (refreshToken: string, extra: RawParams = {}) =>
    handleToken(
      request({ grant_type: 'refresh_token', refresh_token: refreshToken, ...webAuth, ...extra }),
      fx.deps,
    );

  it('rotates the refresh token and issues a new access token and ID token', async () => {
    fx.clock.advance(60_000);
    const next = body(await refresh(first.refresh_token!));
    assert.ok(next.refresh_token, 'next.refresh_token');
    assert.notEqual(next.refresh_token, first.refresh_token);
    assert.notEqual(next.access_token, first.access_token);
    assert.equal(next.scope, 'openid profile email offline_access');
    const { payload } = await jwtVerify(
      next.id_token!,
      createLocalJWKSet({ keys: [...fx.tokens.jwks().keys] }),
      {
        issuer: ISSUER,
        audience: WEB.id,
        currentDate: new Date(fx.clock.now()),
      },
    );
    assert.equal(payload['nonce'], undefined);
    assert.equal(payload['auth_time'], Math.floor((fx.clock.now() - 60_000 - 5000) / 1000));
    assert.equal(await userinfoStatus(fx, next.access_token), 200);
    body(await refresh(next.refresh_token!));
  });

  it('serves a retry within the grace window', async () => {
    body(await refresh(first.refresh_token!));
    fx.clock.advance(5_000);
    const retry = body(await refresh(first.refresh_token!));
    body(await refresh(retry.refresh_token!));
  });

  it('revokes the family when the successor withdrawn by a grace-window retry is presented later', async () => {
    // The client rotates; a thief replays the old token within the grace window and gets a
    // new one; when the client then uses the successor it received, the theft shows.
    const clients = body(await refresh(first.refresh_token!));
    const thiefs = body(await refresh(first.refresh_token!));
    await rejectsWith(refresh(clients.refresh_token!), 'invalid_grant', /reuse detected/);
    await rejectsWith(refresh(thiefs.refresh_token!), 'invalid_grant');
    assert.equal(await userinfoStatus(fx, thiefs.access_token), 401);
  });

  it('revokes the whole family when a rotated refresh token is reused after the grace window', async () => {
    const second = body(await refresh(first.refresh_token!));
    fx.clock.advance(11_000);
    await rejectsWith(refresh(first.refresh_token!), 'invalid_grant', /reuse detected/);
    await rejectsWith(refresh(second.refresh_token!), 'invalid_grant');
    assert.equal(await userinfoStatus(fx, second.access_token), 401);
    assert.equal(await userinfoStatus(fx, first.access_token), 401);
  });

  it('narrows the scope of the access token but keeps the refresh token whole', async () => {
    const narrow = body(await refresh(first.refresh_token!, { scope: 'openid profile' }));
    assert.equal(narrow.scope, 'openid profile');
    const claims = await fx.tokens.verifyAccessToken(narrow.access_token);
    assert.deepEqual(claims.scopes, ['openid', 'profile']);
    const whole = body(await refresh(narrow.refresh_token!));
    assert.equal(whole.scope, 'openid profile email offline_access');
  });

  it('refuses to widen the scope, without spending the refresh token', async () => {
    await rejectsWith(refresh(first.refresh_token!, { scope: 'openid groups' }), 'invalid_scope');
    body(await refresh(first.refresh_token!));
  });

  it("refuses another client's refresh token without spending it", async () => {
    await rejectsWith(
      handleToken(
        request({
          grant_type: 'refresh_token',
          refresh_token: first.refresh_token!,
          client_id: OTHER.id,
          client_secret: 'other-secret',
        }),
        fx.deps,
      ),
      'invalid_grant',
    );
    body(await refresh(first.refresh_token!));
  });

  it('refuses an unknown or expired refresh token', async () => {
    await rejectsWith(refresh('unknown'), 'invalid_grant');
    fx.clock.advance(31 * 86400_000);
    await rejectsWith(refresh(first.refresh_token!), 'invalid_grant');
  });

  it('revokes the grant when the user no longer exists', async () => {
    fx.directory.users.clear();
    await rejectsWith(refresh(first.refresh_token!), 'invalid_grant', /user no longer exists/);
    const { grantId } = await fx.tokens.verifyAccessToken(first.access_token);
    assert.notEqual((await fx.storage.grants.get(grantId))?.revokedAt ?? null, null, 'grant revoked');
    assert.equal(await fx.storage.refreshTokens.get(hashToken(first.refresh_token!)), null);
  });
});

describe('token endpoint: request parsing', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await createFixture();
  });

  it('refuses an unsupported grant_type', async () => {
    await rejectsWith(
      handleToken(request({ grant_type: 'password', ...webAuth }), fx.deps),
      'unsupported_grant_type',
    );
  });

  it('refuses a request without grant_type', async () => {
    await rejectsWith(handleToken(request({ ...webAuth }), fx.deps), 'invalid_request', /grant_type/);
  });

  it('refuses repeated parameters', async () => {
    const { code } = await seedCode(fx);
    await rejectsWith(
      handleToken(
        request({
          grant_type: 'authorization_code',
          code: [code, code],
          redirect_uri: REDIRECT_URI,
          ...webAuth,
        }),
        fx.deps,
      ),
      'invalid_request',
      /parameter code must not be repeated/,
    );
    await rejectsWith(
      handleToken(
        request({ grant_type: ['refresh_token', 'refresh_token'], refresh_token: 'x', ...webAuth }),
        fx.deps,
      ),
      'invalid_request',
      /grant_type must not be repeated/,
    );
  });

  it('reads parameters from the body only', async () => {
    const { code } = await seedCode(fx);
    await rejectsWith(
      handleToken(
        request(webAuth, { query: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI } }),
        fx.deps,
      ),
      'invalid_request',
    );
  });

  it('answers GET with 405 and Allow: POST', async () => {
    const response = await handleToken(request({}, { method: 'GET' }), fx.deps);
    assert.equal(response.kind === 'json' && response.status, 405);
    assert.equal(response.headers?.['Allow'], 'POST');
  });
});
