// The RP-Initiated Logout plan (oidcc-rp-initiated-logout-certification-test-plan), its eleven
// modules as the suite runs them: sign in with the code flow, send the browser to discovery's
// end_session_endpoint with the module's parameters, and check where it lands. A successful
// logout sends the browser to the registered post_logout_redirect_uri with `state` and nothing
// else, and the session is really gone (prompt=none answers login_required). A bad
// post_logout_redirect_uri, a modified, foreign or alg:none id_token_hint, or an unregistered
// query never redirects (issue 8). The `sesame-` modules are Sesame's own.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before } from 'node:test';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { conformancePlan } from './plan.js';
import {
  authorize,
  BASIC_CLIENT,
  codeFlow,
  CookieJar,
  expectErrorRedirect,
  expectSuccess,
  POST_CLIENT,
  POST_LOGOUT_REDIRECT_URI,
  REDIRECT_URI,
  startConformanceOp,
  type ConformanceOp,
  type TestClient,
} from './harness.js';
import { follow, submit, type Page } from '../helpers/http-login.js';

let op: ConformanceOp;

before(async () => {
  op = await startConformanceOp();
});
after(() => op?.stop());

/** The suite asks with a 128-character state, to see that the OP does not corrupt it. */
function longState(): string {
  let state = '';
  while (state.length < 128) state += Math.random().toString(36).slice(2);
  return state.slice(0, 128);
}

interface SignedIn {
  readonly jar: CookieJar;
  /** The ID token as received, for id_token_hint. */
  readonly idToken: string;
}

/** The suite's first authorization: the code flow, signing in. */
async function signIn(client: TestClient = BASIC_CLIENT): Promise<SignedIn> {
  const { tokens, idToken, jar } = await codeFlow(op, client);
  assert.equal(typeof idToken['sid'], 'string', 'the ID token names its session (sid)');
  return { jar, idToken: String(tokens['id_token']) };
}

/** Sends the browser to the end_session_endpoint; the page it ends on, or the redirect away. */
function endSession(jar: CookieJar, params: Record<string, string>): Promise<Page> {
  const url = new URL(op.endpoint('end_session_endpoint'));
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return follow(jar, op.issuer, url.toString());
}

/** The browser was sent back to the registered post_logout_redirect_uri; its query parameters. */
function expectPostLogoutRedirect(page: Page): Record<string, string> {
  assert.equal(
    page.status,
    302,
    `expected a redirect to the client, stayed at ${page.url}: ${page.body.slice(0, 300)}`,
  );
  const url = new URL(page.url);
  assert.equal(`${url.origin}${url.pathname}`, POST_LOGOUT_REDIRECT_URI);
  assert.equal(url.hash, '');
  return Object.fromEntries(url.searchParams);
}

/** The OP refused, with an error page, and sent the browser nowhere. */
function expectErrorPage(page: Page): void {
  assert.ok(
    !(page.status === 302 && !page.url.startsWith(`${op.issuer}/`)),
    `must not redirect, went to ${page.url}`,
  );
  assert.ok(page.status >= 400, `expected an error page, got ${page.status} at ${page.url}`);
  assert.doesNotMatch(page.body, /name="csrf"/, 'an error, not a confirmation to sign out');
}

/** The "you are signed out" page: no redirect, no form asking anything. */
function expectSignedOutPage(page: Page): void {
  assert.equal(page.status, 200, `expected the signed-out page, got ${page.status} at ${page.url}`);
  assert.ok(page.url.startsWith(`${op.issuer}/`), `stays at the OP, not ${page.url}`);
  assert.doesNotMatch(page.body, /name="csrf"/, 'no confirmation left to give');
}

/** The user confirms the OP's "sign out?" page, as the suite's screenshot step would show. */
async function confirmSignOut(jar: CookieJar, page: Page): Promise<Page> {
  assert.equal(page.status, 200, `expected the sign-out confirmation, got ${page.status}`);
  assert.match(page.body, /name="csrf"/, 'a confirmation form');
  return submit(jar, op.issuer, page, {});
}

