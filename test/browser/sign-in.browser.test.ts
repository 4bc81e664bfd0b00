import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { paths } from '../../src/endpoints/paths.js';
import { de } from '../../src/views/i18n/de.js';
import { en } from '../../src/views/i18n/en.js';
import { startSesame, type RunningSesame, type TestUser } from '../helpers/sesame-process.js';
import { startRelyingParty, type RelyingParty } from './relying-party.js';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';

const skip = chromiumMissing;
const options = { skip, timeout: 20_000 };

const clientId = 'team-wiki';
const clientName = 'Team Wiki';

// Consent is remembered per user and client. Alice consents in the first test (and later flows
// of hers use prompt=consent where they need the page); Bob is kept for the cancel test, whose
// consent page must appear without prompt=consent. Each user costs a `sesame user add` run.
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

const signInScreenshot = '/tmp/sesame-signin.png';
const consentScreenshot = '/tmp/sesame-consent.png';

let sesame: RunningSesame;
let rp: RelyingParty;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** A fresh browser profile (no cookies) with a page; closed in `after`. */
async function newPage(contextOptions: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', ...contextOptions });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

/** An authorization request of Team Wiki (OpenID Connect Core §3.1.2.1). */
function authorizeUrl(extra: Record<string, string> = {}): string {
  const url = new URL(paths.authorize, sesame.issuer);
  const params = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: rp.redirectUri,
    scope: 'openid profile email',
    state: `state-${Math.random().toString(36).slice(2)}`,
    nonce: `nonce-${Math.random().toString(36).slice(2)}`,
    ...extra,
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

function onIssuer(url: URL): boolean {
  return url.origin === new URL(sesame.issuer).origin;
}

function onCallback(url: URL): boolean {
  return url.toString().startsWith(rp.redirectUri);
}

async function expectSignInPage(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1, name: en['signin.title'] }).waitFor();
  assert.ok(new URL(page.url()).pathname.startsWith(paths.signIn), `on the sign-in page, not ${page.url()}`);
}

async function signIn(page: Page, user: TestUser): Promise<void> {
  await page.getByLabel(en['signin.username']).fill(user.username);
  await page.getByLabel(en['signin.password']).fill(user.password);
  await page.getByRole('button', { name: en['signin.submit'] }).click();
}

