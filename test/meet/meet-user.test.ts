// Kopano Meet's own web app signs its users in through Sesame, as on Cloudron: Meet and the OP
// on one https origin behind a proxy, `konnectd serve … ldap` over a real slapd, oidc-client
// 1.9.1 in Chromium configured as kpop 2.6.0 does (issue 6 "Done means"; kopano-meet.md).
// Every value Konnect derives (sub, browser state, session_state) is computed here from
// Konnect's algorithms, not taken from Sesame's code.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { en } from '../../src/views/i18n/en.js';
import { kwmConnect } from '../helpers/libkcoidc.js';
import { skipReason, startMeetHarness, type MeetHarness, type MeetPage } from './harness.js';
import { browserState, jwtHeader, jwtPayload, konnectSubject, sessionState } from './konnect-values.js';
import {
  askProbe,
  checkSessionAnswers,
  eventsOf,
  inMeet,
  openProbeFrame,
  signInThroughSesame,
  userOf,
  watched,
  type MeetResult,
  type OidcUser,
} from './meet-steps.js';

const options = { skip: skipReason, timeout: 40_000 };

const ALICE = { username: 'alice', password: 'alice password', dn: 'uid=alice,ou=users,dc=cloudron' };
const TESTUSER = { username: 'testuser', password: 'test', dn: 'cn=testuser,ou=users,dc=cloudron' };
/** A DN with an escaped comma, as slapd sends it on the wire (ldapsearch prints the same). */
const JSMITH = {
  username: 'jsmith',
  password: "john's secret",
  dn: 'cn=Smith\\2C John,ou=users,dc=cloudron',
};
/** Meet's requiredScopes (meet src/Main.js), checked by kpop ensureRequiredScopes (req. 18). */
const MEET_REQUIRED_SCOPES = ['openid', 'profile', 'email', 'kopano/kwm'];

