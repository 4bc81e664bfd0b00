// Back-channel logout end to end inside one process: the sign-out and sign-in endpoints queue
// logout tokens in memory storage, and the delivery worker sends them on a ManualClock to an
// in-test relying party that answers as each test says.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { pino } from 'pino';
import { testClient } from '../clients/test-client.js';
import type { Client, ClientLookup } from '../clients/types.js';
import { ALICE, BOB, PASSWORDS } from '../endpoints/authorize/test-parties.js';
import { cookieName } from '../sessions/session-manager.js';
import {
  authorize,
  browserRequest,
  createBrowserFixture,
  locationOf,
  type BrowserFixture,
} from '../endpoints/authorize/test-browser-fixture.js';
import { handleEndSession } from '../endpoints/end-session/handler.js';
import { csrfFor } from '../endpoints/signin/browser-session.js';
import { submitSignIn } from '../endpoints/signin/sign-in.js';
import { paths } from '../endpoints/paths.js';
import type { Identity } from '../identity/types.js';
import type { Clock } from '../lib/clock.js';
import { csrfCookieName } from '../sessions/csrf.js';
import { StorageError, type Storage } from '../storage/types.js';
import { deliveryPolicy } from './delivery-policy.js';
import { DeliveryWorker } from './delivery-worker.js';
import type { PostLogoutToken, PostOutcome } from './post-logout-token.js';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const WIKI = testClient({
  id: 'wiki',
  redirectUris: ['https://wiki.example.org/cb'],
  backchannelLogoutUri: 'https://wiki.example.org/backchannel',
  backchannelLogoutSessionRequired: true,
});
const CHAT = testClient({
  id: 'chat',
  redirectUris: ['https://chat.example.org/cb'],
  backchannelLogoutUri: 'https://chat.example.org/logout',
});
/** Registered no back-channel logout URI. */
const PLAIN = testClient({ id: 'plain', redirectUris: ['https://plain.example.org/cb'] });

interface Post {
  readonly uri: string;
  readonly token: string;
  /** When it arrived, by the test's clock. */
  readonly at: number;
  readonly publicAddressesOnly: boolean;
}

/** The relying parties' back-channel endpoints: records every POST, answers from a script. */
class RelyingParties {
  readonly posts: Post[] = [];
  /** Outcomes to give, in order, per URI; when none is left: delivered. */
  readonly script = new Map<string, PostOutcome[]>();

  constructor(private readonly clock: Clock) {}

  readonly post: PostLogoutToken = async (uri, token, _signal, { publicAddressesOnly }) => {
    this.posts.push({ uri, token, at: this.clock.now(), publicAddressesOnly });
    return this.script.get(uri)?.shift() ?? { kind: 'delivered', status: 200 };
  };

  to(uri: string): Post[] {
    return this.posts.filter((p) => p.uri === uri);
  }
}

const failure: PostOutcome = { kind: 'failed', reason: 'HTTP 503' };

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

function capturedLog() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

async function setup(clients: readonly Client[] = [WIKI, CHAT, PLAIN]) {
  const fx = await createBrowserFixture({ clients });
  const rps = new RelyingParties(fx.clock);
  const { log, lines } = capturedLog();
  const worker = (lookup: ClientLookup = fx.deps.clients) =>
    new DeliveryWorker({
      storage: fx.storage,
      tokens: fx.tokens,
      clients: lookup,
      clock: fx.clock,
      log,
      post: rps.post,
    });
  return { fx, rps, worker, lines };
}

