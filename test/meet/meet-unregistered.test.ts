// The Cloudron case where Meet is not in the registration file at all: Konnect trusted any
// client whose redirect URI is on the issuer's own origin (konnect-spec §2.3, kopano-meet.md
// req. 11), and Meet's web app relied on it. Here over plain http on loopback, with Meet's
// config.json naming the issuer (Meet's default would be https://<host>), so the browser-state
// cookie is the http one (KKBS, SameSite=Lax). ID tokens live 5 s here, so that the silent
// renew and the sign-out send expired hints, as after a laptop slept (req. 27, 31).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { skipReason, startMeetHarness, type MeetHarness, type MeetPage } from './harness.js';
import { browserState, jwtPayload, konnectSubject, sessionState } from './konnect-values.js';
import {
  checkSessionAnswers,
  eventsOf,
  inMeet,
  signInThroughSesame,
  userOf,
  watched,
  type MeetResult,
  type OidcUser,
} from './meet-steps.js';

const options = { skip: skipReason, timeout: 30_000 };

/** Waits until the ID token `user` holds has expired. */
async function untilExpired(meet: MeetPage, user: OidcUser): Promise<void> {
  const exp = Number(jwtPayload(user.id_token).exp) * 1000;
  await meet.page.waitForTimeout(Math.max(0, exp - Date.now()) + 1100);
}
const BOB = { username: 'bob', password: 'bob secret', dn: 'uid=bob,ou=users,dc=cloudron' };

describe('Kopano Meet signs in through Sesame without being registered (implicit trust, as on Cloudron)', () => {
  let h: MeetHarness;
  let meet: MeetPage;
  let bob: OidcUser;

  before(
    async () => {
      if (skipReason) return;
      h = await startMeetHarness({ tls: false, registerMeet: false, extraCfg: ['id_token_expiration=5'] });
    },
    { timeout: 60_000 },
  );

  after(
    async () => {
      await h?.stop();
    },
    { timeout: 30_000 },
  );

  it('signs an LDAP user in without a consent page, with the scopes Meet requires', options, async () => {
    assert.match(h.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    meet = await h.newMeetPage('/meet/', { oidc: { iss: h.issuer } });
    await signInThroughSesame(meet, h.appBaseURL, BOB.username, BOB.password);
    assert.ok(
      !meet.navigations.some((url) => new URL(url).pathname.startsWith('/signin/v1/consent')),
      meet.diagnostics(),
    );
    bob = userOf(await inMeet<MeetResult>(meet, 'meet.signinRedirectCallback()'), meet);
    for (const scope of ['openid', 'profile', 'email', 'kopano/kwm']) {
      assert.ok(bob.scope.split(' ').includes(scope), `user.scope "${bob.scope}" lacks ${scope}`);
    }
    assert.equal(bob.token_type, 'Bearer');
    assert.equal(bob.refresh_token, undefined);
    assert.equal(bob.profile.sub, konnectSubject(BOB.dn, 'identifier-ldap'));
    assert.equal(bob.profile.name, 'Bob Builder');
    assert.equal(bob.profile.email, 'bob@cloudron.example');
  });

  it(
    'keeps the session monitor quiet with the http browser-state cookie, then renews with an expired hint',
    options,
    async () => {
      assert.ok(bob, 'needs the sign-in above');
      const started = Date.now();
      await meet.page.waitForTimeout(6_000);
      const answers = (await checkSessionAnswers(meet, h.issuer)).filter((m) => m.at >= started);
      assert.ok(answers.length >= 2, meet.diagnostics());
      assert.deepEqual([...new Set(answers.map((a) => a.data))], ['unchanged'], meet.diagnostics());
      assert.deepEqual(await eventsOf(meet, 'userSignedOut'), []);

      const state = browserState(String(bob.profile.sub), h.issuer);
      const kkbs = (await meet.context.cookies(`${h.issuer}/konnect/v1/session/`)).find(
        (c) => c.name === 'KKBS',
      );
      assert.equal(kkbs?.value, state);
      assert.equal(kkbs?.sameSite, 'Lax');
      const [, salt = ''] = String(bob.session_state).split('.');
      assert.equal(bob.session_state, sessionState(h.clientId, h.issuer, state, salt));

      await untilExpired(meet, bob);
      const authorize = watched(
        meet.page.waitForResponse((r) => new URL(r.url()).pathname === '/signin/v1/identifier/_/authorize'),
      );
      const renewed = userOf(await inMeet<MeetResult>(meet, 'meet.signinSilent()'), meet);
      const hint = new URL((await authorize).url()).searchParams.get('id_token_hint') ?? '';
      assert.ok(Number(jwtPayload(hint).exp) * 1000 < Date.now(), 'the hint had expired (req. 27)');
      assert.equal(renewed.profile.sub, bob.profile.sub);
      bob = renewed;
    },
  );

  it(
    'signs out back to Meet with an expired hint, and afterwards silent sign-in answers login_required',
    options,
    async () => {
      assert.ok(bob, 'needs the sign-in above');
      await untilExpired(meet, bob);
      await inMeet(meet, 'meet.signoutRedirect()');
      try {
        await meet.page.waitForURL((url) => url.hash === '#oidc-endsession-callback', { timeout: 10_000 });
      } catch {
        assert.fail(`did not come back to #oidc-endsession-callback (req. 30)\n${meet.diagnostics()}`);
      }
      assert.match(
        meet.page.url(),
        new RegExp(`^${h.appBaseURL}\\?state=[0-9a-f]+#oidc-endsession-callback$`),
      );
      await meet.page.waitForFunction('window.meet !== undefined && window.meet.isReady === true');
      assert.equal((await inMeet<{ ok: boolean }>(meet, 'meet.signoutRedirectCallback()')).ok, true);
      const silent = await inMeet<MeetResult>(meet, 'meet.signinSilent()');
      assert.equal(silent.ok ? null : silent.error, 'login_required', JSON.stringify(silent));
    },
  );
});
