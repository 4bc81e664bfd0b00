import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { csrfCookieName, csrfToken } from '../../sessions/csrf.js';
import { paths } from '../paths.js';
import { submitSignIn } from '../signin/sign-in.js';
import type { BrowserDeps, EndpointResponse } from '../types.js';
import { handleAuthorize } from './handler.js';
import { MAX_PENDING_REQUEST_BYTES } from './pending-sign-ins.js';
import {
  ISSUER,
  MEET_CALLBACK,
  MEET_CLAIMS,
  MEET_ID,
  MEET_SCOPE,
  PASSWORDS,
  WEB,
  WEB_REDIRECT,
} from './test-parties.js';
import {
  browserRequest,
  createBrowserFixture,
  locationOf,
  type BrowserFixture,
  type RawParams,
} from './test-browser-fixture.js';
import { CHALLENGE, appendedParams } from './test-expected-values.js';

// Unauthenticated authorization requests each store an interaction for 15 minutes (issue 7
// item 2): they are capped per client address and in total, and each is bounded in size.

interface Capped {
  readonly fx: BrowserFixture;
  readonly deps: BrowserDeps;
  /** Warnings logged, parsed. */
  readonly warnings: Record<string, unknown>[];
}

async function capped(limits: { perAddress: number; total: number }): Promise<Capped> {
  const fx = await createBrowserFixture();
  const warnings: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'warn' },
    { write: (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const deps: BrowserDeps = {
    ...fx.deps,
    log,
    config: {
      ...fx.deps.config,
      limits: {
        ...fx.deps.config.limits,
        pendingSignIns: limits.total,
        pendingSignInsPerAddress: limits.perAddress,
      },
    },
  };
  return { fx, deps, warnings };
}

function webRequest(overrides: RawParams = {}): RawParams {
  return {
    client_id: WEB.id,
    redirect_uri: WEB_REDIRECT,
    response_type: 'code',
    scope: 'openid profile',
    state: 'st-1',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...overrides,
  };
}

/** The authorization endpoint, asked from `address` by a browser with no session. */
function authorizeFrom(deps: BrowserDeps, address: string, params: RawParams = webRequest()) {
  return handleAuthorize({ ...browserRequest(paths.authorize, params), clientAddress: address }, deps);
}

/** The interaction a response sends the browser to sign in with; fails the test otherwise. */
function interactionOf(response: EndpointResponse): string {
  const location = locationOf(response);
  assert.ok(location.startsWith(`${paths.signIn}?interaction=`), location);
  return new URL(location, ISSUER).searchParams.get('interaction') ?? '';
}

function assertTooMany(response: EndpointResponse): void {
  const params = new Map(appendedParams(locationOf(response), WEB_REDIRECT, '?'));
  assert.equal(params.get('error'), 'temporarily_unavailable');
  assert.equal(params.get('error_description'), 'too many sign-ins are pending; try again later');
  assert.equal(params.get('state'), 'st-1');
  assert.equal(params.get('iss'), ISSUER);
}

async function live(c: Capped, address?: string): Promise<number> {
  return c.deps.storage.interactions.countLive(c.fx.clock.now(), address);
}

/** Half fills the store from other addresses, so the per-address share applies. */
async function underPressure(c: Capped, count: number): Promise<void> {
  for (let i = 0; i < count; i++) interactionOf(await authorizeFrom(c.deps, `203.0.113.${i + 1}`));
}

describe('pending sign-ins are capped', () => {
  it('holds one address to its share once the store is half full, answering temporarily_unavailable and storing nothing more', async () => {
    const c = await capped({ perAddress: 2, total: 8 });
    await underPressure(c, 4);
    interactionOf(await authorizeFrom(c.deps, '192.0.2.10'));
    interactionOf(await authorizeFrom(c.deps, '192.0.2.10'));
    for (let i = 0; i < 5; i++) assertTooMany(await authorizeFrom(c.deps, '192.0.2.10'));
    assert.equal(await live(c), 6);
    assert.equal(await live(c, '192.0.2.10'), 2);
  });

  it('never holds an office behind one address to its share while the store is under half full', async () => {
    const c = await capped({ perAddress: 2, total: 100 });
    for (let i = 0; i < 10; i++) interactionOf(await authorizeFrom(c.deps, '192.0.2.10'));
    assert.equal(await live(c, '192.0.2.10'), 10);
  });

  it('still serves other addresses while one is capped', async () => {
    const c = await capped({ perAddress: 1, total: 8 });
    await underPressure(c, 4);
    interactionOf(await authorizeFrom(c.deps, '192.0.2.10'));
    assertTooMany(await authorizeFrom(c.deps, '192.0.2.10'));
    interactionOf(await authorizeFrom(c.deps, '198.51.100.7'));
    interactionOf(await authorizeFrom(c.deps, '2001:db8:0:1::1'));
    assert.equal(await live(c), 7);
  });

  it('counts an IPv6 /64 as one address and an IPv4-mapped address as its IPv4 address', async () => {
    const c = await capped({ perAddress: 1, total: 10 });
    await underPressure(c, 5);
    interactionOf(await authorizeFrom(c.deps, '2001:db8:0:1::1'));
    assertTooMany(await authorizeFrom(c.deps, '2001:db8:0:1:ffff:ffff:ffff:ffff'));
    interactionOf(await authorizeFrom(c.deps, '2001:db8:0:2::1'));
    interactionOf(await authorizeFrom(c.deps, '192.0.2.9'));
    assertTooMany(await authorizeFrom(c.deps, '::ffff:192.0.2.9'));
    assert.equal(await live(c, '2001:db8:0:1::/64'), 1);
    assert.equal(await live(c, '192.0.2.9'), 1);
  });

  it('answers temporarily_unavailable to every address once the total is reached', async () => {
    const c = await capped({ perAddress: 10, total: 3 });
    interactionOf(await authorizeFrom(c.deps, '192.0.2.1'));
    interactionOf(await authorizeFrom(c.deps, '192.0.2.2'));
    interactionOf(await authorizeFrom(c.deps, '192.0.2.2'));
    assertTooMany(await authorizeFrom(c.deps, '192.0.2.3'));
    assertTooMany(await authorizeFrom(c.deps, '192.0.2.1'));
    assert.equal(await live(c), 3);
  });

  it('gives an expired sign-in’s place to a new one, before it is purged', async () => {
    const c = await capped({ perAddress: 1, total: 1 });
    interactionOf(await authorizeFrom(c.deps, '192.0.2.10'));
    c.fx.clock.advance(c.deps.config.lifetimes.interaction * 1000 - 1);
    assertTooMany(await authorizeFrom(c.deps, '192.0.2.10'));
    assertTooMany(await authorizeFrom(c.deps, '198.51.100.7'));
    c.fx.clock.advance(1);
    interactionOf(await authorizeFrom(c.deps, '192.0.2.10'));
  });

  it('lets a user already signing in go on to consent when the cap is reached', async () => {
    const c = await capped({ perAddress: 1, total: 1 });
    const interaction = interactionOf(await authorizeFrom(c.deps, '192.0.2.10'));
    assertTooMany(await authorizeFrom(c.deps, '192.0.2.10'));
    const csrfCookie = 'c'.repeat(43);
    const response = await submitSignIn(
      {
        ...browserRequest(
          paths.signIn,
          {
            interaction,
            username: 'alice',
            password: PASSWORDS['alice'] ?? '',
            csrf: csrfToken(c.deps.csrfKey, csrfCookie, 'signin'),
          },
          { method: 'POST', cookies: { [csrfCookieName(true)]: csrfCookie } },
        ),
        clientAddress: '192.0.2.10',
      },
      c.deps,
    );
    assert.equal(locationOf(response), `${paths.consent}?interaction=${interaction}`);
  });

  it('logs a capped address at warn once a minute, however many requests it sends', async () => {
    const c = await capped({ perAddress: 1, total: 10 });
    await underPressure(c, 5);
    for (const address of ['192.0.2.10', '2001:db8:0:1::1']) {
      interactionOf(await authorizeFrom(c.deps, address));
      for (let i = 0; i < 50; i++) assertTooMany(await authorizeFrom(c.deps, address));
    }
    assert.deepEqual(
      c.warnings.map((w) => [w['address'], w['limit']]),
      [
        ['192.0.2.10', 1],
        ['2001:db8:0:1::/64', 1],
      ],
    );
    assert.match(String(c.warnings[0]?.['msg']), /limits\.pending_sign_ins_per_address/);
    c.fx.clock.advance(60_000);
    assertTooMany(await authorizeFrom(c.deps, '192.0.2.10'));
    assertTooMany(await authorizeFrom(c.deps, '192.0.2.10'));
    assert.equal(c.warnings.length, 3);
    assert.equal(c.warnings[2]?.['address'], '192.0.2.10');
  });

  it('logs the total cap at warn once a minute, whichever addresses meet it', async () => {
    const c = await capped({ perAddress: 100, total: 1 });
    interactionOf(await authorizeFrom(c.deps, '192.0.2.1'));
    for (let i = 2; i < 100; i++) assertTooMany(await authorizeFrom(c.deps, `192.0.2.${i}`));
    assert.equal(c.warnings.length, 1);
    assert.equal(c.warnings[0]?.['address'], '192.0.2.2');
    assert.match(String(c.warnings[0]?.['msg']), /limits\.pending_sign_ins\)/);
  });
});

