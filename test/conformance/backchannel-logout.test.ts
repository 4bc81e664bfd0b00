// The Back-Channel Logout plan (oidcc-backchannel-rp-initiated-logout-certification-test-plan):
// its two modules, with the relying party's backchannel_logout_uri a server this test runs on
// 127.0.0.1, then Sesame's own checks (`sesame-` modules) that a failing or silent relying
// party neither holds up the user's logout nor loses its logout token: the delivery worker
// retries it (src/logout/delivery-policy.ts: first retry after 2 s, a POST given up after 5 s).
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import { decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { conformancePlan } from './plan.js';
import {
  authorize,
  codeFlow,
  CookieJar,
  expectErrorRedirect,
  POST_LOGOUT_REDIRECT_URI,
  REDIRECT_URI,
  startConformanceOp,
  type ConformanceOp,
  type TestClient,
} from './harness.js';
import { follow, type Page } from '../helpers/http-login.js';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const CLIENT: TestClient = { id: 'conformance-backchannel', secret: 'backchannel-secret-0123456789ab' };
/** A second client with a back-channel URI, which the tests' sessions never sign in to. */
const BYSTANDER: TestClient = { id: 'conformance-bystander', secret: 'bystander-secret-0123456789abc' };

interface Received {
  readonly path: string;
  readonly method: string;
  readonly contentType: string | undefined;
  readonly body: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** Set when Sesame gave up waiting and closed the connection of a request left unanswered. */
  abandoned: boolean;
}

/** How the relying party answers one POST: a status, or never. */
type Answer = number | 'hang';

/** The relying parties' back-channel endpoints: record every request, answer from a script. */
class Receiver {
  readonly received: Received[] = [];
  /** Answers to give, in order; 200 once they run out. */
  script: Answer[] = [];
  #server: Server | null = null;
  #waiters: (() => void)[] = [];
  base = '';

  async start(): Promise<void> {
    this.#server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const received: Received = {
          path: req.url ?? '',
          method: req.method ?? '',
          contentType: req.headers['content-type'],
          body,
          at: Date.now(),
          abandoned: false,
        };
        this.received.push(received);
        const answer = this.script.shift() ?? 200;
        if (answer !== 'hang') res.writeHead(answer, { 'cache-control': 'no-store' }).end();
        else res.once('close', () => (received.abandoned = true));
        for (const wake of this.#waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((done) => this.#server?.listen(0, '127.0.0.1', done));
    this.base = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Waits until `count` requests to `path` have arrived, for at most `ms`. */
  async waitFor(path: string, count: number, ms: number): Promise<Received[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const got = this.received.filter((r) => r.path === path);
      if (got.length >= count) return got;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`${got.length} of ${count} back-channel requests to ${path} came in ${ms} ms`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  reset(script: Answer[] = []): void {
    this.received.length = 0;
    this.script = script;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((done) => this.#server?.close(done));
  }
}

const receiver = new Receiver();
let op: ConformanceOp;

before(async () => {
  await receiver.start();
  // `insecure: yes` lets a client register an http back-channel URI on loopback while the
  // issuer is itself loopback http (src/clients/registration-rules.ts).
  op = await startConformanceOp({
    clients: `
  - id: ${CLIENT.id}
    secret: ${CLIENT.secret}
    insecure: yes
    redirect_uris: [${REDIRECT_URI}]
    post_logout_redirect_uris: [${POST_LOGOUT_REDIRECT_URI}]
    backchannel_logout_uri: ${receiver.base}/backchannel_logout
    backchannel_logout_session_required: yes
  - id: ${BYSTANDER.id}
    secret: ${BYSTANDER.secret}
    insecure: yes
    redirect_uris: [${REDIRECT_URI}]
    backchannel_logout_uri: ${receiver.base}/bystander
    backchannel_logout_session_required: yes`,
  });
});
after(async () => {
  await op?.stop();
  await receiver.stop();
});

/** Signs in for the back-channel client; the browser, the ID token as sent and its claims. */
async function signIn(): Promise<{ jar: CookieJar; raw: string; idToken: JWTPayload }> {
  const { tokens, idToken, jar } = await codeFlow(op, CLIENT);
  assert.equal(typeof idToken['sid'], 'string', 'backchannel_logout_session_required: the ID token has sid');
  return { jar, raw: String(tokens['id_token']), idToken };
}

/** RP-initiated logout with hint, post_logout_redirect_uri and state; where it ended. */
async function logOut(jar: CookieJar, idToken: string, state: string): Promise<Page> {
  const url = new URL(op.endpoint('end_session_endpoint'));
  url.search = new URLSearchParams({
    id_token_hint: idToken,
    post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
    state,
  }).toString();
  return follow(jar, op.issuer, url.toString());
}

/** The front-channel half: back at the client with exactly `state`. */
function expectPostLogoutRedirect(page: Page, state: string): void {
  assert.equal(page.status, 302, `expected the post-logout redirect, stayed at ${page.url}`);
  const url = new URL(page.url);
  assert.equal(`${url.origin}${url.pathname}`, POST_LOGOUT_REDIRECT_URI);
  assert.deepEqual(Object.fromEntries(url.searchParams), { state });
}

async function expectSessionGone(jar: CookieJar): Promise<void> {
  const outcome = await authorize(
    op,
    jar,
    {
      client_id: CLIENT.id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid',
      prompt: 'none',
    },
    null,
  );
  expectErrorRedirect(outcome, 'login_required');
}

/**
 * The checks of OIDCCBackChannelRpInitiatedLogout on one back-channel request:
 * ExtractLogoutTokenFromBackchannelLogoutRequest, CheckForUnexpectedParametersInBackchannelLogoutRequest,
 * ValidateLogoutTokenSignature, ValidateLogoutTokenClaims, CheckIdTokenSub/SidMatchesLogoutToken,
 * CheckLogoutTokenNoNonce, CheckLogoutTokenHasSubOrSid (Back-Channel Logout 1.0 §2.4–2.6).
 */
async function validateLogoutRequest(request: Received, idToken: JWTPayload): Promise<JWTPayload> {
  assert.equal(request.method, 'POST');
  assert.equal(request.contentType, 'application/x-www-form-urlencoded');
  const form = new URLSearchParams(request.body);
  assert.deepEqual([...form.keys()], ['logout_token'], 'logout_token and nothing else');
  const token = form.get('logout_token') ?? '';
  const { payload, protectedHeader } = await jwtVerify(token, op.jwks, {
    issuer: op.issuer,
    audience: CLIENT.id,
    algorithms: (op.discovery['id_token_signing_alg_values_supported'] as string[]).filter(
      (a) => a !== 'none',
    ),
    requiredClaims: ['iat', 'jti'],
  });
  assert.equal(protectedHeader.typ, 'logout+jwt', 'explicitly typed (§2.4)');
  assert.ok(Math.abs((payload.iat ?? 0) - Date.now() / 1000) < 120, 'iat is now');
  const events = payload['events'] as Record<string, unknown> | undefined;
  assert.ok(events && typeof events === 'object', 'an events claim');
  assert.deepEqual(events[EVENT], {}, 'the back-channel logout event, an empty object');
  assert.equal('nonce' in payload, false, 'no nonce (§2.4)');
  assert.ok(payload.sub !== undefined || payload['sid'] !== undefined, 'sub or sid');
  assert.equal(payload['sid'], idToken['sid'], "the ID token's sid (session required)");
  if (payload.sub !== undefined) assert.equal(payload.sub, idToken.sub, "the ID token's sub");
  return payload;
}

conformancePlan('Back-Channel Logout OP (RP-initiated)', 'backchannel-logout', (module) => {
  module(
    'oidcc-backchannel-logout-discovery-endpoint-verification',
    'discovery advertises back-channel logout with sid, and an end_session_endpoint',
    async () => {
      assert.equal(op.discovery['backchannel_logout_supported'], true);
      assert.equal(op.discovery['backchannel_logout_session_supported'], true);
      const endSession = new URL(op.endpoint('end_session_endpoint'));
      assert.equal(endSession.origin, new URL(op.issuer).origin);
    },
  );

  module(
    'oidcc-backchannel-rp-initiated-logout',
    'RP-initiated logout POSTs the client a valid logout token for the session, redirects back, ends the session',
    async () => {
      receiver.reset();
      const { jar, raw, idToken } = await signIn();
      const state = 'bc-state';
      const page = await logOut(jar, raw, state);
      expectPostLogoutRedirect(page, state);
      const [request] = await receiver.waitFor('/backchannel_logout', 1, 10_000);
      assert.ok(request);
      await validateLogoutRequest(request, idToken);
      await expectSessionGone(jar);
      await new Promise((r) => setTimeout(r, 2_500));
      assert.equal(receiver.received.filter((r) => r.path === '/backchannel_logout').length, 1, 'sent once');
      assert.equal(
        receiver.received.filter((r) => r.path === '/bystander').length,
        0,
        'a client the session did not sign in to is not told',
      );
    },
  );

  module(
    'sesame-backchannel-logout-failing-receiver-retried',
    'a relying party answering 500 does not hold up the logout, and gets the same logout token again',
    async () => {
      receiver.reset([500]);
      const { jar, raw, idToken } = await signIn();
      const page = await logOut(jar, raw, 'retry-state');
      expectPostLogoutRedirect(page, 'retry-state');
      const [first, second] = await receiver.waitFor('/backchannel_logout', 2, 15_000);
      assert.ok(first && second);
      const retried = await validateLogoutRequest(second, idToken);
      assert.equal(
        retried.jti,
        decodeJwt(new URLSearchParams(first.body).get('logout_token') ?? '').jti,
        'one event',
      );
      assert.ok(second.at - first.at >= 1_500, `the retry waited (${second.at - first.at} ms)`);
      await expectSessionGone(jar);
    },
    { timeout: 40_000 },
  );

  module(
    'sesame-backchannel-logout-silent-receiver-retried',
    'a relying party that never answers does not hold up the logout; the delivery times out and is retried',
    async () => {
      receiver.reset(['hang']);
      const { jar, raw, idToken } = await signIn();
      const page = await logOut(jar, raw, 'silent-state');
      expectPostLogoutRedirect(page, 'silent-state');
      // Had the logout waited for the delivery, it could only have answered once Sesame gave
      // up on the silent relying party and closed that connection.
      assert.ok(
        receiver.received.every((r) => !r.abandoned),
        'the logout answered while the delivery was still waiting for the relying party',
      );
      await expectSessionGone(jar);
      const [first, second] = await receiver.waitFor('/backchannel_logout', 2, 20_000);
      assert.ok(first && second);
      await validateLogoutRequest(second, idToken);
      assert.ok(second.at - first.at >= 5_000, `retried after the 5 s timeout (${second.at - first.at} ms)`);
    },
    { timeout: 45_000 },
  );
});
