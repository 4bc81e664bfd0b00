/**
 * The second half of the OpenID Foundation's Basic OP plan (oidcc-basic-certification-test-plan,
 * OIDCCBasicTestPlan.java), from oidcc-ensure-request-with-unknown-parameter-succeeds on, plus
 * oidcc-server-client-secret-post, which the plan runs with the client_secret_post variant.
 * Every module reads the authorization response through the variant (query or form_post), so
 * the Form Post plan runs the same set.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JWTPayload } from 'jose';
import { de } from '../../../src/views/i18n/de.js';
import { follow, inputValue, submit, type Page } from '../../helpers/http-login.js';
import {
  BASIC_CLIENT,
  CookieJar,
  POST_CLIENT,
  REDIRECT_URI,
  USER,
  authorizationUrl,
  authorize,
  expectErrorPage,
  expectSuccess,
  expectedMode,
  random,
  readOutcome,
  redeemCode,
  tokenRequest,
  userinfo,
  variantParams,
  verifyIdToken,
  type AuthorizationOutcome,
  type ConformanceOp,
  type TestClient,
  type TokenResult,
  type Variant,
} from '../harness.js';
import type { ModuleFn } from '../plan.js';

/** RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E (no CR, LF, TAB, `"` or `\`). */
const ERROR_DESCRIPTION = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;

interface Flow {
  /** The authorization response's parameters. */
  readonly response: Record<string, string>;
  readonly tokens: Record<string, unknown>;
  readonly idToken: JWTPayload;
  readonly jar: CookieJar;
}

/** The client the suite configures as `client2` for a variant: the other standard client. */
function otherClient(client: TestClient): TestClient {
  return client === BASIC_CLIENT ? POST_CLIENT : BASIC_CLIENT;
}

/** Asserts a successful authorization response, in the variant's response mode, with our state. */
function expectVariantSuccess(
  outcome: AuthorizationOutcome,
  variant: Variant,
  state: string,
): Record<string, string> {
  const response = expectSuccess(outcome);
  assert.equal(outcome.mode, expectedMode(variant), 'the response comes in the variant’s response mode');
  assert.equal(response['state'], state);
  assert.ok(response['code'], 'the response carries a code');
  return response;
}

/** Redeems a code as the suite does and verifies the ID token (AbstractOIDCCServerTest). */
async function redeem(
  op: ConformanceOp,
  client: TestClient,
  code: string,
  nonce: string,
  extra: Record<string, string> = {},
): Promise<{ tokens: Record<string, unknown>; idToken: JWTPayload }> {
  const redeemed = await redeemCode(op, client, code, REDIRECT_URI, extra);
  assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
  assert.match(String(redeemed.body['token_type']), /^bearer$/i);
  assert.equal(typeof redeemed.body['access_token'], 'string');
  const idToken = await verifyIdToken(op, String(redeemed.body['id_token']), client.id, nonce);
  return { tokens: redeemed.body, idToken };
}

/**
 * The code flow for a variant: authorize with `params` added to the variant's, sign in and
 * consent as the harness does, check the response mode and state, redeem the code.
 */
async function variantFlow(
  op: ConformanceOp,
  variant: Variant,
  params: Record<string, string> = {},
  options: { client?: TestClient; jar?: CookieJar; tokenExtra?: Record<string, string> } = {},
): Promise<Flow> {
  const client = options.client ?? variant.client;
  const jar = options.jar ?? new CookieJar();
  const state = random('state');
  const nonce = random('nonce');
  const outcome = await authorize(op, jar, {
    ...variantParams(variant),
    client_id: client.id,
    scope: 'openid',
    state,
    nonce,
    ...params,
  });
  const response = expectVariantSuccess(outcome, variant, state);
  const { tokens, idToken } = await redeem(op, client, response['code'] ?? '', nonce, options.tokenExtra);
  return { response, tokens, idToken, jar };
}

