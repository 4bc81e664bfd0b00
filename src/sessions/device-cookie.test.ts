import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { csrfToken } from './csrf.js';
import {
  DEVICE_COOKIE_MAX_ACCOUNTS,
  deviceCookieName,
  hasDeviceToken,
  withDeviceToken,
} from './device-cookie.js';

const SECRET = randomBytes(32);

describe('device cookie', () => {
  it('proves that the browser signed in as the account, in any letter case', () => {
    const cookie = withDeviceToken(SECRET, undefined, 'Alice');
    assert.match(cookie, /^[A-Za-z0-9_-]{43}$/, 'one base64url token');
    assert.equal(hasDeviceToken(SECRET, cookie, 'alice'), true);
    assert.equal(hasDeviceToken(SECRET, cookie, 'ALICE'), true);
  });

  it('proves nothing for another account, or to another instance', () => {
    const bobs = withDeviceToken(SECRET, undefined, 'bob');
    assert.equal(hasDeviceToken(SECRET, bobs, 'alice'), false);
    assert.equal(
      hasDeviceToken(randomBytes(32), withDeviceToken(SECRET, undefined, 'alice'), 'alice'),
      false,
    );
  });

  it("derives its key from the secret's bytes, even when a buffer is refilled", () => {
    const secret = Buffer.from(SECRET);
    const before = withDeviceToken(secret, undefined, 'alice');
    assert.equal(withDeviceToken(Buffer.from(SECRET), undefined, 'alice'), before, 'same bytes, same token');
    randomBytes(32).copy(secret);
    assert.notEqual(withDeviceToken(secret, undefined, 'alice'), before);
    assert.equal(hasDeviceToken(secret, before, 'alice'), false);
  });

  it('refuses forged tokens: random, an HMAC under the instance secret itself, or a CSRF token', () => {
    for (const forged of [
      randomBytes(32).toString('base64url'),
      createHmac('sha256', SECRET).update('alice').digest('base64url'),
      csrfToken(SECRET, 'alice'.padEnd(16, 'x'), 'signin'),
      '',
      '.'.repeat(10),
    ]) {
      assert.equal(hasDeviceToken(SECRET, forged, 'alice'), false, forged);
    }
    assert.equal(hasDeviceToken(SECRET, undefined, 'alice'), false);
  });

  it(`keeps the tokens of the last ${DEVICE_COOKIE_MAX_ACCOUNTS} accounts the browser signed in as`, () => {
    let cookie: string | undefined;
    const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
    for (const user of users) cookie = withDeviceToken(SECRET, cookie, user);
    assert.deepEqual(
      users.map((user) => hasDeviceToken(SECRET, cookie, user)),
      [false, true, true, true, true, true],
      'the oldest is dropped',
    );
    cookie = withDeviceToken(SECRET, cookie, 'u2');
    cookie = withDeviceToken(SECRET, cookie, 'u7');
    assert.deepEqual(
      ['u2', 'u3', 'u4', 'u5', 'u6', 'u7'].map((user) => hasDeviceToken(SECRET, cookie, user)),
      [true, false, true, true, true, true],
      'signing in again makes an account the newest, once',
    );
    assert.equal(cookie.split('.').length, DEVICE_COOKIE_MAX_ACCOUNTS);
  });

  it('drops what is not a token when it adds one', () => {
    const cookie = withDeviceToken(SECRET, 'junk.<script>..', 'alice');
    assert.equal(cookie, withDeviceToken(SECRET, undefined, 'alice'));
  });

  it('is named with the __Host- prefix over https', () => {
    assert.equal(deviceCookieName(true), '__Host-sesame_device');
    assert.equal(deviceCookieName(false), 'sesame_device');
  });

  it('refuses a short instance secret', () => {
    assert.throws(() => withDeviceToken(new Uint8Array(16), undefined, 'alice'), TypeError);
  });
});
