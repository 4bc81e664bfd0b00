// The sign-in form under the throttle, as its users meet it: an attacker elsewhere slows the
// account down but cannot lock its owner out, and the page says how long to wait.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csrfCookieName, csrfToken } from '../../sessions/csrf.js';
import { paths } from '../paths.js';
import type { EndpointResponse } from '../types.js';
import {
  browserRequest,
  createBrowserFixture,
  type BrowserFixture,
} from '../authorize/test-browser-fixture.js';
import { PASSWORDS } from '../authorize/test-parties.js';
import { submitSignIn } from './sign-in.js';

const CSRF_COOKIE = 'c'.repeat(43);

function signIn(
  fx: BrowserFixture,
  username: string,
  password: string,
  address: string,
): Promise<EndpointResponse> {
  const request = browserRequest(
    paths.signIn,
    { username, password, csrf: csrfToken(fx.deps.csrfKey, CSRF_COOKIE, 'signin') },
    { method: 'POST', cookies: { [csrfCookieName(true)]: CSRF_COOKIE } },
  );
  return submitSignIn({ ...request, clientAddress: address }, fx.deps);
}

function statusOf(response: EndpointResponse): number {
  return response.kind === 'redirect' ? 302 : response.status;
}

function bodyOf(response: EndpointResponse): string {
  return response.kind === 'html' ? response.body : '';
}

describe('sign-in under attack', () => {
  it('lets the owner in from their own address after 50 wrong passwords from elsewhere, once they wait', async () => {
    const fx = await createBrowserFixture();
    const { maxFailuresPerAccount, accountIntervalSeconds } = fx.deps.config.throttle;
    for (let i = 0; i < 50; i++) {
      // All 50 are real guesses: once the account is slowed down, the attacker waits its turn.
      fx.clock.advance(i < maxFailuresPerAccount ? 1000 : accountIntervalSeconds * 1000);
      assert.equal(statusOf(await signIn(fx, 'alice', `guess ${i}`, `203.0.113.${i + 1}`)), 401);
    }

    const early = await signIn(fx, 'alice', PASSWORDS['alice'] ?? '', '198.51.100.7');
    assert.equal(statusOf(early), 429);
    assert.match(bodyOf(early), /Too many failed attempts\. Please wait 10 seconds and try again\./);
    assert.equal(early.headers?.['retry-after'], '10');

    fx.clock.advance(accountIntervalSeconds * 1000);
    const owner = await signIn(fx, 'alice', PASSWORDS['alice'] ?? '', '198.51.100.7');
    assert.equal(statusOf(owner), 302, 'signed in');
  });

  it('locks out guessing from one address after five wrong passwords, without a promise of when it ends', async () => {
    const fx = await createBrowserFixture();
    for (let i = 0; i < 5; i++) assert.equal(statusOf(await signIn(fx, 'bob', 'wrong', '192.0.2.66')), 401);
    const locked = await signIn(fx, 'bob', PASSWORDS['bob'] ?? '', '192.0.2.66');
    assert.equal(statusOf(locked), 429);
    assert.match(bodyOf(locked), /Too many failed attempts\. Please wait a few minutes and try again\./);
    assert.equal(locked.headers?.['retry-after'], undefined);
    assert.equal(statusOf(await signIn(fx, 'bob', PASSWORDS['bob'] ?? '', '192.0.2.67')), 302);
  });
});