/** Asserts a token endpoint error as AbstractOIDCCAuthCodeReuse checks it (RFC 6749 §5.2). */
function expectTokenError(result: TokenResult, error: string): void {
  assert.equal(result.status, 400, JSON.stringify(result.body));
  assert.match(result.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(result.body['error'], error, String(result.body['error_description']));
  const description = result.body['error_description'];
  if (description !== undefined) {
    assert.equal(typeof description, 'string');
    assert.match(description as string, ERROR_DESCRIPTION, 'error_description has only allowed characters');
  }
  const uri = result.body['error_uri'];
  if (uri !== undefined) assert.doesNotThrow(() => new URL(String(uri)), 'error_uri is a URI');
}

/** oidcc-codereuse and oidcc-codereuse-30seconds: redeem, (wait,) redeem again. */
async function codeReuse(op: ConformanceOp, variant: Variant, waitMs: number): Promise<void> {
  const first = await variantFlow(op, variant);
  const accessToken = String(first.tokens['access_token']);
  assert.equal((await userinfo(op, accessToken)).status, 200, 'the first access token works');
  if (waitMs > 0) await sleep(waitMs);
  const again = await redeemCode(op, variant.client, first.response['code'] ?? '');
  expectTokenError(again, 'invalid_grant');
  // RFC 6749 §4.1.2: the tokens issued for a code that is used twice should be revoked.
  const after = await userinfo(op, accessToken);
  assert.equal(after.status, 401, `the first access token still works: ${JSON.stringify(after.body)}`);
}

/**
 * Follows a page where the harness's `authorize` would: signs in as USER when the sign-in page
 * comes, allows consent when asked, and reads the response.
 */
async function completeAuthorization(
  op: ConformanceOp,
  jar: CookieJar,
  start: Page,
): Promise<AuthorizationOutcome> {
  let page = start;
  if (page.status === 200 && page.url.includes('/signin/v1/identifier') && /name="password"/.test(page.body))
    page = await submit(jar, op.issuer, page, { username: USER.username, password: USER.password });
  if (page.status === 200 && page.url.includes('/signin/v1/consent'))
    page = await submit(jar, op.issuer, page, { decision: 'allow' });
  return readOutcome(page);
}

/** A refresh token request with the client's registered authentication (RFC 6749 §6). */
function refresh(
  op: ConformanceOp,
  client: TestClient,
  refreshToken: string,
  extra: Record<string, string> = {},
): Promise<TokenResult> {
  return tokenRequest(op, client, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });
}

/**
 * One client's part of oidcc-refresh-token: offline_access with prompt=consent, redeem, check
 * the refresh token, refresh (sending the scope for the first client, as the suite does), compare
 * the ID tokens (OIDC Core §12.2) and use the new access token. Returns the refresh token
 * the client holds afterwards.
 */
async function refreshTokenFlow(
  op: ConformanceOp,
  variant: Variant,
  client: TestClient,
  sendScope: boolean,
): Promise<string> {
  const scope = 'openid offline_access';
  const first = await variantFlow(op, variant, { scope, prompt: 'consent' }, { client });
  const refreshToken = first.tokens['refresh_token'];
  assert.equal(typeof refreshToken, 'string', `no refresh token: ${JSON.stringify(first.tokens)}`);
  // RFC 6749 Appendix A.17: VSCHAR only.
  assert.match(refreshToken as string, /^[\x20-\x7E]+$/);
  assert.ok((refreshToken as string).length >= 16, 'the refresh token is long enough to be unguessable');
  // The suite waits a second so that a new ID token's iat differs.
  await sleep(1000);
  const refreshed = await refresh(op, client, refreshToken as string, sendScope ? { scope } : {});
  assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
  assert.match(refreshed.headers.get('content-type') ?? '', /^application\/json/);
  assert.match(refreshed.headers.get('cache-control') ?? '', /no-store/);
  assert.match(String(refreshed.body['token_type']), /^bearer$/i);
  const accessToken = refreshed.body['access_token'];
  assert.equal(typeof accessToken, 'string');
  assert.notEqual(accessToken, first.tokens['access_token'], 'a new access token');
  if (refreshed.body['expires_in'] !== undefined) {
    assert.equal(typeof refreshed.body['expires_in'], 'number');
    assert.ok((refreshed.body['expires_in'] as number) > 0);
  }
  if (refreshed.body['id_token'] !== undefined) {
    // OIDC Core §12.2: same iss, sub, aud (and auth_time); no nonce is required.
    const second = await verifyIdToken(op, String(refreshed.body['id_token']), client.id);
    assert.equal(second.iss, first.idToken.iss);
    assert.equal(second.sub, first.idToken.sub, 'the refreshed ID token is for the same user');
    assert.deepEqual(second.aud, first.idToken.aud);
    if (first.idToken['auth_time'] !== undefined)
      assert.equal(second['auth_time'], first.idToken['auth_time']);
    assert.ok((second.iat ?? 0) > (first.idToken.iat ?? 0), 'the refreshed ID token is newly issued');
  }
  const info = await userinfo(op, accessToken as string);
  assert.equal(info.status, 200, JSON.stringify(info.body));
  assert.equal(info.body['sub'], first.idToken.sub, 'the refreshed access token is for the same user');
  const rotated = refreshed.body['refresh_token'];
  return typeof rotated === 'string' ? rotated : (refreshToken as string);
}

