import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { csrfCookieName, csrfToken, newCsrfSecret, verifyCsrf } from './csrf.js';

const key = new Uint8Array(32).fill(7);
const otherKey = new Uint8Array(32).fill(8);

describe('CSRF tokens', () => {
  it('names the cookie with the __Host- prefix only over https', () => {
    assert.equal(csrfCookieName(true), '__Host-sesame_csrf');
    assert.equal(csrfCookieName(false), 'sesame_csrf');
  });

  it('makes fresh, unguessable cookie secrets', () => {
    const a = newCsrfSecret();
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, newCsrfSecret());
  });

  it('is base64url HMAC-SHA256 over purpose, newline, cookie value', () => {
    const expected = createHmac('sha256', key).update('login\ncookie-1').digest('base64url');
    assert.equal(csrfToken(key, 'cookie-1', 'login'), expected);
  });

  it('accepts the token of the same browser and purpose', () => {
    const cookie = newCsrfSecret();
    assert.equal(verifyCsrf(key, cookie, 'login', csrfToken(key, cookie, 'login')), true);
  });

  it('refuses a token minted for another browser, purpose or key', () => {
    const cookie = newCsrfSecret();
    const token = csrfToken(key, cookie, 'login');
    assert.equal(verifyCsrf(key, newCsrfSecret(), 'login', token), false);
    assert.equal(verifyCsrf(key, cookie, 'consent', token), false);
    assert.equal(verifyCsrf(otherKey, cookie, 'login', token), false);
  });

  it('refuses when the cookie or the token is missing', () => {
    const cookie = newCsrfSecret();
    const token = csrfToken(key, cookie, 'login');
    assert.equal(verifyCsrf(key, undefined, 'login', token), false);
    assert.equal(verifyCsrf(key, '', 'login', token), false);
    assert.equal(verifyCsrf(key, cookie, 'login', undefined), false);
    assert.equal(verifyCsrf(key, cookie, 'login', ''), false);
  });

  it('refuses the cookie value itself submitted as the token', () => {
    const cookie = newCsrfSecret();
    assert.equal(verifyCsrf(key, cookie, 'login', cookie), false);
  });

  it('rejects misuse: short keys and ambiguous purposes', () => {
    assert.throws(() => csrfToken(new Uint8Array(16), 'c', 'login'), TypeError);
    assert.throws(() => csrfToken(key, 'c', ''), TypeError);
    assert.throws(() => csrfToken(key, 'c', 'log\nin'), TypeError);
    assert.throws(() => csrfToken(key, '', 'login'), TypeError);
  });
});