async function expectConsentPage(page: Page): Promise<void> {
  const title = en['consent.title'].replace('{client}', clientName);
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

describe('signing in with a real browser', () => {
  before(async () => {
    if (skip) return;
    rp = await startRelyingParty();
    sesame = await startSesame({
      registration: [
        'clients:',
        `  - id: ${clientId}`,
        `    name: ${clientName}`,
        '    secret: team-wiki-secret',
        '    application_type: web',
        '    insecure: yes',
        '    redirect_uris:',
        `      - ${rp.redirectUri}`,
        '',
      ].join('\n'),
      users: [alice, bob],
    });
    browser = await launchChromium();
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await sesame?.stop();
    await rp?.stop();
  });

  it('signs in, consents and lands on the app with a code', options, async () => {
    const page = await newPage();
    // Anything the page could not load (the stylesheet, say), or that the CSP refused.
    const problems: string[] = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (response.status() >= 400 && url.pathname !== '/favicon.ico')
        problems.push(`${response.status()} ${url}`);
    });
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
    });
    const state = 'state-first-visit';
    await page.goto(authorizeUrl({ state }));

    await expectSignInPage(page);
    assert.equal(await page.title(), `${en['signin.title']} · Sesame`);
    await page.getByText(en['signin.subtitle.client'].replace('{client}', clientName)).waitFor();
    // The stylesheet loaded and applies (the CSP allows it): the card keeps its 416px limit
    // in a 1280px-wide window instead of spanning it.
    const card = await page.locator('main').boundingBox();
    assert.ok(
      card && card.width <= 416 && card.x > 0,
      `the stylesheet is applied (card ${JSON.stringify(card)})`,
    );
    await page.screenshot({ path: signInScreenshot, fullPage: true });

    await signIn(page, alice);

    await expectConsentPage(page);
    await page.getByText(clientName).first().waitFor();
    for (const scope of ['openid', 'profile', 'email'] as const) {
      await page
        .getByRole('listitem')
        .filter({ hasText: en[`scope.${scope}`] })
        .waitFor();
    }
    await page.screenshot({ path: consentScreenshot, fullPage: true });

    await page.getByRole('button', { name: en['consent.allow'], exact: true }).click();
    await page.waitForURL(onCallback);

    assert.equal(await page.textContent('body'), 'ok');
    const { query } = rp.last();
    assert.match(query.code ?? '', /\S{16,}/, 'an authorization code');
    assert.equal(query.state, state);
    assert.equal(query.iss, sesame.issuer);
    assert.equal(query.error, undefined);
    assert.deepEqual(problems, [], 'nothing failed to load or was refused by the CSP');
  });

  it('a wrong password shows one generic message', options, async () => {
    const page = await newPage();
    const before = rp.callbacks.length;
    await page.goto(authorizeUrl());
    await expectSignInPage(page);

    const attempt = async (username: string, password: string): Promise<string> => {
      await page.getByLabel(en['signin.username']).fill(username);
      await page.getByLabel(en['signin.password']).fill(password);
      await page.getByRole('button', { name: en['signin.submit'] }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      await expectSignInPage(page);
      assert.equal(await page.getByLabel(en['signin.username']).inputValue(), username, 'username kept');
      assert.equal(await page.getByLabel(en['signin.password']).inputValue(), '', 'password not echoed');
      return (await alert.innerText()).trim();
    };

    const wrongPassword = await attempt(alice.username, 'not-her-password');
    assert.equal(wrongPassword, en['signin.error.invalid_credentials']);
    const unknownUser = await attempt('nobody-here', 'whatever-password');
    assert.equal(unknownUser, wrongPassword, 'same message for an unknown user');

    assert.ok(onIssuer(new URL(page.url())), `still on Sesame, not ${page.url()}`);
    assert.equal(rp.callbacks.length, before, 'the app received nothing');
  });

  it('shows the sign-in page in German with ui_locales=de', options, async () => {
    const expectGerman = async (page: Page): Promise<void> => {
      await page.getByRole('heading', { level: 1, name: de['signin.title'] }).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'de');
      assert.equal(await page.title(), `${de['signin.title']} · Sesame`);
      await page.getByText(de['signin.subtitle.client'].replace('{client}', clientName)).waitFor();
      await page.getByLabel(de['signin.username']).waitFor();
      await page.getByLabel(de['signin.password']).waitFor();
      await page.getByRole('button', { name: de['signin.submit'] }).waitFor();
    };

    const viaParameter = await newPage({ locale: 'en-US' });
    await viaParameter.goto(authorizeUrl({ ui_locales: 'de' }));
    await expectGerman(viaParameter);

    const viaHeader = await newPage({ locale: 'de-DE' });
    await viaHeader.goto(authorizeUrl());
    await expectGerman(viaHeader);
  });

  describe('remembered consent', () => {
    let page: Page;

    before(async () => {
      if (skip) return;
      page = await newPage();
      // prompt=consent: Alice may have consented already in an earlier test.
      await page.goto(authorizeUrl({ prompt: 'consent' }));
      await expectSignInPage(page);
      await signIn(page, alice);
      await expectConsentPage(page);
      await page.getByRole('button', { name: en['consent.allow'], exact: true }).click();
      await page.waitForURL(onCallback);
      assert.ok(rp.last().query.code, 'first authorization gave a code');
    });

    it(
      'remembers consent: a second authorization for the same client skips the consent page',
      options,
      async () => {
        const visited: string[] = [];
        page.on('framenavigated', (frame) => {
          if (frame === page.mainFrame()) visited.push(frame.url());
        });
        const state = 'state-second-visit';
        await page.goto(authorizeUrl({ state }));
        await page.waitForURL(onCallback);

        assert.equal(rp.last().query.state, state);
        assert.ok(rp.last().query.code, 'a code without asking again');
        assert.deepEqual(
          visited.filter((url) => new URL(url).pathname.startsWith(paths.consent)),
          [],
          'no consent page on the way',
        );
      },
    );

    it('prompt=consent shows it again', options, async () => {
      const state = 'state-prompted';
      await page.goto(authorizeUrl({ state, prompt: 'consent' }));
      await expectConsentPage(page);
      await page.getByRole('button', { name: en['consent.allow'], exact: true }).click();
      await page.waitForURL(onCallback);
      assert.equal(rp.last().query.state, state);
      assert.ok(rp.last().query.code);
    });
  });

  it('Cancel on the consent page returns access_denied to the app', options, async () => {
    const page = await newPage();
    const state = 'state-cancelled';
    await page.goto(authorizeUrl({ state }));
    await expectSignInPage(page);
    await signIn(page, bob);
    await expectConsentPage(page);

    await page.getByRole('button', { name: en['consent.cancel'], exact: true }).click();
    await page.waitForURL(onCallback);

    const { query } = rp.last();
    assert.equal(query.error, 'access_denied');
    assert.equal(query.state, state);
    assert.equal(query.iss, sesame.issuer);
    assert.equal(query.code, undefined);
  });

  it('an unknown client shows an error page, not a redirect', options, async () => {
    const page = await newPage();
    const before = rp.callbacks.length;
    const response = await page.goto(authorizeUrl({ client_id: 'no-such-client' }));

    assert.ok(response, 'a response');
    assert.ok(response.status() >= 400 && response.status() < 500, `status ${response.status()}`);
    assert.ok(onIssuer(new URL(page.url())), `still on Sesame, not ${page.url()}`);
    const heading = (await page.getByRole('heading', { level: 1 }).innerText()).trim();
    const errorTitles: string[] = [
      en['error.title.generic'],
      en['error.title.invalid_request'],
      en['error.title.access_denied'],
    ];
    assert.ok(errorTitles.includes(heading), `an error heading, not "${heading}"`);
    const text = await page.locator('main').innerText();
    assert.match(text, /not registered/i, 'says that the application is unknown');
    assert.ok(text.includes(en['error.hint']), 'tells the user what to do');
    assert.equal(rp.callbacks.length, before, 'the app received nothing');
  });

  it('the sign-in form can be completed with Tab and Enter only', options, async () => {
    const page = await newPage();
    const state = 'state-keyboard';
    // prompt=consent: Alice has consented before; the consent page is driven by keyboard too.
    await page.goto(authorizeUrl({ state, prompt: 'consent' }));
    await expectSignInPage(page);

    const focused = async (): Promise<string> => (await page.locator(':focus').getAttribute('id')) ?? '';
    if ((await focused()) !== 'username') await page.keyboard.press('Tab');
    assert.equal(await focused(), 'username', 'focus starts in (or one Tab away from) the username');

    await page.keyboard.type(alice.username);
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'password');
    await page.keyboard.type(alice.password);
    await page.keyboard.press('Enter');

    await expectConsentPage(page);
    // Reach Allow with Tab alone and confirm with Enter.
    const onAllow = async (): Promise<boolean> =>
      (await page.locator('button:focus').count()) === 1 &&
      (await page.locator('button:focus').getAttribute('value')) === 'allow';
    for (let tabs = 0; tabs < 10 && !(await onAllow()); tabs++) await page.keyboard.press('Tab');
    assert.ok(await onAllow(), 'Allow is reachable with Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(onCallback);
    assert.equal(rp.last().query.state, state);
    assert.ok(rp.last().query.code);
  });
});