/** Declares the second half of the Basic OP plan's modules for `variant`. */
export function basicModulesB(module: ModuleFn, op: () => ConformanceOp, variant: Variant): void {
  module(
    'oidcc-server-client-secret-post',
    'the code flow with the client authenticating by client_secret_post',
    async () => {
      const flow = await variantFlow(op(), variant, {}, { client: POST_CLIENT });
      const info = await userinfo(op(), String(flow.tokens['access_token']));
      assert.equal(info.status, 200, JSON.stringify(info.body));
      assert.equal(info.body['sub'], flow.idToken.sub);
    },
  );

  module(
    'oidcc-ensure-request-with-unknown-parameter-succeeds',
    'an unknown authorization parameter (extra=foobar) is ignored',
    async () => {
      await variantFlow(op(), variant, { extra: 'foobar' });
    },
  );

  module(
    'oidcc-id-token-hint',
    'prompt=none with the first ID token as id_token_hint succeeds without interaction, same sub',
    async () => {
      const first = await variantFlow(op(), variant);
      const hint = String(first.tokens['id_token']);
      const state = random('state');
      const nonce = random('nonce');
      // No user: the sign-in page must not come.
      const outcome = await authorize(
        op(),
        first.jar,
        {
          ...variantParams(variant),
          scope: 'openid',
          state,
          nonce,
          prompt: 'none',
          id_token_hint: hint,
        },
        null,
      );
      const response = expectVariantSuccess(outcome, variant, state);
      const second = await redeem(op(), variant.client, response['code'] ?? '', nonce);
      assert.equal(second.idToken.sub, first.idToken.sub, 'the same user');
      if (first.idToken['auth_time'] !== undefined || second.idToken['auth_time'] !== undefined)
        assert.equal(second.idToken['auth_time'], first.idToken['auth_time'], 'the same authentication');
    },
  );

  module(
    'oidcc-login-hint',
    'the sign-in page is prefilled from login_hint and sign-in completes',
    async () => {
      const jar = new CookieJar();
      const state = random('state');
      const nonce = random('nonce');
      const url = authorizationUrl(op(), {
        ...variantParams(variant),
        scope: 'openid',
        state,
        nonce,
        login_hint: USER.username,
      });
      const page = await follow(jar, op().issuer, url);
      assert.equal(page.status, 200, `the sign-in page, not ${page.status} at ${page.url}`);
      assert.match(page.url, /\/signin\/v1\/identifier/);
      assert.equal(inputValue(page.body, 'username'), USER.username, 'the username is prefilled');
      const outcome = await completeAuthorization(op(), jar, page);
      const response = expectVariantSuccess(outcome, variant, state);
      await redeem(op(), variant.client, response['code'] ?? '', nonce);
    },
  );

  module('oidcc-ui-locales', 'ui_locales=de does not fail, and the sign-in page is in German', async () => {
    const jar = new CookieJar();
    const state = random('state');
    const nonce = random('nonce');
    const url = authorizationUrl(op(), {
      ...variantParams(variant),
      scope: 'openid',
      state,
      nonce,
      ui_locales: 'de',
    });
    // No Accept-Language: only ui_locales can make the page German.
    const page = await follow(jar, op().issuer, url);
    assert.equal(page.status, 200, `the sign-in page, not ${page.status} at ${page.url}`);
    assert.match(page.body, /<html[^>]*lang="de"/, 'the page declares German');
    assert.ok(page.body.includes(de['signin.username']), 'the page is in German');
    const outcome = await completeAuthorization(op(), jar, page);
    const response = expectVariantSuccess(outcome, variant, state);
    await redeem(op(), variant.client, response['code'] ?? '', nonce);
  });

  module('oidcc-claims-locales', 'claims_locales=se does not fail', async () => {
    const flow = await variantFlow(op(), variant, { claims_locales: 'se' });
    const info = await userinfo(op(), String(flow.tokens['access_token']));
    assert.equal(info.status, 200, JSON.stringify(info.body));
  });

  module(
    'oidcc-ensure-request-with-acr-values-succeeds',
    'acr_values (the advertised ones, or "1 2") do not fail; an acr returned is one requested',
    async () => {
      const advertised = op().discovery['acr_values_supported'];
      const requested =
        Array.isArray(advertised) && advertised.length > 0 ? advertised.map(String) : ['1', '2'];
      const flow = await variantFlow(op(), variant, { acr_values: requested.join(' ') });
      const acr = flow.idToken['acr'];
      if (acr !== undefined)
        assert.ok(requested.includes(String(acr)), `acr ${String(acr)} was not requested`);
    },
  );

  module(
    'oidcc-codereuse',
    'a code redeemed twice gets invalid_grant and the first access token stops working',
    async () => {
      await codeReuse(op(), variant, 0);
    },
  );

  module(
    'oidcc-codereuse-30seconds',
    'a code redeemed again after 30 seconds gets invalid_grant and the first access token stops working',
    async () => {
      await codeReuse(op(), variant, 30_000);
    },
    { timeout: 60_000 },
  );

  module(
    'oidcc-ensure-registered-redirect-uri',
    'an unregistered redirect_uri gets an error page on the OP, never a redirect',
    async () => {
      const badRedirectUri = `https://rp.example.net/${random('unregistered')}`;
      const outcome = await authorize(
        op(),
        new CookieJar(),
        {
          ...variantParams(variant),
          redirect_uri: badRedirectUri,
          scope: 'openid',
          state: random('state'),
          nonce: random('nonce'),
        },
        USER,
      );
      const page = expectErrorPage(outcome);
      assert.ok(!page.body.includes(badRedirectUri), 'the error page does not link to the unregistered URI');
    },
  );

  module(
    'oidcc-ensure-post-request-succeeds',
    'the authorization request sent as a POST form completes at the redirect URI',
    async () => {
      const jar = new CookieJar();
      const state = random('state');
      const nonce = random('nonce');
      const form = { ...variantParams(variant), scope: 'openid', state, nonce };
      const page = await follow(jar, op().issuer, op().endpoint('authorization_endpoint'), form);
      const outcome = await completeAuthorization(op(), jar, page);
      const response = expectVariantSuccess(outcome, variant, state);
      await redeem(op(), variant.client, response['code'] ?? '', nonce);
    },
  );

  module(
    'oidcc-claims-essential',
    'an essential userinfo claim is accepted; where a granted scope covers it, it comes from userinfo only',
    async () => {
      const claims = JSON.stringify({ userinfo: { name: { essential: true } } });
      // The suite's request, scope openid: it fails only if the request or userinfo fails.
      // That name then comes is a warning there (OIDC Core §5.5.1 lets the OP leave out a
      // claim the user did not authorize); Sesame releases a claim only under a granted scope,
      // the consent page shows scopes, so here it does not come.
      const bare = await variantFlow(op(), variant, { claims });
      const bareInfo = await userinfo(op(), String(bare.tokens['access_token']));
      assert.equal(bareInfo.status, 200, JSON.stringify(bareInfo.body));
      assert.equal(bareInfo.body['sub'], bare.idToken.sub);
      assert.equal(bareInfo.body['name'], undefined, 'no claim beyond the consented scopes');
      // With the scope that covers it granted, the claims request decides where name goes.
      const flow = await variantFlow(op(), variant, { claims, scope: 'openid profile' });
      const info = await userinfo(op(), String(flow.tokens['access_token']));
      assert.equal(info.status, 200, JSON.stringify(info.body));
      assert.equal(info.body['name'], USER.name, 'userinfo has the requested name');
      assert.equal(flow.idToken['name'], undefined, 'name was asked for in userinfo only');
    },
    {
      note: "the suite's request (scope openid) gets no name: Sesame releases a claim only under a scope the user consented to; the suite warns, it does not fail",
    },
  );

  module(
    'oidcc-refresh-token',
    'offline_access gives a refresh token that refreshes for the same user and is bound to its client',
    async () => {
      const grants = op().discovery['grant_types_supported'];
      assert.ok(Array.isArray(grants) && grants.includes('refresh_token'), 'discovery lists refresh_token');
      const client2 = otherClient(variant.client);
      await refreshTokenFlow(op(), variant, variant.client, true);
      const secondClientToken = await refreshTokenFlow(op(), variant, client2, false);
      // Client 2's refresh token presented by client 1 (RFC 6749 §6: bound to its client).
      const stolen = await refresh(op(), variant.client, secondClientToken, {
        scope: 'openid offline_access',
      });
      expectTokenError(stolen, 'invalid_grant');
    },
  );

  module(
    'oidcc-ensure-request-with-valid-pkce-succeeds',
    'an authorization request with PKCE S256 succeeds and the code redeems with its verifier',
    async () => {
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      await variantFlow(
        op(),
        variant,
        { code_challenge: challenge, code_challenge_method: 'S256' },
        { tokenExtra: { code_verifier: verifier } },
      );
    },
  );
}