/** Signs `user` in and lets each client get an ID token in that session (consent given). */
async function signInTo(fx: BrowserFixture, user: Identity, clients: readonly Client[]) {
  const cookies = await fx.signIn(user);
  const idTokens = new Map<string, string>();
  for (const client of clients) {
    await fx.storage.consents.put({
      userId: user.id,
      clientId: client.id,
      scopes: ['openid'],
      createdAt: fx.clock.now(),
    });
    const redirectUri = client.redirectUris[0] ?? '';
    const location = locationOf(
      await authorize(
        fx,
        {
          client_id: client.id,
          redirect_uri: redirectUri,
          response_type: 'id_token',
          scope: 'openid',
          nonce: 'n',
        },
        { cookies },
      ),
    );
    const idToken = new URLSearchParams(new URL(location).hash.slice(1)).get('id_token');
    assert.ok(idToken, `an ID token for ${client.id}: ${location}`);
    idTokens.set(client.id, idToken);
  }
  return { cookies, idTokens };
}

function signOut(fx: BrowserFixture, cookies: Record<string, string>, idTokenHint: string) {
  return handleEndSession(
    browserRequest(paths.endSession, { id_token_hint: idTokenHint }, { cookies }),
    fx.deps,
  );
}

/** Back-Channel Logout 1.0 §2.6, as a relying party checks a logout token it received. */
async function validateAsRelyingParty(
  fx: BrowserFixture,
  token: string,
  audience: string,
  at = fx.clock.now(),
): Promise<JWTPayload> {
  const jwks = createLocalJWKSet(fx.tokens.jwks() as Parameters<typeof createLocalJWKSet>[0]);
  const { payload } = await jwtVerify(token, jwks, {
    issuer: fx.deps.config.issuer,
    audience,
    typ: 'logout+jwt',
    currentDate: new Date(at),
    requiredClaims: ['iat', 'exp', 'jti', 'sid'],
  });
  assert.deepEqual((payload['events'] as Record<string, unknown>)[EVENT], {});
  assert.equal('nonce' in payload, false);
  return payload;
}

describe('back-channel logout when a user signs out', () => {
  it('sends every client the session signed in to a logout token naming its sid and sub', async () => {
    const { fx, rps, worker } = await setup();
    const { cookies, idTokens } = await signInTo(fx, ALICE, [WIKI, CHAT, PLAIN]);

    const response = await signOut(fx, cookies, idTokens.get('wiki') ?? '');
    assert.equal(response.kind, 'html', 'the signed-out page');
    assert.equal(rps.posts.length, 0, 'the sign-out answered without contacting any client');

    assert.deepEqual(await worker().runOnce(), { delivered: 2, retrying: 0, givenUp: 0 });
    assert.deepEqual(rps.posts.map((p) => p.uri).sort(), [
      CHAT.backchannelLogoutUri,
      WIKI.backchannelLogoutUri,
    ]);
    for (const client of [WIKI, CHAT]) {
      const [post] = rps.to(client.backchannelLogoutUri ?? '');
      assert.ok(post);
      const payload = await validateAsRelyingParty(fx, post.token, client.id);
      const idToken = decodeJwt(idTokens.get(client.id) ?? '');
      assert.equal(payload['sid'], idToken['sid'], 'the sid of its ID tokens');
      assert.equal(payload.sub, idToken.sub, 'the sub of its ID tokens');
    }
    assert.deepEqual(await worker().runOnce(), { delivered: 0, retrying: 0, givenUp: 0 }, 'sent once');
  });

  it('tells no client of a session it did not sign in to', async () => {
    const { fx, rps, worker } = await setup();
    const alice = await signInTo(fx, ALICE, [WIKI]);
    await signInTo(fx, BOB, [CHAT]);
    await signOut(fx, alice.cookies, alice.idTokens.get('wiki') ?? '');
    await worker().runOnce();
    assert.deepEqual(
      rps.posts.map((p) => p.uri),
      [WIKI.backchannelLogoutUri],
    );
  });

  it('sends nothing when the browser had no session', async () => {
    const { fx, rps, worker } = await setup();
    const { cookies, idTokens } = await signInTo(fx, ALICE, [WIKI]);
    await signOut(fx, cookies, idTokens.get('wiki') ?? '');
    await worker().runOnce();
    await signOut(fx, cookies, idTokens.get('wiki') ?? '');
    await worker().runOnce();
    assert.equal(rps.posts.length, 1);
  });

  it('signs the user out even when the deliveries cannot be queued', async () => {
    const { fx } = await setup();
    const { cookies, idTokens } = await signInTo(fx, ALICE, [WIKI]);
    const { log, lines } = capturedLog();
    const storage: Storage = {
      ...fx.storage,
      grants: {
        ...fx.storage.grants,
        clientsOfSession: () => Promise.reject(new StorageError('unavailable', 'database down')),
      },
    };
    const response = await handleEndSession(
      browserRequest(paths.endSession, { id_token_hint: idTokens.get('wiki') ?? '' }, { cookies }),
      { ...fx.deps, storage, log },
    );
    assert.equal(response.kind, 'html');
    assert.equal(await fx.deps.sessions.resolve(cookies[fx.sessionCookie]), null, 'the session ended');
    assert.ok(lines.some((l) => l.level === 40 && l.msg === 'back-channel logout could not be queued'));
  });
});

