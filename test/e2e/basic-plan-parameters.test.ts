// Behaviours of the OpenID Foundation's Basic OP plan that need no feature of their own, each
// against a real `sesame serve` with openid-client as the relying party (issue 8): the scopes
// address and phone (oidcc-scope-address, oidcc-scope-phone), parameters accepted and ignored
// (oidcc-claims-locales, oidcc-ensure-request-with-acr-values-succeeds, oidcc-display-page,
// oidcc-display-popup, oidcc-unknown-parameter), login_hint (oidcc-login-hint) and prompt=login
// (oidcc-prompt-login).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import * as oidc from 'openid-client';
import { en } from '../../src/views/i18n/en.js';
import { startSesame, sesameCli, type RunningSesame } from '../helpers/sesame-process.js';
import {
  CookieJar,
  follow,
  inputValue,
  signInThroughPages,
  submit,
  type Page,
} from '../helpers/http-login.js';

const REDIRECT = 'http://127.0.0.1:9/cb';
const SECRET = 'basic-secret-0123456789';
const alice = { username: 'alice', password: 'alice password', email: 'alice@example.com', name: 'Alice' };

let sesame: RunningSesame;
let config: oidc.Configuration;

before(async () => {
  sesame = await startSesame({
    registration: `clients:\n  - id: basic\n    name: Basic RP\n    secret: ${SECRET}\n    insecure: yes\n    redirect_uris: [${REDIRECT}]\n`,
    users: [alice],
  });
  // Carol has a phone number and an address, given the way an operator gives them.
  const added = await sesameCli(
    [
      'user',
      'add',
      'carol',
      '--email',
      'carol@example.com',
      '--name',
      'Carol',
      '--phone',
      '+1 555 0100',
      '--address-formatted',
      '1 Main St\nSpringfield',
      '--address-country',
      'US',
      '--password-stdin',
      '--config',
      sesame.configFile,
    ],
    'carol password\n',
  );
  assert.equal(added.code, 0, added.stderr);
  config = await oidc.discovery(new URL(sesame.issuer), 'basic', undefined, oidc.ClientSecretBasic(SECRET), {
    execute: [oidc.allowInsecureRequests],
  });
});
after(async () => {
  await sesame?.stop();
});

interface Authorization {
  readonly url: string;
  readonly state: string;
  readonly nonce: string;
}

function authorization(scope: string, extra: Record<string, string> = {}): Authorization {
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope, state, nonce, ...extra });
  return { url: url.toString(), state, nonce };
}

/** Redeems the code the browser was sent back with; openid-client validates the ID token. */
async function redeem(landed: Page, request: Authorization) {
  assert.equal(landed.status, 302, `sent back to the client, not ${landed.status} at ${landed.url}`);
  assert.ok(landed.url.startsWith(REDIRECT), landed.url);
  return oidc.authorizationCodeGrant(config, new URL(landed.url), {
    expectedState: request.state,
    expectedNonce: request.nonce,
    idTokenExpected: true,
  });
}

/** A browser in which `username` has signed in (and consented to `scope`) once. */
async function signedIn(username: string, password: string, scope = 'openid'): Promise<CookieJar> {
  const jar = new CookieJar();
  const request = authorization(scope);
  await redeem(await signInThroughPages(jar, sesame.issuer, request.url, username, password), request);
  return jar;
}

