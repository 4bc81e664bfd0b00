// Kopano Meet's guests (kopano-meet.md req. 36–39, "Konnect guest flow"): a guest opens a public
// room link, Meet asks kwmserver's guest logon for a signed request object, and oidc-client
// signs in with `id_token token` and prompt=none, without any page. kwmserver's logon is
// reproduced in test/meet/kwm-guest-logon.ts; the guest's sub is computed here as Konnect does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { kwmConnect } from '../helpers/libkcoidc.js';
import { skipReason, startMeetHarness, type MeetHarness, type MeetPage } from './harness.js';
import { signRequestObject, type GuestLogonResult } from './kwm-guest-logon.js';
import { jwtPayload, konnectSubject } from './konnect-values.js';
import { inMeet, userOf, watched, type MeetResult } from './meet-steps.js';

const options = { skip: skipReason, timeout: 30_000 };
const ROOM = '/meet/r/group/public/standup';
const GUEST_CONFIG = { oidc: { iss: '' }, guests: { enabled: true } };

describe('Kopano Meet guests sign in through Sesame with the request object kwmserver signs', () => {
  let h: MeetHarness;

  before(
    async () => {
      if (skipReason) return;
      h = await startMeetHarness({ tls: true, registerMeet: true, allowGuests: true });
    },
    { timeout: 60_000 },
  );

  after(
    async () => {
      await h?.stop();
    },
    { timeout: 30_000 },
  );

  /** The authorize answers the guest's browser got: `status location`. */
  function authorizeAnswers(meet: MeetPage): string[] {
    return meet.responses.filter((r) => r.includes('/signin/v1/identifier/_/authorize'));
  }

  /** The last logon's signed request object and its claims. */
  function lastLogon(): NonNullable<GuestLogonResult['signed']> {
    const logon = h.guestLogons.at(-1);
    assert.ok(logon?.signed, `kwmserver's logon signed a request object: ${JSON.stringify(logon)}`);
    return logon.signed;
  }

  it(
    'signs a guest in from a public room link, without any page, as the guest kwmserver named',
    options,
    async () => {
      const meet = await h.newMeetPage(ROOM, GUEST_CONFIG);
      try {
        const userinfo = watched(
          meet.page.waitForResponse((r) => new URL(r.url()).pathname === '/konnect/v1/userinfo'),
        );
        const result = await inMeet<MeetResult>(meet, 'meet.signinAsGuest("Bob")');
        const guest = userOf(result, meet);
        const { request, claims } = lastLogon();
        const guestId = String(
          (claims.claims as { id_token: { guest: { value: string } } }).id_token.guest.value,
        );
        assert.match(guestId, /^[A-Za-z0-9]{32}@1\.kwmguest$/);

        // What Meet sent: kwmserver's request object over a query with Meet's own settings.
        const sent = meet.responses.find((r) => r.includes('/signin/v1/identifier/_/authorize'));
        assert.ok(sent, meet.diagnostics());
        const query = new URL(sent.split(' ')[2] ?? '').searchParams;
        assert.equal(query.get('response_type'), 'id_token token');
        assert.equal(query.get('prompt'), 'none');
        assert.equal(query.get('request'), request);
        assert.equal(query.get('claims'), '{"id_token":{"name":null}}', "Meet's claims stay in the query");
        assert.ok(
          !query.get('scope')?.includes('konnect/guestok'),
          'konnect/guestok is only in the request object',
        );
        assert.deepEqual(
          authorizeAnswers(meet).map((r) => r.split(' ')[0]),
          ['302'],
          `one redirect, no sign-in page: ${meet.diagnostics()}`,
        );
        assert.ok(!meet.responses.some((r) => /\/signin\/v1\/identifier(\?|$)/.test(r.split(' ')[2] ?? '')));

        assert.equal(guest.token_type, 'Bearer');
        const idToken = jwtPayload(guest.id_token);
        assert.equal(
          idToken.name,
          '(Guest)Bob',
          "the ID token's name is the one the request object asked for",
        );
        const sub = konnectSubject(guestId, 'guest');
        assert.equal(guest.profile.sub, sub, "Konnect's guest sub (identity/managers/guest.go)");
        for (const scope of ['openid', 'profile', 'email', 'kopano/kwm']) {
          assert.ok(guest.scope.split(' ').includes(scope), `user.scope "${guest.scope}" lacks ${scope}`);
        }

        const discovery = await h.fetch('/.well-known/openid-configuration');
        const jwks = await h.fetch(String((JSON.parse(discovery.body) as { jwks_uri: string }).jwks_uri));
        const kwm = kwmConnect({
          issuer: h.issuer,
          discovery: discovery.body,
          jwks: jwks.body,
          accessToken: guest.access_token,
          idToken: guest.id_token,
          now: Date.now(),
          requiredScopes: ['kopano/kwm'],
          guestsEnabled: true,
        });
        assert.equal(kwm.isGuest, true);
        assert.equal(kwm.authenticatedUserId, guestId, 'kwm user id = kc.i.id, the guest id');
        assert.deepEqual(
          kwm.groupRestriction,
          ['group/public/standup'],
          'kwmserver keeps the guest in the room',
        );
        assert.equal(kwm.userClaims?.name, '(Guest)Bob');
        const access = jwtPayload(guest.access_token);
        const granted = access['kc.authorizedScopes'] as string[];
        assert.ok(granted.includes('konnect/guestok') && granted.includes('kopano/kwm'), String(granted));
        for (const scope of guest.scope.split(' ')) {
          // Meet calls kapi for contacts (kopano/gc) and recents (kopano/kvs) when user.scope says so.
          assert.ok(granted.includes(scope), `user.scope has ${scope}, which the access token lacks`);
        }
        const identity = access['kc.identity'] as Record<string, unknown>;
        assert.equal(identity['kc.i.id'], guestId);
        assert.equal(identity['kc.i.guest'], true);
        assert.deepEqual(
          (access['kc.authorizedClaims'] as { passthru?: unknown }).passthru,
          { 'kopano/kwm/guest': { type: '1', path: 'group/public/standup' } },
          'the passthru claim of the signed object reaches the access token (req. 38)',
        );
        assert.equal(access.aud, h.clientId);

        const info = await userinfo;
        assert.equal(info.status(), 200, 'userinfo works for a guest token (oidc-client loads it)');
        const body = (await info.json()) as Record<string, unknown>;
        assert.equal(body.sub, sub);
        assert.equal(body.name, '(Guest)Bob');
        const direct = await h.fetch('/konnect/v1/userinfo', {
          headers: { authorization: `Bearer ${guest.access_token}` },
        });
        assert.equal(direct.status, 200, direct.body);
      } finally {
        await meet.context.close();
      }
    },
  );

  /** Runs the guest sign-in with the logon's request object replaced by `rewrite(original)`. */
  async function guestWithRequest(rewrite: (request: string) => Promise<string>): Promise<{
    result: MeetResult;
    meet: MeetPage;
  }> {
    h.rewriteGuestLogon = async (logon) => {
      const body = JSON.parse(logon.body) as { eqp: { request: string } };
      body.eqp.request = await rewrite(body.eqp.request);
      return { ...logon, body: JSON.stringify(body) };
    };
    const meet = await h.newMeetPage(ROOM, GUEST_CONFIG);
    try {
      const result = await inMeet<MeetResult>(meet, 'meet.signinAsGuest("Mallory")');
      return { result, meet };
    } finally {
      h.rewriteGuestLogon = null;
    }
  }

  function assertRefused(outcome: { result: MeetResult; meet: MeetPage }): void {
    const { result, meet } = outcome;
    assert.equal(result.ok, false, `no guest sign-in: ${meet.diagnostics()}`);
    const answers = authorizeAnswers(meet);
    assert.equal(answers.length, 1, meet.diagnostics());
    const [status, , , arrow, location = ''] = (answers[0] ?? '').split(' ');
    assert.equal(status, '302', `an error redirect, not a page: ${answers[0]}`);
    assert.equal(arrow, '→');
    assert.ok(location.startsWith(`${h.appBaseURL}#oidc-silent-refresh&`), location);
    const fragment = new URLSearchParams(new URL(location).hash.slice('#oidc-silent-refresh&'.length));
    assert.equal(fragment.get('error'), 'invalid_request_object', `OIDC Core §6.3: ${location}`);
    assert.equal(fragment.get('access_token'), null, 'never tokens');
    assert.equal(fragment.get('id_token'), null, 'never tokens');
    assert.equal(result.ok ? null : result.error, fragment.get('error'));
  }

  it('refuses a request object whose claims were changed after kwmserver signed it', options, async () => {
    const outcome = await guestWithRequest(async (request) => {
      const [header, payload, signature] = request.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        claims: { passthru: { 'kopano/kwm/guest': { path: string } } };
      };
      claims.claims.passthru['kopano/kwm/guest'].path = 'group/private/board';
      return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    });
    try {
      assertRefused(outcome);
    } finally {
      await outcome.meet.context.close();
    }
  });

  it('refuses an unsigned (alg none) request object', options, async () => {
    const outcome = await guestWithRequest(async (request) => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      return `${header}.${request.split('.')[1]}.`;
    });
    try {
      assertRefused(outcome);
    } finally {
      await outcome.meet.context.close();
    }
  });

  it('refuses a request object signed by a key that is not the registered one', options, async () => {
    const outcome = await guestWithRequest(async (request) => {
      const claims = jwtPayload(request);
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const stranger: JWK & { kid: string } = { ...(await exportJWK(privateKey)), kid: h.meetKey?.kid ?? '' };
      return signRequestObject(claims, stranger, 'ES256');
    });
    try {
      assertRefused(outcome);
    } finally {
      await outcome.meet.context.close();
    }
  });
});
