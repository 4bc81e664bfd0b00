// Prometheus metrics end to end: a real Sesame process with `metrics.listen`, a real relying
// party (openid-client) signing in and exchanging codes, then a scrape of the metrics port.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { CookieJar, signInThroughPages } from '../helpers/http-login.js';
import { freePort, startSesame, type RunningSesame } from '../helpers/sesame-process.js';

const REDIRECT = 'http://127.0.0.1:9/cb';
const alice = { username: 'alice', password: 'correct horse battery', email: 'a@example.com', name: 'Alice' };
const registration = `
clients:
  - id: wiki
    name: Team Wiki
    secret: wiki-secret-0123456789
    insecure: yes
    trusted: yes
    redirect_uris: [${REDIRECT}]
`;

/** One scrape: every sample keyed `name{label="value",…}` with labels sorted, plus the raw text. */
interface Scrape {
  readonly text: string;
  readonly contentType: string | null;
  readonly samples: ReadonlyMap<string, number>;
}

const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"/g;

/** Parses the text exposition format 0.0.4; fails the test on a line that is not one. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const typed = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) typed.add(type[1] as string);
    if (line.startsWith('#')) {
      assert.match(line, /^# (HELP|TYPE) /, `a comment that is neither HELP nor TYPE: ${line}`);
      continue;
    }
    const m = SAMPLE.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const [, name = '', labels = '', value = ''] = m;
    const family = name.replace(/_(bucket|sum|count)$/, '');
    assert.ok(typed.has(name) || typed.has(family), `${name} has no TYPE line before it`);
    // Go's ParseFloat, which Prometheus uses, reads NaN and Inf in any case (prom-client writes "Nan").
    assert.ok(/^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?inf|nan)$/i.test(value), `bad value: ${line}`);
    const pairs = [...labels.matchAll(LABEL)].map(([, k, v]) => `${k}="${v}"`).sort();
    samples.set(`${name}{${pairs.join(',')}}`, Number(value));
  }
  return samples;
}

function value(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  const pairs = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort();
  return scrape.samples.get(`${name}{${pairs.join(',')}}`) ?? 0;
}

let sesame: RunningSesame;
let metricsUrl: string;

async function scrape(): Promise<Scrape> {
  const response = await fetch(metricsUrl);
  assert.equal(response.status, 200);
  const text = await response.text();
  return { text, contentType: response.headers.get('content-type'), samples: parseExposition(text) };
}

before(async () => {
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  sesame = await startSesame({
    registration,
    users: [alice],
    extraConfig: `metrics:\n  listen: 127.0.0.1:${metricsPort}`,
  });
});
after(async () => {
  await sesame?.stop();
});

describe('Prometheus metrics (metrics.listen)', () => {
  it('count sign-ins by outcome, tokens by grant type and requests by route pattern and status', async () => {
    const config = await oidc.discovery(
      new URL(sesame.issuer),
      'wiki',
      undefined,
      oidc.ClientSecretBasic('wiki-secret-0123456789'),
      { execute: [oidc.allowInsecureRequests] },
    );
    const before = await scrape();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const wrong = await signInThroughPages(
      new CookieJar(),
      sesame.issuer,
      url.toString(),
      'alice',
      'wrong password',
    );
    assert.equal(wrong.status, 401);
    const landed = await signInThroughPages(
      new CookieJar(),
      sesame.issuer,
      url.toString(),
      'alice',
      alice.password,
    );
    assert.equal(
      landed.status,
      302,
      `expected a redirect to the client, got ${landed.status} at ${landed.url}`,
    );
    const tokens = await oidc.authorizationCodeGrant(config, new URL(landed.url), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.equal((await fetch(`${sesame.issuer}/no/such/page/4711?secret=x`)).status, 404);

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string>) =>
      value(after, name, labels) - value(before, name, labels);
    assert.equal(moved('sesame_sign_ins_total', { outcome: 'success' }), 1);
    assert.equal(moved('sesame_sign_ins_total', { outcome: 'wrong_credentials' }), 1);
    assert.equal(moved('sesame_sign_ins_total', { outcome: 'throttled' }), 0);
    assert.equal(moved('sesame_tokens_issued_total', { grant_type: 'authorization_code' }), 1);
    assert.equal(moved('sesame_tokens_issued_total', { grant_type: 'refresh_token' }), 1);

    const token = { method: 'POST', route: '/konnect/v1/token' };
    assert.equal(moved('sesame_http_requests_total', { ...token, status: '200' }), 2);
    assert.equal(moved('sesame_http_request_duration_seconds_count', token), 2);
    const signIn = { method: 'POST', route: '/signin/v1/identifier' };
    assert.equal(moved('sesame_http_requests_total', { ...signIn, status: '401' }), 1);
    assert.equal(moved('sesame_http_requests_total', { ...signIn, status: '302' }), 1);
    assert.equal(
      moved('sesame_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }),
      1,
    );
    // Route patterns only: no path or query a client sent becomes a label value.
    assert.doesNotMatch(after.text, /4711|secret=|code=|state=/);

    assert.ok(moved('sesame_storage_operation_duration_seconds_count', { operation: 'codes.consume' }) >= 1);
    assert.ok(
      moved('sesame_storage_operation_duration_seconds_count', { operation: 'refreshTokens.rotate' }) >= 1,
    );
    assert.equal(value(after, 'sesame_registry_clients'), 1);
    assert.ok(value(after, 'sesame_process_resident_memory_bytes') > 0);
    assert.ok(value(after, 'sesame_process_cpu_seconds_total') > 0);
  });

  it('serves the text exposition format 0.0.4 at /metrics', async () => {
    const result = await scrape();
    assert.equal(result.contentType, 'text/plain; version=0.0.4; charset=utf-8');
    assert.ok(result.samples.size > 50);
    assert.match(result.text, /^# TYPE sesame_http_request_duration_seconds histogram$/m);
    assert.match(result.text, /^# HELP sesame_sign_ins_total /m);
  });

  it('is never served on the public port', async () => {
    const response = await fetch(`${sesame.issuer}/metrics`);
    assert.equal(response.status, 404);
    assert.doesNotMatch(await response.text(), /sesame_http_requests_total/);
  });

  it('logs where the metrics are served', () => {
    assert.match(sesame.logs(), /serving metrics at http:\/\/127\.0\.0\.1:\d+\/metrics/);
  });
});