/** The suite's second authorization, prompt=none: the session must be gone (OIDCC-3.1.2.6). */
async function expectSessionGone(jar: CookieJar): Promise<void> {
  const outcome = await authorize(
    op,
    jar,
    {
      client_id: BASIC_CLIENT.id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid',
      prompt: 'none',
      state: 'after-logout',
    },
    null,
  );
  const params = expectErrorRedirect(outcome, 'login_required');
  assert.equal(params['code'], undefined);
}

/** prompt=none still signs in: the session survived a logout request that was refused. */
async function expectSessionAlive(jar: CookieJar): Promise<void> {
  const outcome = await authorize(
    op,
    jar,
    {
      client_id: BASIC_CLIENT.id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid',
      prompt: 'none',
    },
    null,
  );
  assert.ok(expectSuccess(outcome)['code'], 'prompt=none still gets a code');
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

conformancePlan('RP-Initiated Logout OP', 'rp-initiated-logout', (module) => {
  module(
    'oidcc-rp-initiated-logout-discovery-endpoint-verification',
    'discovery names an end_session_endpoint at the issuer',
    async () => {
      const endpoint = new URL(op.endpoint('end_session_endpoint'));
      // CheckDiscEndSessionEndpoint wants https; the loopback test issuer stands in for its scheme.
      assert.equal(endpoint.origin, new URL(op.issuer).origin);
      assert.equal(endpoint.hash, '');
      const response = await fetch(endpoint, { redirect: 'manual' });
      assert.equal(response.status, 200, 'it answers');
    },
  );

  module(
    'oidcc-rp-initiated-logout',
    'id_token_hint, post_logout_redirect_uri and state: back to the client with state only, session gone',
    async () => {
      const { jar, idToken } = await signIn();
      const state = longState();
      const page = await endSession(jar, {
        id_token_hint: idToken,
        post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
        state,
      });
      // CheckPostLogoutState, CheckForUnexpectedParametersInPostLogoutRedirect.
      assert.deepEqual(expectPostLogoutRedirect(page), { state });
      await expectSessionGone(jar);
    },
  );

  module(
    'oidcc-rp-initiated-logout-bad-post-logout-redirect-uri',
    'an unregistered post_logout_redirect_uri is never redirected to',
    async () => {
      const { jar, idToken } = await signIn();
      const page = await endSession(jar, {
        id_token_hint: idToken,
        post_logout_redirect_uri: 'https://rp.example.net/not-registered',
        state: longState(),
      });
      expectErrorPage(page);
      assert.doesNotMatch(page.body, /not-registered/, 'no link to the unregistered address either');
    },
  );

  module(
    'oidcc-rp-initiated-logout-modified-id-token-hint',
    'an id_token_hint changed to alg:none is refused, without a redirect',
    async () => {
      const { jar, idToken } = await signIn();
      const [header, payload] = idToken.split('.');
      const original = decodeProtectedHeader(idToken);
      assert.notEqual(original.alg, 'none');
      const algNone = `${b64({ ...JSON.parse(Buffer.from(header ?? '', 'base64url').toString()), alg: 'none' })}.${payload}.`;
      const page = await endSession(jar, {
        id_token_hint: algNone,
        post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
        state: longState(),
      });
      expectErrorPage(page);
      await expectSessionAlive(jar);
    },
  );

  module(
    'oidcc-rp-initiated-logout-no-id-token-hint',
    'post_logout_redirect_uri without id_token_hint: no redirect, the session is not ended unasked',
    async () => {
      const { jar } = await signIn();
      const page = await endSession(jar, {
        post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
        state: longState(),
      });
      assert.ok(
        !(page.status === 302 && !page.url.startsWith(`${op.issuer}/`)),
        `must not redirect, went to ${page.url}`,
      );
      // Either an error or a confirmation; neither has signed the user out yet.
      await expectSessionAlive(jar);
    },
  );

  module(
    'oidcc-rp-initiated-logout-no-params',
    'no parameters: the user is signed out (after confirming) and shown the signed-out page',
    async () => {
      const { jar } = await signIn();
      let page = await endSession(jar, {});
      if (/name="csrf"/.test(page.body)) page = await confirmSignOut(jar, page);
      expectSignedOutPage(page);
      await expectSessionGone(jar);
    },
  );

  module(
    'oidcc-rp-initiated-logout-no-post-logout-redirect-uri',
    'id_token_hint and state without post_logout_redirect_uri: signed out, no redirect',
    async () => {
      const { jar, idToken } = await signIn();
      const page = await endSession(jar, { id_token_hint: idToken, state: longState() });
      expectSignedOutPage(page);
      await expectSessionGone(jar);
    },
  );

  module(
    'oidcc-rp-initiated-logout-no-state',
    'without state: back to the post_logout_redirect_uri with no parameters, session gone',
    async () => {
      const { jar, idToken } = await signIn();
      const page = await endSession(jar, {
        id_token_hint: idToken,
        post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
      });
      // CheckNoPostLogoutState, CheckForUnexpectedParametersInPostLogoutRedirect.
      assert.deepEqual(expectPostLogoutRedirect(page), {});
      await expectSessionGone(jar);
    },
  );

  module(
    'oidcc-rp-initiated-logout-only-state',
    'only state: the user is signed out (after confirming), no redirect',
    async () => {
      const { jar } = await signIn();
      let page = await endSession(jar, { state: longState() });
      if (/name="csrf"/.test(page.body)) page = await confirmSignOut(jar, page);
      expectSignedOutPage(page);
      await expectSessionGone(jar);
    },
  );

  module(
    'oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri',
    'the registered post_logout_redirect_uri with ?foo=bar added is not redirected to',
    async () => {
      const { jar, idToken } = await signIn();
      const page = await endSession(jar, {
        id_token_hint: idToken,
        post_logout_redirect_uri: `${POST_LOGOUT_REDIRECT_URI}?foo=bar`,
        state: longState(),
      });
      expectErrorPage(page);
    },
  );

  module(
    'oidcc-rp-initiated-logout-bad-id-token-hint',
    'an id_token_hint signed by a key that is not the OP’s is refused, without a redirect',
    async () => {
      const { jar, idToken } = await signIn();
      // GenerateFakeIdTokenClaims + SignFakeIdToken: the real claims, signed by the suite's own
      // key, even under the OP's kid.
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const header = decodeProtectedHeader(idToken);
      const foreign = await new SignJWT(decodeJwt(idToken))
        .setProtectedHeader({ alg: 'RS256', ...(header.kid === undefined ? {} : { kid: header.kid }) })
        .sign(privateKey);
      const page = await endSession(jar, {
        id_token_hint: foreign,
        post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
        state: longState(),
      });
      expectErrorPage(page);
      await expectSessionAlive(jar);
    },
  );

  module(
    'sesame-rp-initiated-logout-tampered-id-token-hint',
    'an id_token_hint whose claims were changed under its signature is refused, without a redirect',
    async () => {
      const { jar, idToken } = await signIn();
      const [header, payload, signature] = idToken.split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<
        string,
        unknown
      >;
      const tampered = `${header}.${b64({ ...claims, aud: POST_CLIENT.id })}.${signature}`;
      const page = await endSession(jar, {
        id_token_hint: tampered,
        post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
        state: longState(),
      });
      expectErrorPage(page);
      await expectSessionAlive(jar);
    },
  );

  module(
    'sesame-rp-initiated-logout-client-id',
    'client_id (RP-Initiated Logout §2): matching the hint redirects; another client’s is refused; alone it needs confirming',
    async () => {
      const first = await signIn();
      const state = longState();
      const matching = await endSession(first.jar, {
        id_token_hint: first.idToken,
        client_id: BASIC_CLIENT.id,
        post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
        state,
      });
      assert.deepEqual(expectPostLogoutRedirect(matching), { state });
      await expectSessionGone(first.jar);

      const second = await signIn();
      const mismatched = await endSession(second.jar, {
        id_token_hint: second.idToken,
        client_id: POST_CLIENT.id,
        post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
        state: longState(),
      });
      expectErrorPage(mismatched);
      await expectSessionAlive(second.jar);

      // client_id without a hint names the client whose registration the URI is checked
      // against; the user, not the request, decides to sign out.
      const alone = await endSession(second.jar, {
        client_id: POST_CLIENT.id,
        post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
        state,
      });
      const confirmed = await confirmSignOut(second.jar, alone);
      assert.deepEqual(expectPostLogoutRedirect(confirmed), { state });
      await expectSessionGone(second.jar);
    },
  );
});
