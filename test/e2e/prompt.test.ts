// prompt and max_age through the sign-in pages: what must ask for the password again does,
// whichever page the browser is pointed at.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSesame, type RunningSesame } from '../helpers/sesame-process.js';
import { CookieJar, follow, inputValue, request, signInThroughPages, submit } from '../helpers/http-login.js';

const REDIRECT = 'http://127.0.0.1:9/cb';
let sesame: RunningSesame;

before(async () => {
  sesame = await startSesame({
    registration: `clients:\n  - id: app\n    secret: app-secret-123456\n    insecure: yes\n    trusted: yes\n    redirect_uris: [${REDIRECT}]\n`,
    users: [{ username: 'alice', password: 'alice password', email: 'alice@example.com', name: 'Alice' }],
  });
});
after(async () => {
  await sesame?.stop();
});

function authorize(extra: Record<string, string> = {}): string {
  const url = new URL('/signin/v1/identifier/_/authorize', sesame.issuer);
  url.search = new URLSearchParams({
    client_id: 'app',
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid',
    state: 's',
    ...extra,
  }).toString();
  return url.toString();
}

async function signedIn(): Promise<CookieJar> {
  const jar = new CookieJar();
  const landed = await signInThroughPages(jar, sesame.issuer, authorize(), 'alice', 'alice password');
  assert.ok(new URL(landed.url).searchParams.get('code'));
  return jar;
}

describe('prompt and max_age', () => {
  it('prompt=select_account shows the account chooser, and Continue returns a code', async () => {
    const jar = await signedIn();
    const page = await follow(jar, sesame.issuer, authorize({ prompt: 'select_account' }));
    assert.match(page.url, /\/signin\/v1\/chooseaccount\?/);
    const landed = await submit(jar, sesame.issuer, page, { decision: 'continue' });
    assert.ok(new URL(landed.url).searchParams.get('code'));
  });

  it('prompt=login asks for the password even when the chooser page is used to skip it', async () => {
    const jar = await signedIn();
    // A valid chooser form (token and all) from another request of the same browser.
    const chooser = await follow(jar, sesame.issuer, authorize({ prompt: 'select_account' }));
    const csrf = inputValue(chooser.body, 'csrf')!;
    const login = await follow(jar, sesame.issuer, authorize({ prompt: 'login' }));
    assert.match(login.url, /\/signin\/v1\/identifier\?interaction=/);
    const interaction = new URL(login.url).searchParams.get('interaction')!;

    const shown = await follow(
      jar,
      sesame.issuer,
      `${sesame.issuer}/signin/v1/chooseaccount?interaction=${interaction}`,
    );
    assert.match(shown.url, /\/signin\/v1\/identifier\?interaction=/, 'the chooser is not offered');
    const posted = await request(jar, `${sesame.issuer}/signin/v1/chooseaccount`, {
      csrf,
      interaction,
      decision: 'continue',
    });
    assert.equal(posted.status, 302);
    assert.match(
      posted.headers.get('location') ?? '',
      /^\/signin\/v1\/identifier\?interaction=/,
      'no code without the password',
    );
  });

  it('max_age=0 asks for the password again even with a live session', async () => {
    const jar = await signedIn();
    const page = await follow(jar, sesame.issuer, authorize({ max_age: '0' }));
    assert.match(page.url, /\/signin\/v1\/identifier\?interaction=/);
    const landed = await submit(jar, sesame.issuer, page, { username: 'alice', password: 'alice password' });
    assert.ok(new URL(landed.url).searchParams.get('code'));
  });

  it('prompt=none with a session returns a code without any page', async () => {
    const jar = await signedIn();
    const landed = await follow(jar, sesame.issuer, authorize({ prompt: 'none' }));
    assert.ok(new URL(landed.url).searchParams.get('code'));
  });
});
