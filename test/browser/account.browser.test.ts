import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { paths } from '../../src/endpoints/paths.js';
import { en } from '../../src/views/i18n/en.js';
import { startSesame, type RunningSesame, type TestUser } from '../helpers/sesame-process.js';
import { startRelyingParty, type RelyingParty } from './relying-party.js';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';

const skip = chromiumMissing;
const options = { skip, timeout: 30_000 };

const clientId = 'team-wiki';
const clientName = 'Team Wiki';
const clientSecret = 'team-wiki-secret';

// One user per test, so that no test depends on what another did to an account.
const alice: TestUser = {
  username: 'alice',
  password: 'alice-pass-1',
  email: 'alice@example.com',
  name: 'Alice Liddell',
};
const bob: TestUser = {
  username: 'bob',
  password: 'bob-pass-22',
  email: 'bob@example.com',
  name: 'Bob Builder',
};
const carol: TestUser = {
  username: 'carol',
  password: 'carol-pass-3',
  email: 'carol@example.com',
  name: 'Carol Danvers',
};

let sesame: RunningSesame;
let rp: RelyingParty;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** A fresh browser profile (no cookies) with a page; closed in `after`. */
async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US' });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

function url(path: string): string {
  return new URL(path, sesame.issuer).toString();
}

async function signIn(page: Page, user: TestUser): Promise<void> {
  await page.getByRole('heading', { level: 1, name: en['signin.title'] }).waitFor();
  await page.getByLabel(en['signin.username']).fill(user.username);
  await page.getByLabel(en['signin.password']).fill(user.password);
  await page.getByRole('button', { name: en['signin.submit'] }).click();
}

/** Opens `/` signed out, signs in, and lands on the account page. */
async function openAccountPage(page: Page, user: TestUser): Promise<void> {
  await page.goto(url('/'));
  await signIn(page, user);
  await expectAccountPage(page, user);
}

async function expectAccountPage(page: Page, user: TestUser): Promise<void> {
  await page.getByRole('heading', { level: 1, name: en['account.title'] }).waitFor();
  await page.getByText(en['account.signed_in_as'].replace('{user}', user.name)).waitFor();
}

/** Team Wiki's code flow with PKCE, in `page`'s browser; resolves with the code the RP got. */
async function authorize(
  page: Page,
  consent: 'expect consent' | 'no consent',
): Promise<{ code: string; verifier: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const authorizeUrl = new URL(url(paths.authorize));
  for (const [name, value] of Object.entries({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: rp.redirectUri,
    scope: 'openid profile email offline_access',
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }))
    authorizeUrl.searchParams.set(name, value);
  await page.goto(authorizeUrl.toString());
  if (consent === 'expect consent') {
    await page
      .getByRole('heading', { level: 1, name: en['consent.title'].replace('{client}', clientName) })
      .waitFor();
    await page.getByRole('button', { name: en['consent.allow'], exact: true }).click();
  }
  await page.waitForURL((u) => u.toString().startsWith(rp.redirectUri));
  const code = rp.last().query.code;
  assert.ok(code, 'the app received a code');
  return { code, verifier };
}

async function token(
  params: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url(paths.token), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the account page in a real browser', () => {
  before(async () => {
    if (skip) return;
    rp = await startRelyingParty();
    sesame = await startSesame({
      registration: [
        'clients:',
        `  - id: ${clientId}`,
        `    name: ${clientName}`,
        `    secret: ${clientSecret}`,
        '    application_type: web',
        '    insecure: yes',
        '    redirect_uris:',
        `      - ${rp.redirectUri}`,
        '',
      ].join('\n'),
      users: [alice, bob, carol],
    });
    browser = await launchChromium();
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await sesame?.stop();
    await rp?.stop();
  });

  it(
    'lists an app after consent; Remove access ends its refresh token and asks for consent again',
    options,
    async () => {
      const page = await newPage();
      await openAccountPage(page, alice);
      await page.getByText(en['account.apps.none']).waitFor();

      const { code, verifier } = await authorize(page, 'expect consent');
      const tokens = await token({
        grant_type: 'authorization_code',
        code,
        redirect_uri: rp.redirectUri,
        code_verifier: verifier,
      });
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      const refreshToken = String(tokens.body['refresh_token']);

      await page.goto(url(paths.welcome));
      const app = page.getByRole('listitem').filter({ hasText: clientName });
      await app.getByText(en['scope.email']).waitFor();
      await app.getByText(en['scope.offline_access']).waitFor();
      await app.getByRole('button', { name: en['account.apps.remove'] }).click();

      await page.getByRole('status').getByText(en['account.notice.access_removed']).waitFor();
      await page.getByText(en['account.apps.none']).waitFor();
      const refreshed = await token({ grant_type: 'refresh_token', refresh_token: refreshToken });
      assert.equal(refreshed.status, 400);
      assert.equal(refreshed.body['error'], 'invalid_grant');
      await authorize(page, 'expect consent');
    },
  );

  it(
    'changes the password: a wrong current one is refused, then the old one fails and the new one works',
    options,
    async () => {
      const page = await newPage();
      await openAccountPage(page, bob);
      const newPassword = 'bob-new-pass-4';
      const fill = async (current: string) => {
        await page.getByLabel(en['account.password.current']).fill(current);
        await page.getByLabel(en['account.password.new'], { exact: true }).fill(newPassword);
        await page.getByLabel(en['account.password.confirm']).fill(newPassword);
        await page.getByRole('button', { name: en['account.password.submit'] }).click();
      };
      await fill('not-bobs-password');
      await page.getByRole('alert').getByText(en['account.password.error.wrong_password']).waitFor();
      await fill(bob.password);
      await page.getByRole('status').getByText(en['account.notice.password_changed']).waitFor();

      const other = await newPage();
      await other.goto(url(paths.welcome));
      await signIn(other, bob);
      await other.getByRole('alert').getByText(en['signin.error.invalid_credentials']).waitFor();
      await signIn(other, { ...bob, password: newPassword });
      await expectAccountPage(other, bob);
    },
  );

  it('signs out everywhere: the other browser is signed out too', options, async () => {
    const here = await newPage();
    const there = await newPage();
    await openAccountPage(here, carol);
    await openAccountPage(there, carol);

    await here.getByRole('button', { name: en['account.sessions.everywhere'] }).click();
    await here.getByRole('heading', { level: 1, name: en['signedout.title'] }).waitFor();

    for (const page of [here, there]) {
      await page.goto(url(paths.welcome));
      await page.getByRole('heading', { level: 1, name: en['signin.title'] }).waitFor();
    }
  });
});