describe('a pending sign-in is bounded in size', () => {
  async function storedBytes(c: Capped, response: EndpointResponse): Promise<number> {
    const record = await c.deps.storage.interactions.get(interactionOf(response), c.fx.clock.now());
    assert.ok(record);
    return Buffer.byteLength(JSON.stringify(record), 'utf8');
  }

  it('keeps Kopano Meet’s request in under 1 KiB', async () => {
    const c = await capped({ perAddress: 10, total: 10 });
    const meet = {
      client_id: MEET_ID,
      redirect_uri: MEET_CALLBACK,
      response_type: 'code',
      response_mode: 'fragment',
      scope: MEET_SCOPE,
      claims: MEET_CLAIMS,
      state: '1f6e4a4a9c0f4c1aa36b0a4f3a9ad7a1',
      nonce: '8b1f0f6c2ad94b6f9a1bd5d0a1b1f0c7',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
      prompt: 'select_account',
    };
    assert.ok((await storedBytes(c, await authorizeFrom(c.deps, '192.0.2.10', meet))) < 1024);
  });

  it('keeps a request with a 2 KiB state and nonce and an 8 KiB claims request under the bound', async () => {
    const c = await capped({ perAddress: 10, total: 10 });
    const names = Array.from({ length: 64 }, (_, i) => `claim_${i}_${'n'.repeat(100)}`);
    const claims = JSON.stringify({
      id_token: Object.fromEntries(names.slice(0, 32).map((n) => [n, { essential: true }])),
      userinfo: Object.fromEntries(names.slice(32).map((n) => [n, null])),
    });
    assert.ok(claims.length > 7 * 1024 && claims.length <= 8 * 1024, `${claims.length}`);
    const response = await authorizeFrom(
      c.deps,
      '192.0.2.10',
      webRequest({ state: 's'.repeat(2048), nonce: 'n'.repeat(2048), claims }),
    );
    const bytes = await storedBytes(c, response);
    assert.ok(bytes > 12 * 1024 && bytes <= MAX_PENDING_REQUEST_BYTES, `${bytes} bytes`);
  });

  it('refuses, at the redirect URI, a request too large to keep, storing nothing', async () => {
    const c = await capped({ perAddress: 10, total: 10 });
    // Under Konnect compatibility only the path of a redirect URI is matched: its query is the
    // client's, as large as the request may be.
    const redirectUri = `${WEB_REDIRECT}?pad=${'p'.repeat(MAX_PENDING_REQUEST_BYTES)}`;
    const response = await authorizeFrom(c.deps, '192.0.2.10', webRequest({ redirect_uri: redirectUri }));
    const params = new Map(appendedParams(locationOf(response), redirectUri, '&'));
    assert.equal(params.get('error'), 'invalid_request');
    assert.equal(params.get('error_description'), 'the authorization request is too large');
    assert.equal(await live(c), 0);
  });
});
