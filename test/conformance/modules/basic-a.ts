/**
 * The first half of the Basic OP plan (`oidcc-basic-certification-test-plan`): the code flow
 * and its ID token, userinfo, scopes, display, prompt and max_age. Each module sends what the
 * OpenID Foundation's module sends and asserts what it asserts; the variant decides the client
 * and the response mode, so the Form Post plan runs the same definitions.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeProtectedHeader, type JWTPayload } from 'jose';
import type { ModuleFn } from '../plan.js';
import {
  CookieJar,
  REDIRECT_URI,
  USER,
  authorizationUrl,
  expectedMode,
  expectErrorPage,
  expectSuccess,
  random,
  readOutcome,
  redeemCode,
  variantParams,
  verifyIdToken,
  type AuthorizationOutcome,
  type ConformanceOp,
  type Variant,
} from '../harness.js';
import { follow, submit, type Page } from '../../helpers/http-login.js';

/** The modules from oidcc-server to oidcc-max-age-10000, in the suite's order. */
export function basicModulesA(module: ModuleFn, op: () => ConformanceOp, variant: Variant): void {
  module(
    'oidcc-server',
    'the code flow: a signed, valid ID token and a Bearer token, not cached',
    async () => {
      const flow = await codeFlow(op(), variant);
      await expectUserinfo(op(), flow, 'GET');
    },
  );

  module(
    'oidcc-response-type-missing',
    'no response_type: an error page, or invalid_request/unsupported_response_type at the client',
    async () => {
      const params = variantParams(variant);
      delete params['response_type'];
      const state = random('state');
      const url = authorizationUrl(op(), { ...params, scope: 'openid', state, nonce: random('nonce') });
      const outcome = readOutcome(await follow(new CookieJar(), op().issuer, url));
      if (outcome.redirect === null) {
        expectErrorPage(outcome);
        return;
      }
      // Without a response_type the suite reads the error from the query (form_post if asked for).
      const modes = variant.responseMode === 'form_post' ? ['query', 'form_post'] : ['query'];
      assert.ok(modes.includes(outcome.mode ?? ''), `error came in the ${outcome.mode}`);
      expectErrorResponse(op(), outcome, state, ['invalid_request', 'unsupported_response_type']);
    },
  );

  module('oidcc-idtoken-signature', 'the ID token names its key and is signed RS256 by default', async () => {
    const flow = await codeFlow(op(), variant);
    const header = decodeProtectedHeader(flow.rawIdToken);
    assert.ok(header.kid, 'the ID token header has a kid (OIDCC 10.1)');
    assert.equal(header.alg, 'RS256', 'a client that registered no algorithm gets RS256 (OIDCC 3.1.3.7)');
  });

  module('oidcc-userinfo-get', 'userinfo answers a GET with the Bearer header', async () => {
    await expectUserinfo(op(), await codeFlow(op(), variant), 'GET');
  });

  module('oidcc-userinfo-post-header', 'userinfo answers a POST with the Bearer header', async () => {
    await expectUserinfo(op(), await codeFlow(op(), variant), 'POST header');
  });

  module(
    'oidcc-userinfo-post-body',
    'userinfo answers a POST with access_token in the form body',
    async () => {
      await expectUserinfo(op(), await codeFlow(op(), variant), 'POST body');
    },
  );

  module(
    'oidcc-ensure-request-without-nonce-succeeds-for-code-flow',
    'the code flow works without a nonce',
    async () => {
      const flow = await codeFlow(op(), variant, { nonce: null });
      assert.equal(flow.idToken['nonce'], undefined, 'no nonce was sent, none is invented');
    },
  );

  const scopeModules: [string, string, string][] = [
    ['oidcc-scope-profile', 'openid profile', 'scope profile releases name, given_name, family_name'],
    ['oidcc-scope-email', 'openid email', 'scope email releases email and email_verified'],
    ['oidcc-scope-address', 'openid address', 'scope address releases the address object'],
    ['oidcc-scope-phone', 'openid phone', 'scope phone releases phone_number and phone_number_verified'],
    ['oidcc-scope-all', 'openid profile email address phone', 'all four scopes release all their claims'],
    [
      'oidcc-ensure-other-scope-order-succeeds',
      'email openid',
      'scope "email openid" (openid not first) succeeds and releases email',
    ],
  ];
  for (const [name, scope, title] of scopeModules) {
    module(name, title, async () => {
      const flow = await codeFlow(op(), variant, { scope });
      const claims = await expectUserinfo(op(), flow, 'GET');
      expectScopeClaims(claims, scope.split(' '));
    });
  }

  for (const display of ['page', 'popup']) {
    module(`oidcc-display-${display}`, `display=${display} is accepted and the flow completes`, async () => {
      await codeFlow(op(), variant, { display });
    });
  }

  module(
    'oidcc-prompt-login',
    'prompt=login shows the sign-in page again; the new ID token has a later auth_time',
    async () => {
      const first = await codeFlow(op(), variant);
      // auth_time counts seconds: wait for the next one so that a new sign-in is visible.
      await sleep(1100);
      const second = await codeFlow(op(), variant, { prompt: 'login' }, first.jar, 'sign-in');
      expectSameSubject(first, second);
      // CheckIdTokenAuthTimeClaimsDifferIfPresent: auth_time is optional without max_age.
      if (first.idToken.auth_time !== undefined && second.idToken.auth_time !== undefined)
        expectLaterAuthTime(first, second);
    },
  );

  module(
    'oidcc-prompt-none-not-logged-in',
    'prompt=none without a session: login_required (or another error needing a page) at the client',
    async () => {
      // The suite sends a long state to catch an OP that corrupts it in error responses.
      const state = random('state').padEnd(128, 'x');
      const url = authorizationUrl(op(), {
        ...variantParams(variant),
        scope: 'openid',
        state,
        nonce: random('nonce'),
        prompt: 'none',
      });
      const outcome = readOutcome(await follow(new CookieJar(), op().issuer, url));
      assert.equal(outcome.mode, expectedMode(variant), `error came in the ${outcome.mode}`);
      expectErrorResponse(op(), outcome, state, [
        'login_required',
        'interaction_required',
        'account_selection_required',
        'consent_required',
      ]);
    },
  );

  module(
    'oidcc-prompt-none-logged-in',
    'prompt=none with a session answers at once, same sub and auth_time',
    async () => {
      const first = await codeFlow(op(), variant);
      const second = await codeFlow(op(), variant, { prompt: 'none' }, first.jar, 'no page');
      expectSameSubject(first, second);
      assert.equal(second.idToken.auth_time, first.idToken.auth_time, 'the same authentication');
    },
  );

  module(
    'oidcc-max-age-1',
    'max_age=1 two seconds after sign-in asks to sign in again; auth_time present and later',
    async () => {
      const first = await codeFlow(op(), variant);
      await sleep(2000);
      const second = await codeFlow(op(), variant, { max_age: '1' }, first.jar, 'sign-in');
      assert.equal(typeof second.idToken.auth_time, 'number', 'auth_time, since max_age was sent');
      expectSameSubject(first, second);
      expectLaterAuthTime(first, second);
      expectRecentAuthTime(second.idToken);
    },
  );

  module(
    'oidcc-max-age-10000',
    'max_age=10000 after a sign-in answers at once; auth_time present and unchanged, same sub',
    async () => {
      const first = await codeFlow(op(), variant, { max_age: '15000' });
      assert.equal(typeof first.idToken.auth_time, 'number', 'auth_time, since max_age was sent');
      const second = await codeFlow(op(), variant, { max_age: '10000' }, first.jar, 'no page');
      assert.equal(typeof second.idToken.auth_time, 'number', 'auth_time, since max_age was sent');
      expectSameSubject(first, second);
      assert.equal(second.idToken.auth_time, first.idToken.auth_time, 'the same authentication');
    },
  );
}