describe('back-channel logout when a new sign-in replaces a session', () => {
  it("tells the earlier session's clients that it ended", async () => {
    const { fx, rps, worker } = await setup();
    const { cookies, idTokens } = await signInTo(fx, ALICE, [WIKI]);
    const csrfCookie = csrfCookieName(true);
    const withCsrf = { ...cookies, [csrfCookie]: 'c'.repeat(32) };
    const { token } = csrfFor(browserRequest(paths.signIn, {}, { cookies: withCsrf }), fx.deps, 'signin');

    const response = await submitSignIn(
      browserRequest(
        paths.signIn,
        { csrf: token, username: 'bob', password: PASSWORDS['bob'] ?? '' },
        { method: 'POST', cookies: withCsrf },
      ),
      fx.deps,
    );
    assert.equal(response.kind, 'redirect', 'signed in as Bob');
    await worker().runOnce();
    const [post] = rps.to(WIKI.backchannelLogoutUri ?? '');
    assert.ok(post, 'the wiki heard of the end of the earlier session');
    const payload = await validateAsRelyingParty(fx, post.token, 'wiki');
    assert.equal(payload['sid'], decodeJwt(idTokens.get('wiki') ?? '')['sid']);
  });

  it('tells nobody when the same user signs in again, and keeps the sid for the real logout', async () => {
    const { fx, rps, worker } = await setup();
    const { cookies, idTokens } = await signInTo(fx, ALICE, [WIKI]);
    const sid = decodeJwt(idTokens.get('wiki') ?? '')['sid'];
    const csrfCookie = csrfCookieName(true);
    const withCsrf = { ...cookies, [csrfCookie]: 'c'.repeat(32) };
    const { token } = csrfFor(browserRequest(paths.signIn, {}, { cookies: withCsrf }), fx.deps, 'signin');

    const response = await submitSignIn(
      browserRequest(
        paths.signIn,
        { csrf: token, username: 'alice', password: PASSWORDS['alice'] ?? '' },
        { method: 'POST', cookies: withCsrf },
      ),
      fx.deps,
    );
    assert.equal(response.kind, 'redirect', 'signed in as Alice again');
    await worker().runOnce();
    assert.equal(rps.to(WIKI.backchannelLogoutUri ?? '').length, 0, 're-authentication is no logout');

    // The renewed session keeps the sid: signing out now tells the wiki, under that sid.
    const renewedCookie = response.cookies?.find((c) => c.name === cookieName(true) && c.value);
    assert.ok(renewedCookie?.value, 'a new session cookie');
    const session = await fx.deps.sessions.resolve(renewedCookie.value);
    assert.equal(session?.id, sid, 'the same sid');
    await signOut(fx, { ...cookies, [renewedCookie.name]: renewedCookie.value }, idTokens.get('wiki') ?? '');
    await worker().runOnce();
    const [post] = rps.to(WIKI.backchannelLogoutUri ?? '');
    assert.ok(post, 'the wiki hears of the logout');
    assert.equal((await validateAsRelyingParty(fx, post.token, 'wiki'))['sid'], sid);
  });
});

