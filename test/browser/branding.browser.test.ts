import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { paths } from '../../src/endpoints/paths.js';
import { de } from '../../src/views/i18n/de.js';
import { startSesame, type RunningSesame } from '../helpers/sesame-process.js';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';

const skip = chromiumMissing;
const options = { skip, timeout: 20_000 };

const clientId = 'team-wiki';
const redirectUri = 'http://127.0.0.1:9/cb';
const logoSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10" width="120" height="30"><rect width="40" height="10" fill="#aa3300"/></svg>\n';

let sesame: RunningSesame;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function newPage(locale: string): Promise<{ page: Page; reports: string[] }> {
  const context = await browser.newContext({ locale });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const reports: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) reports.push(message.text());
  });
  page.on('pageerror', (error) => reports.push(String(error)));
  return { page, reports };
}

describe('pages in a real browser: German errors and branding', () => {
  before(async () => {
    if (skip) return;
    const brand = await mkdtemp(join(tmpdir(), 'sesame-brand-'));
    await writeFile(join(brand, 'logo.svg'), logoSvg);
    sesame = await startSesame({
      registration: [
        'clients:',
        `  - id: ${clientId}`,
        '    name: Team Wiki',
        '    secret: team-wiki-secret',
        '    application_type: web',
        '    insecure: yes',
        '    redirect_uris:',
        `      - ${redirectUri}`,
        '',
      ].join('\n'),
      extraConfig: [
        'branding:',
        '  product_name: Example Cloud',
        `  logo: ${join(brand, 'logo.svg')}`,
        "  accent_color: '#aa3300'",
        '  forgot_password_url: https://accounts.example.com/reset',
        '  imprint_url: https://example.com/imprint',
      ].join('\n'),
    });
    browser = await launchChromium();
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await sesame?.stop();
  });

  it(
    'explains a bad authorize request to a German user in German, with the code and no developer text',
    options,
    async () => {
      const { page, reports } = await newPage('de-DE');
      const url = new URL(paths.authorize, sesame.issuer);
      url.searchParams.set('client_id', clientId);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('scope', 'openid');
      const response = await page.goto(url.toString());
      assert.equal(response?.status(), 400);
      await page.getByRole('heading', { level: 1, name: de['error.title.invalid_request'] }).waitFor();
      const text = await page.locator('main').innerText();
      assert.ok(text.includes(de['error.situation.missing_parameter']), text);
      assert.ok(text.includes('Fehlercode: invalid_request'), text);
      assert.doesNotMatch(text, /redirect_uri|is missing|parameter/i);
      assert.equal(await page.locator('html').getAttribute('lang'), 'de');
      assert.deepEqual(reports, []);
    },
  );

  it(
    'shows the branded sign-in page: product name, a logo that loads, the forgot-password link, no CSP violation',
    options,
    async () => {
      const { page, reports } = await newPage('en-US');
      const url = new URL(paths.authorize, sesame.issuer);
      const params = {
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUri,
        scope: 'openid',
        state: 's1',
        nonce: 'n1',
      };
      for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
      await page.goto(url.toString());
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      assert.match(await page.title(), /Example Cloud$/);
      assert.ok((await page.locator('.brand').innerText()).includes('Example Cloud'));
      assert.equal(await page.locator('img.brand-logo').getAttribute('src'), paths.logo);
      // Strings, not functions: the tests compile without the DOM library.
      await page.waitForFunction("document.querySelector('img.brand-logo')?.complete === true");
      const width = Number(await page.evaluate("document.querySelector('img.brand-logo').naturalWidth"));
      assert.ok(width > 0, 'the logo loads');
      const forgot = page.getByRole('link', { name: 'Forgot password?' });
      assert.equal(await forgot.getAttribute('href'), 'https://accounts.example.com/reset');
      assert.equal(
        await page.getByRole('link', { name: 'Imprint' }).getAttribute('href'),
        'https://example.com/imprint',
      );
      const button = await page.evaluate(
        "getComputedStyle(document.querySelector('button[type=submit]')).backgroundColor",
      );
      assert.equal(button, 'rgb(170, 51, 0)', 'the accent colour comes from the served stylesheet');
      assert.deepEqual(reports, []);
    },
  );
});