describe('Basic OP plan behaviours', () => {
  it('oidcc-scope-address, oidcc-scope-phone: userinfo releases address and phone_number', async () => {
    const request = authorization('openid address phone');
    const jar = new CookieJar();
    const consent = await submit(jar, sesame.issuer, await follow(jar, sesame.issuer, request.url), {
      username: 'carol',
      password: 'carol password',
    });
    assert.match(consent.url, /\/signin\/v1\/consent/);
    assert.ok(consent.body.includes(en['scope.address']) && consent.body.includes(en['scope.phone']));
    const tokens = await redeem(await submit(jar, sesame.issuer, consent, { decision: 'allow' }), request);

    const sub = tokens.claims()!.sub;
    const info = await oidc.fetchUserInfo(config, tokens.access_token, sub);
    assert.deepEqual(
      { address: info.address, phone_number: info.phone_number, verified: info.phone_number_verified },
      {
        address: { formatted: '1 Main St\nSpringfield', country: 'US' },
        phone_number: '+1 555 0100',
        verified: false,
      },
    );
  });

  it('oidcc-scope-address, oidcc-scope-phone: nothing is released for a user without them', async () => {
    const request = authorization('openid address phone');
    const landed = await signInThroughPages(
      new CookieJar(),
      sesame.issuer,
      request.url,
      'alice',
      alice.password,
    );
    const tokens = await redeem(landed, request);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    for (const claim of ['address', 'phone_number', 'phone_number_verified'])
      assert.ok(!(claim in info), claim);
  });

  it('oidcc-claims-locales and acr_values: accepted and ignored', async () => {
    const jar = await signedIn('alice', alice.password);
    const request = authorization('openid', {
      claims_locales: 'de fr',
      acr_values: 'urn:mace:incommon:iap:silver urn:mace:incommon:iap:bronze',
    });
    const tokens = await redeem(await follow(jar, sesame.issuer, request.url), request);
    assert.equal(tokens.claims()!.acr, undefined, 'no acr is claimed that Sesame does not know');
  });

  for (const display of ['page', 'popup', 'touch', 'wap']) {
    it(`oidcc-display-${display}: display=${display} is accepted`, async () => {
      const fresh = await follow(new CookieJar(), sesame.issuer, authorization('openid', { display }).url);
      assert.equal(fresh.status, 200);
      assert.match(fresh.url, /\/signin\/v1\/identifier\?/, 'the sign-in page, not an error');
      const request = authorization('openid', { display });
      const landed = await signInThroughPages(
        new CookieJar(),
        sesame.issuer,
        request.url,
        'alice',
        alice.password,
      );
      await redeem(landed, request);
    });
  }

  it('oidcc-unknown-parameter: unknown parameters are ignored at authorize and token', async () => {
    const jar = await signedIn('alice', alice.password);
    const request = authorization('openid', { extra: 'foobar', 'x-custom': 'yes' });
    const landed = await follow(jar, sesame.issuer, request.url);
    const code = new URL(landed.url).searchParams.get('code');
    assert.ok(code, `a code, not ${landed.url}`);
    const response = await fetch(config.serverMetadata().token_endpoint!, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`basic:${SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        foo: 'bar',
      }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    assert.ok(((await response.json()) as { id_token?: string }).id_token);
  });

  it('oidcc-login-hint: login_hint fills in the username on the sign-in page', async () => {
    const request = authorization('openid', { login_hint: 'alice' });
    const page = await follow(new CookieJar(), sesame.issuer, request.url);
    assert.match(page.url, /\/signin\/v1\/identifier\?/);
    assert.equal(inputValue(page.body, 'username'), 'alice');
    const hostile = await follow(
      new CookieJar(),
      sesame.issuer,
      authorization('openid', { login_hint: '"><b>x' }).url,
    );
    assert.equal(inputValue(hostile.body, 'username'), '"><b>x', 'kept as text');
    assert.ok(!hostile.body.includes('"><b>x'), 'escaped in the markup');
  });

  it('oidcc-prompt-login: prompt=login asks for the password again and gives a later auth_time', async () => {
    const jar = new CookieJar();
    const first = authorization('openid');
    const firstTokens = await redeem(
      await signInThroughPages(jar, sesame.issuer, first.url, 'alice', alice.password),
      first,
    );
    const firstAuthTime = firstTokens.claims()!.auth_time;
    assert.equal(typeof firstAuthTime, 'number');
    await sleep(1100); // auth_time counts seconds

    const again = authorization('openid', { prompt: 'login' });
    const page = await follow(jar, sesame.issuer, again.url);
    assert.match(page.url, /\/signin\/v1\/identifier\?/, 'the sign-in page despite the session');
    const tokens = await redeem(
      await submit(jar, sesame.issuer, page, { username: 'alice', password: alice.password }),
      again,
    );
    const authTime = tokens.claims()!.auth_time;
    assert.ok(
      typeof authTime === 'number' && authTime > firstAuthTime!,
      `${authTime} after ${firstAuthTime}`,
    );
    assert.equal(tokens.claims()!.sub, firstTokens.claims()!.sub);
  });
});