describe('delivering logout tokens', () => {
  it('retries a failing relying party 2 s, then 4 s later, and stops once it accepts', async () => {
    const { fx, rps, worker, lines } = await setup();
    const { cookies, idTokens } = await signInTo(fx, ALICE, [WIKI]);
    const uri = WIKI.backchannelLogoutUri ?? '';
    rps.script.set(uri, [failure, failure]);
    await signOut(fx, cookies, idTokens.get('wiki') ?? '');
    const w = worker();

    assert.deepEqual(await w.runOnce(), { delivered: 0, retrying: 1, givenUp: 0 });
    fx.clock.advance(1_999);
    await w.runOnce();
    assert.equal(rps.to(uri).length, 1, 'not retried before 2 s');
    fx.clock.advance(1);
    assert.deepEqual(await w.runOnce(), { delivered: 0, retrying: 1, givenUp: 0 });
    fx.clock.advance(3_999);
    await w.runOnce();
    assert.equal(rps.to(uri).length, 2, 'not retried before another 4 s');
    fx.clock.advance(1);
    assert.deepEqual(await w.runOnce(), { delivered: 1, retrying: 0, givenUp: 0 });
    fx.clock.advance(3_600_000);
    await w.runOnce();
    assert.equal(rps.to(uri).length, 3, 'nothing more once delivered');

    const jtis = rps.to(uri).map((p) => decodeJwt(p.token).jti);
    assert.equal(new Set(jtis).size, 1, 'every attempt is the same logout event');
    const retries = lines.filter((l) => l.msg === 'back-channel logout failed; will retry');
    assert.deepEqual(
      retries.map((l) => [l.level, l['attempts'], l['reason']]),
      [
        [20, 1, 'HTTP 503'],
        [20, 2, 'HTTP 503'],
      ],
      'transient failures are logged at debug',
    );
  });

  it('sends a token still valid when the retry comes long after the logout', async () => {
    const { fx, rps, worker } = await setup();
    const { cookies, idTokens } = await signInTo(fx, ALICE, [WIKI]);
    const uri = WIKI.backchannelLogoutUri ?? '';
    rps.script.set(
      uri,
      Array.from({ length: 12 }, () => failure),
    );
    await signOut(fx, cookies, idTokens.get('wiki') ?? '');
    const w = worker();
    while (rps.to(uri).length < 13) {
      await w.runOnce();
      fx.clock.advance(60_000);
    }
    const [first, last] = [rps.to(uri)[0], rps.to(uri)[12]];
    assert.ok(first && last);
    assert.ok(last.at - first.at > 2 * 3_600_000, 'the 13th attempt comes hours after the logout');
    await validateAsRelyingParty(fx, last.token, 'wiki', last.at);
  });

  it(`gives up after ${deliveryPolicy.maxAttempts} attempts and says so at warn`, async () => {
    const { fx, rps, worker, lines } = await setup();
    const { cookies, idTokens } = await signInTo(fx, ALICE, [WIKI]);
    const uri = WIKI.backchannelLogoutUri ?? '';
    rps.script.set(
      uri,
      Array.from({ length: 100 }, () => failure),
    );
    await signOut(fx, cookies, idTokens.get('wiki') ?? '');
    const w = worker();
    for (let hour = 0; hour < 30; hour++) {
      for (let minute = 0; minute < 60; minute++) {
        await w.runOnce();
        fx.clock.advance(60_000);
      }
    }
    assert.equal(rps.to(uri).length, deliveryPolicy.maxAttempts);
    const givenUp = lines.filter((l) => l.msg === 'back-channel logout given up');
    assert.equal(givenUp.length, 1);
    assert.equal(givenUp[0]?.level, 40);
    assert.equal(givenUp[0]?.['client'], 'wiki');
    assert.equal(givenUp[0]?.['attempts'], deliveryPolicy.maxAttempts);
    assert.deepEqual(await fx.storage.backchannelDeliveries.claimDue(fx.clock.now(), 10, 0), []);
  });

  it('gives up when the delivery expires before the next attempt', async () => {
    const { fx, rps, worker, lines } = await setup();
    const uri = WIKI.backchannelLogoutUri ?? '';
    rps.script.set(uri, [failure, failure, failure]);
    const now = fx.clock.now();
    await fx.storage.backchannelDeliveries.enqueue({
      id: 'd-1',
      clientId: 'wiki',
      uri,
      logoutToken: await fx.tokens.mintLogoutToken({ aud: 'wiki', sub: null, sid: 's-1' }),
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      expiresAt: now + 5_000,
    });
    const w = worker();
    assert.deepEqual(await w.runOnce(), { delivered: 0, retrying: 1, givenUp: 0 });
    fx.clock.advance(2_000);
    assert.deepEqual(
      await w.runOnce(),
      { delivered: 0, retrying: 0, givenUp: 1 },
      'the next would be at 6 s',
    );
    assert.equal(lines.filter((l) => l.msg === 'back-channel logout given up' && l.level === 40).length, 1);
  });

  it('sends nothing to a client removed since, or to a back-channel URI it no longer registers', async () => {
    const { fx, rps, worker, lines } = await setup();
    const { cookies, idTokens } = await signInTo(fx, ALICE, [WIKI, CHAT]);
    await signOut(fx, cookies, idTokens.get('wiki') ?? '');
    const moved = { ...WIKI, backchannelLogoutUri: 'https://wiki.example.org/new-backchannel' };
    const reloaded: ClientLookup = { get: (id) => (id === 'wiki' ? moved : null), all: () => [moved] };

    assert.deepEqual(await worker(reloaded).runOnce(), { delivered: 0, retrying: 0, givenUp: 2 });
    assert.equal(rps.posts.length, 0);
    const dropped = lines.filter((l) =>
      l.msg.startsWith('back-channel logout given up: the client no longer'),
    );
    assert.deepEqual(dropped.map((l) => [l.level, l['client']]).sort(), [
      [40, 'chat'],
      [40, 'wiki'],
    ]);
  });

  it("sends a dynamically registered client's token to public addresses only, and gives up when refused", async () => {
    const { fx, rps, worker, lines } = await setup();
    const { cookies, idTokens } = await signInTo(fx, ALICE, [WIKI, CHAT]);
    await signOut(fx, cookies, idTokens.get('wiki') ?? '');
    const dynamicWiki: Client = { ...WIKI, secretHash: null };
    const lookup: ClientLookup = {
      get: (id) => (id === 'wiki' ? dynamicWiki : id === 'chat' ? CHAT : null),
      all: () => [dynamicWiki, CHAT],
    };
    const wikiUri = WIKI.backchannelLogoutUri ?? '';
    rps.script.set(wikiUri, [{ kind: 'refused', reason: 'wiki.example.org resolves to 10.0.0.7' }]);

    const w = worker(lookup);
    assert.deepEqual(await w.runOnce(), { delivered: 1, retrying: 0, givenUp: 1 });
    assert.deepEqual(
      rps.posts.map((p) => [p.uri, p.publicAddressesOnly]).sort(),
      [
        [CHAT.backchannelLogoutUri, false],
        [wikiUri, true],
      ],
      'only the dynamically registered client is held to public addresses',
    );
    fx.clock.advance(3_600_000);
    await w.runOnce();
    assert.equal(rps.to(wikiUri).length, 1, 'a refused delivery is not retried');
    const refused = lines.filter((l) => l.msg === 'back-channel logout given up: its URI is refused');
    assert.deepEqual(
      refused.map((l) => [l.level, l['client'], l['reason']]),
      [[40, 'wiki', 'wiki.example.org resolves to 10.0.0.7']],
    );
  });

  it('never sends one delivery twice at once from two workers sharing storage', async () => {
    const { fx, rps, worker } = await setup();
    const { cookies, idTokens } = await signInTo(fx, ALICE, [WIKI]);
    await signOut(fx, cookies, idTokens.get('wiki') ?? '');
    let answer: (outcome: PostOutcome) => void = () => undefined;
    let posting: () => void = () => undefined;
    const posted = new Promise<void>((resolve) => (posting = resolve));
    const slow = new DeliveryWorker({
      storage: fx.storage,
      tokens: fx.tokens,
      clients: fx.deps.clients,
      clock: fx.clock,
      log: pino({ level: 'silent' }),
      post: (uri, token, _signal, { publicAddressesOnly }) => {
        rps.posts.push({ uri, token, at: fx.clock.now(), publicAddressesOnly });
        posting();
        return new Promise((resolve) => (answer = resolve));
      },
    });
    const first = slow.runOnce();
    await posted;
    fx.clock.advance(deliveryPolicy.leaseMs - 1);
    assert.deepEqual(await worker().runOnce(), { delivered: 0, retrying: 0, givenUp: 0 });
    answer({ kind: 'delivered', status: 200 });
    assert.deepEqual(await first, { delivered: 1, retrying: 0, givenUp: 0 });
    fx.clock.advance(deliveryPolicy.leaseMs);
    await worker().runOnce();
    assert.equal(rps.posts.length, 1);
  });

  it('puts a delivery interrupted by a stop back, due at once and not counted as an attempt', async () => {
    const { fx, rps, worker } = await setup();
    const { cookies, idTokens } = await signInTo(fx, ALICE, [WIKI]);
    await signOut(fx, cookies, idTokens.get('wiki') ?? '');
    let posting: () => void = () => undefined;
    const posted = new Promise<void>((resolve) => (posting = resolve));
    const stopping = new DeliveryWorker({
      storage: fx.storage,
      tokens: fx.tokens,
      clients: fx.deps.clients,
      clock: fx.clock,
      log: pino({ level: 'silent' }),
      post: (_uri, _token, signal) => {
        posting();
        return new Promise((resolve) =>
          signal.addEventListener('abort', () => resolve({ kind: 'interrupted' })),
        );
      },
    });
    const pass = stopping.runOnce();
    await posted;
    await stopping.stop();
    assert.deepEqual(await pass, { delivered: 0, retrying: 0, givenUp: 0 });

    const [waiting] = await fx.storage.backchannelDeliveries.claimDue(fx.clock.now(), 10, 0);
    assert.equal(waiting?.attempts, 0, 'no attempt counted');
    assert.deepEqual(await worker().runOnce(), { delivered: 1, retrying: 0, givenUp: 0 }, 'due at once');
    assert.equal(rps.posts.length, 1);
  });
});

describe('the delivery worker when storage fails', () => {
  it('warns once per outage, not every second, and says when it is over', async () => {
    const fx = await createBrowserFixture({ clients: [WIKI] });
    const { log, lines } = capturedLog();
    const store = fx.storage.backchannelDeliveries;
    let down = true;
    const worker = new DeliveryWorker({
      storage: {
        backchannelDeliveries: {
          ...store,
          claimDue: (...args) =>
            down ? Promise.reject(new StorageError('unavailable', 'database down')) : store.claimDue(...args),
        },
      },
      tokens: fx.tokens,
      clients: fx.deps.clients,
      clock: fx.clock,
      log,
      post: new RelyingParties(fx.clock).post,
    });
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(await worker.runOnce(), { delivered: 0, retrying: 0, givenUp: 0 });
    }
    down = false;
    await worker.runOnce();
    const read = 'back-channel logout deliveries could not be read';
    assert.deepEqual(
      lines.filter((l) => l.msg.startsWith('back-channel logout deliveries')).map((l) => [l.level, l.msg]),
      [
        [40, read],
        [20, read],
        [20, read],
        [20, read],
        [20, read],
        [30, 'back-channel logout deliveries can be read again'],
      ],
    );
  });
});