/** What a completed code flow leaves: the token response, the verified ID token, the browser. */
interface Flow {
  readonly tokens: Record<string, unknown>;
  readonly rawIdToken: string;
  readonly idToken: JWTPayload;
  readonly accessToken: string;
  readonly jar: CookieJar;
}

/**
 * How the browser must get through the authorization: as it comes (sign in and consent if
 * asked), through the sign-in page which must appear, or straight back with no page at all.
 */
type Pages = 'as needed' | 'sign-in' | 'no page';

/**
 * The code flow as AbstractOIDCCServerTest runs it: authorize with state and nonce (`null`
 * leaves a parameter out), check the response's mode, state and `iss`, redeem the code with the
 * variant's client authentication and validate the token response and the ID token.
 */
async function codeFlow(
  op: ConformanceOp,
  variant: Variant,
  extra: Record<string, string | null> = {},
  jar = new CookieJar(),
  pages: Pages = 'as needed',
): Promise<Flow> {
  const state = random('state');
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries({ scope: 'openid', state, nonce: random('nonce'), ...extra }))
    if (value !== null) params[name] = value;
  const outcome = await authorizeWith(op, jar, { ...variantParams(variant), ...params }, pages);
  const response = expectSuccess(outcome);
  assert.equal(outcome.mode, expectedMode(variant), `the response came in the ${outcome.mode}`);
  assert.equal(response['state'], state, 'state is returned unchanged');
  assert.ok(response['code'], 'the response has a code');
  expectIssuerParameter(op, response);

  const redeemed = await redeemCode(op, variant.client, response['code'], REDIRECT_URI);
  assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
  const tokens = redeemed.body;
  assert.match(
    redeemed.headers.get('cache-control') ?? '',
    /no-store/,
    'RFC 6749 §5.1: Cache-Control no-store',
  );
  assert.equal(String(tokens['token_type']).toLowerCase(), 'bearer', 'token_type Bearer');
  assert.equal(typeof tokens['access_token'], 'string', 'an access token');
  const accessToken = tokens['access_token'] as string;
  assert.ok(accessToken.length > 0, 'a non-empty access token');
  if (tokens['expires_in'] !== undefined) {
    assert.ok(Number.isInteger(tokens['expires_in']) && (tokens['expires_in'] as number) > 0, 'expires_in');
  }
  assert.equal(typeof tokens['id_token'], 'string', 'the token response has an ID token');
  const rawIdToken = tokens['id_token'] as string;
  const idToken = await verifyIdToken(op, rawIdToken, variant.client.id, params['nonce']);
  expectValidTimes(idToken);
  expectAtHash(rawIdToken, idToken, accessToken);
  return { tokens, rawIdToken, idToken, accessToken, jar };
}

