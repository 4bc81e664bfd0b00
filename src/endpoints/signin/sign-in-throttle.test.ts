// The sign-in form under the throttle, as its users meet it: an attacker elsewhere slows the
// account down but cannot lock its owner out — a browser that signed in as the owner before gets
// in at once — and the page says how long to wait.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { csrfCookieName, csrfToken } from '../../sessions/csrf.js';
import { deviceCookieName, withDeviceToken } from '../../sessions/device-cookie.js';
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
const DEVICE_COOKIE = deviceCookieName(true);

/** Posts the sign-in form from `address`, in a browser that holds `cookies` besides its CSRF cookie. */
function signIn(
  fx: BrowserFixture,
  username: string,
  password: string,
  address: string,
  cookies: Record<string, string> = {},
): Promise<EndpointResponse> {
  const request = browserRequest(
    paths.signIn,
    { username, password, csrf: csrfToken(fx.deps.csrfKey, CSRF_COOKIE, 'signin') },
    { method: 'POST', cookies: { ...cookies, [csrfCookieName(true)]: CSRF_COOKIE } },
  );
  return submitSignIn({ ...request, clientAddress: address }, fx.deps);
}

/** A browser that has signed in as `username` from `address`: its device cookie. */
async function browserOf(
  fx: BrowserFixture,
  username: string,
  address: string,
): Promise<Record<string, string>> {
  const response = await signIn(fx, username, PASSWORDS[username] ?? '', address);
  assert.equal(statusOf(response), 302, `${username} signs in`);
  const device = response.cookies?.find((cookie) => cookie.name === DEVICE_COOKIE);
  assert.ok(device?.value, 'the sign-in sets a device cookie');
  assert.equal(device.maxAge, 90 * 24 * 60 * 60, 'for 90 days');
  return { [DEVICE_COOKIE]: device.value };
}

/**
 * An attacker slows `username` down with wrong passwords from new IPv6 /64s, then keeps it slowed
 * down: a guess each time the interval allows. Calls `meanwhile` a second after each guess.
 */
async function keepSlowedDown(
  fx: BrowserFixture,
  username: string,
  intervals: number,
  meanwhile: (interval: number) => Promise<void>,
): Promise<void> {
  const { maxFailuresPerAccount, accountIntervalSeconds } = fx.deps.config.throttle;
  let guess = 0;
  const attack = async (): Promise<void> => {
    guess++;
    assert.equal(
      statusOf(await signIn(fx, username, `guess ${guess}`, `2001:db8:${guess.toString(16)}::1`)),
      401,
    );
  };
  for (let i = 0; i < maxFailuresPerAccount; i++) {
    fx.clock.advance(1000);
    await attack();
  }
  for (let i = 0; i < intervals; i++) {
    fx.clock.advance(accountIntervalSeconds * 1000);
    await attack();
    fx.clock.advance(1000);
    await meanwhile(i);
  }
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

  it('locks out guessing from one address after five wrong passwords, saying how long the lock lasts', async () => {
    const fx = await createBrowserFixture();
    for (let i = 0; i < 5; i++) assert.equal(statusOf(await signIn(fx, 'bob', 'wrong', '192.0.2.66')), 401);
    const locked = await signIn(fx, 'bob', PASSWORDS['bob'] ?? '', '192.0.2.66');
    assert.equal(statusOf(locked), 429);
    // The failures were all just made: the lock lasts the whole window (15 minutes by default).
    assert.match(bodyOf(locked), /Too many failed attempts\. Please wait about 15 minutes and try again\./);
    assert.equal(locked.headers?.['retry-after'], '900');
    assert.equal(statusOf(await signIn(fx, 'bob', PASSWORDS['bob'] ?? '', '192.0.2.67')), 302);
  });
});

describe('sign-in under attack, in the owner’s own browser (device cookie)', () => {
  it('lets the owner in at once from the browser they signed in with before, while an attacker guesses at every interval', async () => {
    const fx = await createBrowserFixture();
    const owners = await browserOf(fx, 'alice', '192.0.2.7');
    await keepSlowedDown(fx, 'alice', 20, async (interval) => {
      const owner = await signIn(fx, 'alice', PASSWORDS['alice'] ?? '', '192.0.2.7', owners);
      assert.equal(statusOf(owner), 302, `signed in, interval ${interval + 1}`);
    });
  });

  it('slows the owner down in a browser that has not signed in as them before', async () => {
    const fx = await createBrowserFixture();
    await keepSlowedDown(fx, 'alice', 3, async () => {
      const owner = await signIn(fx, 'alice', PASSWORDS['alice'] ?? '', '192.0.2.7');
      assert.equal(statusOf(owner), 429);
      assert.equal(owner.headers?.['retry-after'], '10');
    });
  });

  it('does not let a browser that signed in as bob past alice’s slowdown', async () => {
    const fx = await createBrowserFixture();
    const bobs = await browserOf(fx, 'bob', '192.0.2.7');
    await keepSlowedDown(fx, 'alice', 3, async () => {
      assert.equal(statusOf(await signIn(fx, 'alice', PASSWORDS['alice'] ?? '', '192.0.2.7', bobs)), 429);
    });
  });

  it('does not accept a forged device cookie', async () => {
    const fx = await createBrowserFixture();
    const forgeries = [
      randomBytes(32).toString('base64url'),
      withDeviceToken(randomBytes(32), undefined, 'alice'),
      `${randomBytes(32).toString('base64url')}.${withDeviceToken(randomBytes(32), undefined, 'alice')}`,
    ];
    await keepSlowedDown(fx, 'alice', 1, async () => {
      for (const forged of forgeries) {
        const response = await signIn(fx, 'alice', PASSWORDS['alice'] ?? '', '192.0.2.7', {
          [DEVICE_COOKIE]: forged,
        });
        assert.equal(statusOf(response), 429, forged);
      }
    });
  });

  it('still locks the owner’s own browser out after five wrong passwords from its address, or when its address is locked', async () => {
    const fx = await createBrowserFixture();
    const { maxFailuresPerAccountAddress, maxFailuresPerAddress } = fx.deps.config.throttle;
    const owners = await browserOf(fx, 'alice', '192.0.2.7');
    for (let i = 0; i < maxFailuresPerAccountAddress; i++) {
      assert.equal(statusOf(await signIn(fx, 'alice', 'wrong', '192.0.2.7', owners)), 401);
    }
    assert.equal(statusOf(await signIn(fx, 'alice', PASSWORDS['alice'] ?? '', '192.0.2.7', owners)), 429);

    for (let i = 0; i < maxFailuresPerAddress; i++) {
      assert.equal(statusOf(await signIn(fx, `user${i}`, 'wrong', '192.0.2.8')), 401);
    }
    assert.equal(statusOf(await signIn(fx, 'alice', PASSWORDS['alice'] ?? '', '192.0.2.8', owners)), 429);
  });
});