describe('Kopano Meet signs its users in through Sesame (Meet registered as kopano-docker does it)', () => {
  let h: MeetHarness;
  let meet: MeetPage;
  /** Alice's user after the redirect sign-in, then after the silent renew. */
  let alice: OidcUser;

  before(
    async () => {
      if (skipReason) return;
      h = await startMeetHarness({ tls: true, registerMeet: true });
    },
    { timeout: 60_000 },
  );

  after(
    async () => {
      await h?.stop();
    },
    { timeout: 30_000 },
  );

  /** An assertion message with what the browser and the proxy saw. */
  function explain(message: string): string {
    return `${message}\n${meet.diagnostics()}\nproxy:\n${h.proxyLog.slice(-40).join('\n')}`;
  }

  it(
    'signs an LDAP user in without a consent page, with the scopes, claims and token type Meet needs',
    options,
    async () => {
      meet = await h.newMeetPage();
      assert.equal(h.clientId, `kpop-${h.issuer}/meet/`, 'kpop builds the client_id from appBaseURL');
      await signInThroughSesame(meet, h.appBaseURL, ALICE.username, ALICE.password);
      assert.ok(
        !meet.navigations.some((url) => new URL(url).pathname.startsWith('/signin/v1/consent')),
        explain('Meet is trusted: no consent page (req. 12)'),
      );
      const callback = new URL(meet.page.url());
      assert.equal(
        `${callback.origin}${callback.pathname}${callback.search}`,
        h.appBaseURL,
        'nothing in the query',
      );
      assert.match(
        callback.hash,
        /^#oidc-callback&/,
        'the response is appended to the fragment with & (req. 9)',
      );
      const response = new URLSearchParams(callback.hash.slice('#oidc-callback&'.length));
      assert.ok(response.get('code'), 'a code in the fragment (req. 8, 14)');
      assert.ok(response.get('session_state'), 'session_state in the fragment (req. 14)');

      const userinfo = watched(
        meet.page.waitForResponse((r) => new URL(r.url()).pathname === '/konnect/v1/userinfo'),
      );
      const result = await inMeet<MeetResult>(meet, 'meet.signinRedirectCallback()');
      alice = userOf(result, meet);
      const userinfoResponse = await userinfo;
      assert.equal(userinfoResponse.status(), 200);
      assert.match(userinfoResponse.headers()['content-type'] ?? '', /^application\/json/, 'req. 7');
      const userinfoBody = (await userinfoResponse.json()) as Record<string, unknown>;

      const granted = alice.scope.split(' ');
      for (const scope of MEET_REQUIRED_SCOPES) {
        assert.ok(
          granted.includes(scope),
          `user.scope "${alice.scope}" lacks ${scope}: Meet shows "No access!"`,
        );
      }
      assert.equal(alice.token_type, 'Bearer', 'Meet sends token_type verbatim to kwmserver (req. 17)');
      assert.equal(alice.refresh_token, undefined, 'no refresh token without offline_access (req. 19)');

      const sub = konnectSubject(ALICE.dn, 'identifier-ldap');
      assert.equal(alice.profile.sub, sub, "Konnect's sub for the DN (konnect-spec §5.1)");
      const idToken = jwtPayload(alice.id_token);
      assert.equal(
        idToken.name,
        'Alice Example',
        'claims={"id_token":{"name":null}} puts name in the ID token (req. 13)',
      );
      assert.equal(idToken.iss, h.issuer);
      assert.equal(idToken.aud, h.clientId);
      assert.equal(userinfoBody.sub, sub, 'userinfo sub = ID token sub (req. 22)');
      assert.equal(userinfoBody.name, 'Alice Example');
      assert.equal(userinfoBody.given_name, 'Alice');
      assert.equal(userinfoBody.family_name, 'Example');
      assert.equal(userinfoBody.email, 'alice@cloudron.example');
      assert.equal(
        alice.profile.email,
        'alice@cloudron.example',
        'oidc-client merged userinfo into the profile',
      );

      // The app is back on /meet/ (kpop resetHash) with the user stored.
      assert.equal(meet.page.url(), h.appBaseURL);
      assert.equal((await inMeet<OidcUser | null>(meet, 'meet.getUser()'))?.profile.sub, sub);
    },
  );

  it("passes kwmserver's check of the access token, by libkcoidc 0.7.2's rules", options, async () => {
    assert.ok(alice, 'needs the sign-in above');
    const discovery = await h.fetch('/.well-known/openid-configuration');
    assert.equal(discovery.status, 200);
    const metadata = JSON.parse(discovery.body) as Record<string, unknown>;
    for (const field of [
      'issuer',
      'authorization_endpoint',
      'token_endpoint',
      'userinfo_endpoint',
      'jwks_uri',
      'end_session_endpoint',
      'check_session_iframe',
    ]) {
      assert.equal(typeof metadata[field], 'string', `discovery has ${field} (req. 3, 33)`);
    }
    assert.equal(metadata.issuer, h.issuer, 'req. 1');
    const jwks = await h.fetch(String(metadata.jwks_uri));
    assert.equal(jwks.status, 200);
    const now = Date.now();

    const result = kwmConnect({
      issuer: h.issuer,
      discovery: discovery.body,
      jwks: jwks.body,
      accessToken: alice.access_token,
      idToken: alice.id_token,
      now,
      requiredScopes: ['kopano/kwm'],
    });
    assert.equal(result.authenticatedUserId, ALICE.dn, 'kwm user id = kc.i.id, the DN (req. 21)');
    assert.equal(result.isGuest, false);
    assert.equal(
      result.userClaims?.name,
      'Alice Example',
      'kwmserver reads the display name from the ID token',
    );
    assert.equal(result.standardClaims.sub, alice.profile.sub, 'req. 22');
    // Meet's useIdentifiedUser (auth mode 1) uses kc.i.un.
    const identified = kwmConnect({
      issuer: h.issuer,
      discovery: discovery.body,
      jwks: jwks.body,
      accessToken: alice.access_token,
      idToken: alice.id_token,
      now,
      authMode: '1',
    });
    assert.equal(identified.user, 'alice');

    const claims = jwtPayload(alice.access_token);
    assert.equal(claims['kc.isAccessToken'], true);
    assert.deepEqual(claims['kc.identity'], {
      'kc.i.id': ALICE.dn,
      'kc.i.un': 'alice',
      'kc.i.dn': 'Alice Example',
    });
    assert.equal(typeof claims.aud, 'string', 'aud is a string, as Konnect wrote it');
    assert.equal(claims.aud, h.clientId);
    assert.equal(claims.iss, h.issuer);
    assert.ok(
      typeof claims.iat === 'number' && claims.iat * 1000 <= now,
      'iat is not in the future (req. 23)',
    );
    assert.ok(
      typeof claims.exp === 'number' && claims.exp - claims.iat > 120,
      "the access token outlives kpop's 120 s renew margin (req. 20)",
    );
    const scopes = claims['kc.authorizedScopes'];
    assert.ok(
      Array.isArray(scopes) && scopes.every((s) => typeof s === 'string'),
      'kc.authorizedScopes is a list',
    );
    for (const scope of [...MEET_REQUIRED_SCOPES, 'kopano/gc', 'kopano/kvs']) {
      assert.ok(
        (scopes as string[]).includes(scope),
        `kc.authorizedScopes has ${scope} (kapi needs gc and kvs)`,
      );
    }
    const kid = jwtHeader(alice.access_token).kid;
    const keys = (JSON.parse(jwks.body) as { keys: { kid?: string }[] }).keys;
    assert.ok(
      keys.some((k) => k.kid === kid),
      `the kid ${String(kid)} is in the JWKS (req. 4)`,
    );
  });

  it(
    'renews silently in a hidden iframe (prompt=none with id_token_hint) for the same user',
    options,
    async () => {
      assert.ok(alice, 'needs the sign-in above');
      const authorize = watched(
        meet.page.waitForResponse((r) => new URL(r.url()).pathname === '/signin/v1/identifier/_/authorize'),
      );
      const result = await inMeet<MeetResult>(meet, 'meet.signinSilent()');
      const renewed = userOf(result, meet);
      const answer = await authorize;
      const sent = new URL(answer.url()).searchParams;
      assert.equal(sent.get('prompt'), 'none');
      assert.equal(
        sent.get('id_token_hint'),
        alice.id_token,
        'includeIdTokenInSilentRenew sends the old ID token',
      );
      assert.equal(sent.get('redirect_uri'), `${h.appBaseURL}#oidc-silent-refresh`);
      assert.equal(answer.status(), 302, 'the OP answers the iframe with a redirect, never a page (req. 26)');
      assert.ok(
        (answer.headers().location ?? '').startsWith(`${h.appBaseURL}#oidc-silent-refresh&code=`),
        `redirected to ${answer.headers().location}`,
      );

      assert.equal(renewed.profile.sub, alice.profile.sub);
      assert.notEqual(renewed.access_token, alice.access_token, 'a new access token');
      assert.equal(renewed.token_type, 'Bearer');
      assert.equal(renewed.refresh_token, undefined);
      assert.ok(renewed.session_state, 'a new session_state');
      assert.deepEqual(await eventsOf(meet, 'silentRenewError'), []);
      alice = renewed;
    },
  );

  it(
    'signs in silently in a Meet tab opened later, from the session alone (no stored user, no hint)',
    options,
    async () => {
      assert.ok(alice, 'needs the sign-in above');
      // oidc-client keeps the user in sessionStorage, which a new tab does not share: kpop's
      // fetchUser then tries signinSilent without an id_token_hint before any redirect.
      const tab = await meet.context.newPage();
      try {
        await tab.goto(h.appBaseURL);
        await tab.waitForFunction('window.meet !== undefined && window.meet.isReady === true');
        assert.equal(await inMeet(tab, 'meet.getUser()'), null);
        const authorize = watched(
          tab.waitForResponse((r) => new URL(r.url()).pathname === '/signin/v1/identifier/_/authorize'),
        );
        const result = await inMeet<MeetResult>(tab, 'meet.signinSilent()');
        assert.equal(new URL((await authorize).url()).searchParams.get('id_token_hint'), null);
        assert.ok(result.ok, JSON.stringify(result));
        assert.equal(result.user.profile.sub, alice.profile.sub);
      } finally {
        await tab.close();
      }
    },
  );

  it(
    "keeps the session monitor quiet for 10 s; the check-session iframe agrees with Konnect's session_state",
    { ...options, timeout: 30_000 },
    async () => {
      assert.ok(alice?.session_state, 'needs the sign-in above');
      const issuerOrigin = new URL(h.issuer).origin;
      const started = Date.now();
      await meet.page.waitForTimeout(10_000);
      const answers = (await checkSessionAnswers(meet, issuerOrigin)).filter((m) => m.at >= started);
      assert.ok(
        answers.length >= 4,
        explain(`oidc-client polls every 2 s; answers: ${JSON.stringify(answers)}`),
      );
      assert.deepEqual(
        [...new Set(answers.map((a) => a.data))],
        ['unchanged'],
        explain('the iframe answered unchanged every time'),
      );
      assert.deepEqual(await eventsOf(meet, 'userSignedOut'), [], 'no userSignedOut (req. 32)');
      assert.deepEqual(await eventsOf(meet, 'silentRenewError'), []);
      assert.deepEqual(await eventsOf(meet, 'failure'), []);
      assert.equal((await inMeet<OidcUser | null>(meet, 'meet.getUser()'))?.profile.sub, alice.profile.sub);

      // The browser-state cookie holds Konnect's browser state for Alice (req. 33).
      const expectedState = browserState(String(alice.profile.sub), h.issuer);
      const cookies = await meet.context.cookies(`${h.issuer}/konnect/v1/session/`);
      const kkbs = cookies.find((c) => c.name === '__Secure-KKBS');
      assert.ok(kkbs, `a __Secure-KKBS cookie, have ${cookies.map((c) => c.name).join(', ')}`);
      assert.equal(kkbs.value, expectedState);
      assert.equal(kkbs.path, '/konnect/v1/session/');
      assert.equal(kkbs.httpOnly, false, 'the iframe script reads it');
      assert.equal(kkbs.secure, true);
      assert.equal(kkbs.sameSite, 'None');

      // oidc-client's session_state is Konnect's hash over client_id, origin, browser state, salt.
      const [, salt = ''] = alice.session_state.split('.');
      assert.equal(salt.length, 32, 'a 32-character salt');
      assert.equal(alice.session_state, sessionState(h.clientId, issuerOrigin, expectedState, salt));

      // Drive a check-session iframe directly, as oidc-client's CheckSessionIFrame does.
      const iframeUrl = await inMeet<string>(meet, 'meet.checkSessionIframe()');
      assert.equal(iframeUrl, `${h.issuer}/konnect/v1/session/check-session.html`);
      await openProbeFrame(meet, iframeUrl);
      assert.equal(await askProbe(meet, `${h.clientId} ${alice.session_state}`, issuerOrigin), 'unchanged');
      const mine = sessionState(h.clientId, issuerOrigin, expectedState, 'OurOwnSalt0123456789abcdefghijkl');
      assert.equal(await askProbe(meet, `${h.clientId} ${mine}`, issuerOrigin), 'unchanged');
      const someoneElse = sessionState(
        h.clientId,
        issuerOrigin,
        browserState(konnectSubject(TESTUSER.dn, 'identifier-ldap'), h.issuer),
        'OurOwnSalt0123456789abcdefghijkl',
      );
      assert.equal(await askProbe(meet, `${h.clientId} ${someoneElse}`, issuerOrigin), 'changed');

      // Were it "changed", oidc-client would ask the OP (prompt=none, response_type code,
      // scope openid) and keep the user only if the same sub came back.
      const status = await inMeet<{ ok: boolean; status?: { sub: string; session_state: string } | null }>(
        meet,
        'meet.querySessionStatus()',
      );
      assert.equal(status.status?.sub, alice.profile.sub, JSON.stringify(status));
      const [, newSalt = ''] = String(status.status?.session_state).split('.');
      assert.equal(
        status.status?.session_state,
        sessionState(h.clientId, issuerOrigin, expectedState, newSalt),
      );
    },
  );

  it(
    "answers /favicon.ico on the issuer, and /signin/v1/welcome names the signed-in user (kpop's app grid)",
    options,
    async () => {
      assert.ok(alice, 'needs the sign-in above');
      const favicon = await h.fetch('/favicon.ico');
      assert.equal(favicon.status, 200, 'req. 34');
      const page = await meet.context.newPage();
      try {
        const response = await page.goto(`${h.issuer}/signin/v1/welcome`);
        assert.equal(response?.status(), 200);
        await page
          .getByText(en['account.signed_in_as'].replace('{user}', 'Alice Example'))
          .waitFor({ timeout: 5000 });
      } finally {
        await page.close();
      }
    },
  );

  it(
    'signs out back to Meet with the state in the query and the fragment kept; then silent sign-in needs a login',
    options,
    async () => {
      assert.ok(alice, 'needs the sign-in above');
      const endSession = watched(
        meet.page.waitForRequest((r) => new URL(r.url()).pathname === '/signin/v1/identifier/_/endsession'),
      );
      await inMeet(meet, 'meet.signoutRedirect()');
      const sent = new URL((await endSession).url()).searchParams;
      assert.equal(sent.get('id_token_hint'), alice.id_token);
      assert.equal(sent.get('post_logout_redirect_uri'), `${h.appBaseURL}#oidc-endsession-callback`);
      const state = sent.get('state');
      assert.ok(state, 'oidc-client sends a state');
      try {
        await meet.page.waitForURL((url) => url.hash === '#oidc-endsession-callback', { timeout: 10_000 });
      } catch {
        assert.fail(explain('the browser did not come back to #oidc-endsession-callback (req. 30)'));
      }
      assert.equal(
        meet.page.url(),
        `${h.appBaseURL}?state=${state}#oidc-endsession-callback`,
        'req. 30: state in the query, the fragment kept',
      );
      await meet.page.waitForFunction('window.meet !== undefined && window.meet.isReady === true');
      const callback = await inMeet<{ ok: boolean; message?: string }>(
        meet,
        'meet.signoutRedirectCallback()',
      );
      assert.equal(callback.ok, true, explain(`signoutRedirectCallback: ${callback.message}`));

      const cookies = await meet.context.cookies(`${h.issuer}/konnect/v1/session/`);
      const kkbs = cookies.find((c) => c.name === '__Secure-KKBS');
      assert.notEqual(
        kkbs?.value,
        browserState(String(alice.profile.sub), h.issuer),
        'sign-out cleared the browser state',
      );

      const silent = await inMeet<MeetResult>(meet, 'meet.signinSilent()');
      assert.equal(silent.ok, false, 'no session any more');
      assert.equal(silent.ok ? null : silent.error, 'login_required', explain(JSON.stringify(silent)));
    },
  );

  it(
    "signs in with Meet's useImplicitFlow (id_token token), oidc-client checking the signature and at_hash",
    options,
    async () => {
      const implicit = await h.newMeetPage('/meet/', { oidc: { iss: '', useImplicitFlow: true } });
      try {
        await signInThroughSesame(implicit, h.appBaseURL, TESTUSER.username, TESTUSER.password);
        const fragment = new URLSearchParams(
          new URL(implicit.page.url()).hash.slice('#oidc-callback&'.length),
        );
        assert.ok(fragment.get('access_token'), 'the access token comes in the fragment');
        assert.equal(fragment.get('token_type'), 'Bearer');
        assert.equal(fragment.get('code'), null);
        const result = await inMeet<MeetResult>(implicit, 'meet.signinRedirectCallback()');
        const user = userOf(result, implicit);
        assert.equal(user.profile.sub, konnectSubject(TESTUSER.dn, 'identifier-ldap'));
        assert.equal(user.token_type, 'Bearer');
        assert.equal(user.profile.name, 'testuser');
        for (const scope of MEET_REQUIRED_SCOPES)
          assert.ok(user.scope.split(' ').includes(scope), user.scope);
        // oidc-client refused the response unless at_hash matched; check it independently too.
        const idToken = jwtPayload(user.id_token);
        const alg = String(jwtHeader(user.id_token).alg);
        const digest = createHash(`sha${alg.slice(2)}`)
          .update(user.access_token)
          .digest();
        assert.equal(idToken.at_hash, digest.subarray(0, digest.length / 2).toString('base64url'));
        assert.equal(typeof idToken.nonce, 'string', 'implicit ID tokens carry the nonce');

        const discovery = await h.fetch('/.well-known/openid-configuration');
        const jwks = await h.fetch(String((JSON.parse(discovery.body) as { jwks_uri: string }).jwks_uri));
        const kwm = kwmConnect({
          issuer: h.issuer,
          discovery: discovery.body,
          jwks: jwks.body,
          accessToken: user.access_token,
          idToken: user.id_token,
          now: Date.now(),
          requiredScopes: ['kopano/kwm'],
        });
        assert.equal(kwm.authenticatedUserId, TESTUSER.dn);

        // When the check-session iframe answers "changed", oidc-client asks with response_type
        // id_token (not code) for an implicit-flow app, scope openid, prompt=none.
        const query = watched(
          implicit.page.waitForResponse(
            (r) => new URL(r.url()).pathname === '/signin/v1/identifier/_/authorize',
          ),
        );
        const status = await inMeet<{ ok: boolean; status?: { sub: string; session_state: string } | null }>(
          implicit,
          'meet.querySessionStatus()',
        );
        assert.equal(new URL((await query).url()).searchParams.get('response_type'), 'id_token');
        assert.equal(status.status?.sub, user.profile.sub, JSON.stringify(status));
        assert.ok(status.status?.session_state);
      } finally {
        await implicit.context.close();
      }
    },
  );

  it(
    'tells Meet its user signed out when someone else signs in in another tab of the browser',
    options,
    async () => {
      const first = await h.newMeetPage();
      try {
        await signInThroughSesame(first, h.appBaseURL, JSMITH.username, JSMITH.password);
        const john = userOf(await inMeet<MeetResult>(first, 'meet.signinRedirectCallback()'), first);
        assert.equal(
          john.profile.sub,
          konnectSubject(JSMITH.dn, 'identifier-ldap'),
          'the DN as slapd sends it',
        );
        assert.equal(
          (jwtPayload(john.access_token)['kc.identity'] as Record<string, unknown>)['kc.i.id'],
          JSMITH.dn,
        );

        // kpop's "switch user" in another tab: the sign-in page although a session exists.
        const second = await first.context.newPage();
        await second.goto(h.appBaseURL);
        await second.waitForFunction('window.meet !== undefined && window.meet.isReady === true');
        await inMeet(second, 'meet.signinRedirect({ prompt: "login" })');
        await second.waitForURL((url) => url.pathname === '/signin/v1/identifier', { timeout: 10_000 });
        await second.getByLabel(en['signin.username']).fill(ALICE.username);
        await second.getByLabel(en['signin.password']).fill(ALICE.password);
        await second.getByRole('button', { name: en['signin.submit'] }).click();
        await second.waitForURL((url) => url.href.startsWith(`${h.appBaseURL}#oidc-callback`), {
          timeout: 10_000,
        });

        // The first tab's monitor sees the browser state change and asks the OP: another user.
        await first.page.waitForFunction(
          'window.meet.events.some((e) => e.type === "userSignedOut")',
          undefined,
          { timeout: 10_000 },
        );
        const answers = await checkSessionAnswers(first, new URL(h.issuer).origin);
        assert.ok(
          answers.some((a) => a.data === 'changed'),
          JSON.stringify(answers),
        );
        assert.equal(await inMeet(first, 'meet.getUser()'), null, 'kpop removed the user');
      } finally {
        await first.context.close();
      }
    },
  );

  it('gives a guest link login_required while allow_client_guests is off', options, async () => {
    const guest = await h.newMeetPage('/meet/r/group/public/standup', {
      oidc: { iss: '' },
      guests: { enabled: true },
    });
    try {
      const result = await inMeet<MeetResult>(guest, 'meet.signinAsGuest("Eve")');
      assert.equal(h.guestLogons.at(-1)?.status, 200, 'kwmserver signed a request object');
      assert.equal(result.ok ? null : result.error, 'login_required', guest.diagnostics());
    } finally {
      await guest.context.close();
    }
  });
});