/** Drives the browser through the authorization as {@link Pages} says it must go. */
async function authorizeWith(
  op: ConformanceOp,
  jar: CookieJar,
  params: Record<string, string>,
  pages: Pages,
): Promise<AuthorizationOutcome> {
  let page = await follow(jar, op.issuer, authorizationUrl(op, params));
  if (pages === 'no page') return readOutcome(page);
  if (isSignInPage(page)) {
    page = await submit(jar, op.issuer, page, { username: USER.username, password: USER.password });
  } else {
    assert.notEqual(pages, 'sign-in', `expected the sign-in page, got ${page.status} at ${page.url}`);
  }
  if (page.status === 200 && page.url.includes('/signin/v1/consent')) {
    page = await submit(jar, op.issuer, page, { decision: 'allow' });
  }
  return readOutcome(page);
}

function isSignInPage(page: Page): boolean {
  return (
    page.status === 200 && page.url.includes('/signin/v1/identifier') && /name="password"/.test(page.body)
  );
}

/** RFC 9207: `iss`, when sent (and it must be when discovery says so), is the issuer. */
function expectIssuerParameter(op: ConformanceOp, response: Record<string, string>): void {
  if (op.discovery['authorization_response_iss_parameter_supported'] === true) {
    assert.ok(response['iss'] !== undefined, 'discovery promises iss in authorization responses');
  }
  if (response['iss'] !== undefined) assert.equal(response['iss'], op.issuer, 'iss is the issuer');
}

/**
 * An authorization error response as the suite validates it: at the redirect URI, with one of
 * the `allowed` errors, the state unchanged, no code, and the issuer if it names one.
 */
function expectErrorResponse(
  op: ConformanceOp,
  outcome: AuthorizationOutcome,
  state: string,
  allowed: readonly string[],
): void {
  assert.ok(outcome.redirect, 'a response at the client');
  assert.equal(`${outcome.redirect.origin}${outcome.redirect.pathname}`, REDIRECT_URI);
  const error = outcome.params['error'];
  assert.ok(
    error !== undefined && allowed.includes(error),
    `error ${error}, expected one of ${allowed.join(', ')}`,
  );
  assert.equal(outcome.params['state'], state, 'state is returned unchanged');
  assert.equal(outcome.params['code'], undefined, 'no code with an error');
  const description = outcome.params['error_description'];
  if (description !== undefined) {
    // RFC 6749 §4.1.2.1: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
    assert.match(description, /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/, 'error_description characters');
  }
  expectIssuerParameter(op, outcome.params);
}

/** ValidateIdToken's times: exp in the future, iat not in the future (five minutes' leeway). */
function expectValidTimes(idToken: JWTPayload): void {
  const now = Date.now() / 1000;
  assert.ok((idToken.exp ?? 0) > now, 'exp is in the future');
  assert.ok((idToken.iat ?? Infinity) <= now + 300, 'iat is not in the future');
  if (idToken.auth_time !== undefined) {
    assert.equal(typeof idToken.auth_time, 'number', 'auth_time is a number');
    assert.ok((idToken.auth_time as number) <= now + 300, 'auth_time is not in the future');
  }
}

