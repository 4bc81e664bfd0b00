import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { isOAuthError, type OAuthErrorCode } from '../../oauth/errors.js';
import { handleToken } from '../token/handler.js';
import {
  OTHER,
  WEB,
  basic,
  createFixture,
  obtainTokens,
  request,
  type Fixture,
  type RawParams,
  type TokenBody,
} from '../token/test-fixture.js';
import type { EndpointResponse } from '../types.js';
import { handleUserinfo } from '../userinfo/handler.js';
import { handleRevocation } from './handler.js';

const webAuth = { client_id: WEB.id, client_secret: 'web-secret' };
const otherAuth = { client_id: OTHER.id, client_secret: 'other-secret' };

function status(response: EndpointResponse): number {
  return response.kind === 'redirect' ? 302 : response.status;
}

describe('revocation endpoint', () => {
  let fx: Fixture;
  let tokens: TokenBody;
  beforeEach(async () => {
    fx = await createFixture();
    tokens = await obtainTokens(fx);
  });

  const revoke = (params: RawParams, headers: Record<string, string> = {}) =>
    handleRevocation(request(params, { headers }), fx.deps);
  const refresh = (refreshToken: string) =>
    handleToken(request({ grant_type: 'refresh_token', refresh_token: refreshToken, ...webAuth }), fx.deps);
  const userinfo = async (accessToken: string) =>
    status(
      await handleUserinfo(
        request({}, { method: 'GET', headers: { authorization: `Bearer ${accessToken}` } }),
        fx.deps,
      ),
    );
  const rejectsWith = (promise: Promise<unknown>, code: OAuthErrorCode) =>
    assert.rejects(promise, (error: unknown) => isOAuthError(error) && error.code === code);

  it('revokes a refresh token together with its whole family', async () => {
    const refreshed = await refresh(tokens.refresh_token!);
    const next = (refreshed.kind === 'json' ? refreshed.body : {}) as TokenBody;
    const response = await revoke({
      token: next.refresh_token!,
      token_type_hint: 'refresh_token',
      ...webAuth,
    });
    assert.equal(response.kind, 'empty');
    assert.equal(status(response), 200);
    assert.equal(response.headers?.['Cache-Control'], 'no-store');
    await rejectsWith(refresh(next.refresh_token!), 'invalid_grant');
    assert.equal(await userinfo(next.access_token), 401);
    assert.equal(await userinfo(tokens.access_token), 401);
  });

  it('finds a refresh token even under the access_token hint', async () => {
    assert.equal(
      status(await revoke({ token: tokens.refresh_token!, token_type_hint: 'access_token', ...webAuth })),
      200,
    );
    await rejectsWith(refresh(tokens.refresh_token!), 'invalid_grant');
  });

  it('revokes an access token and the refresh tokens of its grant', async () => {
    assert.equal(
      status(await revoke({ token: tokens.access_token }, { authorization: basic(WEB.id, 'web-secret') })),
      200,
    );
    assert.equal(await userinfo(tokens.access_token), 401);
    await rejectsWith(refresh(tokens.refresh_token!), 'invalid_grant');
  });

  it("answers 200 to another client's refresh token but revokes nothing", async () => {
    assert.equal(status(await revoke({ token: tokens.refresh_token!, ...otherAuth })), 200);
    const response = await refresh(tokens.refresh_token!);
    assert.equal(status(response), 200);
  });

  it("answers 200 to another client's access token but revokes nothing", async () => {
    assert.equal(
      status(await revoke({ token: tokens.access_token, token_type_hint: 'access_token', ...otherAuth })),
      200,
    );
    assert.equal(await userinfo(tokens.access_token), 200);
  });

  it('answers 200 to an unknown token and ignores an unknown hint', async () => {
    assert.equal(
      status(await revoke({ token: 'no-such-token', token_type_hint: 'id_token', ...webAuth })),
      200,
    );
    assert.equal(await userinfo(tokens.access_token), 200);
  });

  it('refuses a request without a token', async () => {
    await rejectsWith(revoke({ ...webAuth }), 'invalid_request');
  });

  it('refuses a repeated token parameter', async () => {
    await rejectsWith(revoke({ token: [tokens.refresh_token!, 'x'], ...webAuth }), 'invalid_request');
    assert.equal(status(await refresh(tokens.refresh_token!)), 200);
  });

  it('refuses a client with a wrong secret and revokes nothing', async () => {
    await rejectsWith(
      revoke({ token: tokens.refresh_token!, client_id: WEB.id, client_secret: 'wrong' }),
      'invalid_client',
    );
    const challenged = await revoke(
      { token: tokens.refresh_token! },
      { authorization: basic(WEB.id, 'wrong') },
    );
    assert.equal(status(challenged), 401);
    assert.match(challenged.headers?.['WWW-Authenticate'] ?? '', /^Basic /);
    assert.equal(status(await refresh(tokens.refresh_token!)), 200);
  });

  it('answers GET with 405', async () => {
    assert.equal(status(await handleRevocation(request({}, { method: 'GET' }), fx.deps)), 405);
  });
});