/** OIDC Core §3.1.3.8 / §3.2.2.9: `at_hash`, when present, is the left half of the token's hash. */
function expectAtHash(rawIdToken: string, idToken: JWTPayload, accessToken: string): void {
  if (idToken['at_hash'] === undefined) return;
  const { alg = '' } = decodeProtectedHeader(rawIdToken);
  const bits = alg === 'EdDSA' ? '512' : alg.slice(-3);
  assert.ok(['256', '384', '512'].includes(bits), `a hash for alg ${alg}`);
  const digest = createHash(`sha${bits}`).update(accessToken, 'ascii').digest();
  const expected = digest.subarray(0, digest.length / 2).toString('base64url');
  assert.equal(idToken['at_hash'], expected, 'at_hash matches the access token');
}

/**
 * Calls userinfo as the userinfo modules do (GET, POST with the header, POST with the token in
 * the body) and checks a 200 JSON answer with the ID token's `sub` (OIDC Core §5.3.2).
 */
async function expectUserinfo(
  op: ConformanceOp,
  flow: Flow,
  how: 'GET' | 'POST header' | 'POST body',
): Promise<Record<string, unknown>> {
  const url = op.endpoint('userinfo_endpoint');
  const bearer = { authorization: `Bearer ${flow.accessToken}` };
  const response =
    how === 'GET'
      ? await fetch(url, { headers: bearer })
      : how === 'POST header'
        ? await fetch(url, { method: 'POST', headers: bearer })
        : await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ access_token: flow.accessToken }),
          });
  const text = await response.text();
  assert.equal(response.status, 200, `userinfo ${how}: ${response.status} ${text}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, 'a JSON answer');
  const claims = JSON.parse(text) as Record<string, unknown>;
  assert.equal(claims['sub'], flow.idToken.sub, 'userinfo sub is the ID token sub');
  return claims;
}

/**
 * The claims the harness user must get for `scopes` (OIDC Core §5.4), with the standard types
 * (§5.1) ValidateUserInfoStandardClaims checks.
 */
function expectScopeClaims(claims: Record<string, unknown>, scopes: readonly string[]): void {
  if (scopes.includes('profile')) {
    assert.equal(claims['name'], USER.name, 'name');
    assert.equal(claims['given_name'], USER.givenName, 'given_name');
    assert.equal(claims['family_name'], USER.familyName, 'family_name');
    if (claims['preferred_username'] !== undefined)
      assert.equal(claims['preferred_username'], USER.username, 'preferred_username');
  }
  if (scopes.includes('email')) {
    assert.equal(claims['email'], USER.email, 'email');
    assert.equal(typeof claims['email_verified'], 'boolean', 'email_verified is a boolean');
  }
  if (scopes.includes('address')) {
    const address = claims['address'] as Record<string, unknown> | undefined;
    assert.equal(typeof address, 'object', 'address is a JSON object (§5.1.1)');
    for (const [member, value] of Object.entries(USER.address))
      assert.equal(address?.[member], value, member);
  }
  if (scopes.includes('phone')) {
    assert.equal(claims['phone_number'], USER.phone, 'phone_number');
    if (claims['phone_number_verified'] !== undefined) {
      assert.equal(typeof claims['phone_number_verified'], 'boolean', 'phone_number_verified is a boolean');
    }
  }
}

function expectSameSubject(first: Flow, second: Flow): void {
  assert.equal(second.idToken.sub, first.idToken.sub, 'the same sub in both ID tokens');
}

/** CheckSecondIdTokenAuthTimeIsLaterIfPresent: a new sign-in has a later auth_time. */
function expectLaterAuthTime(first: Flow, second: Flow): void {
  const before = first.idToken.auth_time;
  const after = second.idToken.auth_time;
  assert.equal(typeof before, 'number', 'auth_time in the first ID token');
  assert.equal(typeof after, 'number', 'auth_time in the second ID token');
  assert.ok((after as number) > (before as number), `auth_time ${after} is later than ${before}`);
}

/** CheckIdTokenAuthTimeIsRecentIfPresent: the sign-in just happened. */
function expectRecentAuthTime(idToken: JWTPayload): void {
  const now = Date.now() / 1000;
  const authTime = idToken.auth_time as number;
  assert.ok(Math.abs(now - authTime) < 60, `auth_time ${authTime} is recent (now ${Math.floor(now)})`);
}
