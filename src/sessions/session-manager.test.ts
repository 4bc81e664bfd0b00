import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cookieName, cookieOptions, SessionManager } from './session-manager.js';
import { ManualClock } from '../lib/clock.js';
import { hashToken } from '../lib/ids.js';
import { createMemoryStorage } from '../storage/memory/memory-storage.js';
import type { Storage } from '../storage/types.js';

const MINUTE = 60_000;

function setup(idleSeconds = 3600, absoluteSeconds = 8 * 3600) {
  const clock = new ManualClock();
  const storage: Storage = createMemoryStorage();
  const sessions = new SessionManager({ storage, clock, idleSeconds, absoluteSeconds });
  return { clock, storage, sessions };
}

describe('SessionManager', () => {
  it('creates a session whose cookie resolves to it', async () => {
    const { clock, sessions } = setup();
    const authTime = clock.now() - 1000;
    const { session, cookieValue } = await sessions.create('user-1', authTime);
    assert.equal(session.userId, 'user-1');
    assert.equal(session.authTime, authTime);
    assert.equal(session.createdAt, clock.now());
    assert.equal(session.expiresAt, clock.now() + 8 * 3600 * 1000);
    assert.deepEqual(await sessions.resolve(cookieValue), session);
  });

  it('stores only the hash of the cookie value, and a public id unrelated to it', async () => {
    const { storage, clock, sessions } = setup();
    const { session, cookieValue } = await sessions.create('user-1', clock.now());
    assert.equal(session.secretHash, hashToken(cookieValue));
    assert.notEqual(session.id, cookieValue);
    assert.ok(!JSON.stringify(await storage.sessions.get(session.id, clock.now())).includes(cookieValue));
    assert.ok(cookieValue.length >= 43);
  });

  it('gives each session a fresh cookie value and id', async () => {
    const { clock, sessions } = setup();
    const a = await sessions.create('user-1', clock.now());
    const b = await sessions.create('user-1', clock.now());
    assert.notEqual(a.cookieValue, b.cookieValue);
    assert.notEqual(a.session.id, b.session.id);
  });

  it('resolves a missing, empty or unknown cookie to null', async () => {
    const { sessions } = setup();
    assert.equal(await sessions.resolve(undefined), null);
    assert.equal(await sessions.resolve(''), null);
    assert.equal(await sessions.resolve('not-a-session'), null);
  });

  it('does not accept the stored hash or the public id as a cookie', async () => {
    const { clock, sessions } = setup();
    const { session } = await sessions.create('user-1', clock.now());
    assert.equal(await sessions.resolve(session.secretHash), null);
    assert.equal(await sessions.resolve(session.id), null);
  });

  it('ends a session that was idle too long, and deletes it', async () => {
    const { clock, storage, sessions } = setup(600);
    const { session, cookieValue } = await sessions.create('user-1', clock.now());
    clock.advance(600_000);
    assert.ok(await sessions.resolve(cookieValue), 'exactly at the idle limit it is still alive');
    clock.advance(600_001);
    assert.equal(await sessions.resolve(cookieValue), null);
    assert.equal(await storage.sessions.get(session.id, clock.now()), null);
  });

  it('keeps a busy session alive past the idle limit', async () => {
    const { clock, sessions } = setup(600);
    const { cookieValue } = await sessions.create('user-1', clock.now());
    for (let i = 0; i < 6; i++) {
      clock.advance(5 * MINUTE);
      assert.ok(await sessions.resolve(cookieValue), `after ${(i + 1) * 5} minutes`);
    }
  });

  it('ends a busy session at its absolute limit', async () => {
    const { clock, sessions } = setup(600, 3600);
    const { cookieValue } = await sessions.create('user-1', clock.now());
    for (let i = 0; i < 11; i++) {
      clock.advance(5 * MINUTE);
      assert.ok(await sessions.resolve(cookieValue));
    }
    clock.advance(5 * MINUTE);
    assert.equal(await sessions.resolve(cookieValue), null);
  });

  it('records use at most once a minute', async () => {
    const { clock, storage, sessions } = setup();
    const { session, cookieValue } = await sessions.create('user-1', clock.now());
    const start = clock.now();
    clock.advance(30_000);
    assert.equal((await sessions.resolve(cookieValue))?.lastSeenAt, start);
    assert.equal((await storage.sessions.get(session.id, clock.now()))?.lastSeenAt, start);
    clock.advance(30_000);
    assert.equal((await sessions.resolve(cookieValue))?.lastSeenAt, start + MINUTE);
    assert.equal((await storage.sessions.get(session.id, clock.now()))?.lastSeenAt, start + MINUTE);
  });

  it('looks sessions up by public id under the same lifetime rules', async () => {
    const { clock, sessions } = setup(600);
    const { session } = await sessions.create('user-1', clock.now());
    assert.deepEqual(await sessions.get(session.id), session);
    assert.equal(await sessions.get('no-such-id'), null);
    clock.advance(600_001);
    assert.equal(await sessions.get(session.id), null);
  });

  it('renews a session for the same user: same sid, new cookie secret and auth_time', async () => {
    const { clock, sessions } = setup();
    const first = await sessions.create('user-1', clock.now());
    clock.advance(MINUTE);
    const renewed = await sessions.renew(first.session, clock.now());
    assert.equal(renewed.session.id, first.session.id, 'the sid stays');
    assert.equal(renewed.session.authTime, clock.now());
    assert.notEqual(renewed.cookieValue, first.cookieValue);
    assert.equal(await sessions.resolve(first.cookieValue), null, 'the old cookie no longer works');
    assert.equal((await sessions.resolve(renewed.cookieValue))?.id, first.session.id);
  });

  it('ends a session on sign-out, idempotently', async () => {
    const { clock, sessions } = setup();
    const { session, cookieValue } = await sessions.create('user-1', clock.now());
    const other = await sessions.create('user-2', clock.now());
    await sessions.end(session.id);
    await sessions.end(session.id);
    assert.equal(await sessions.resolve(cookieValue), null);
    assert.ok(await sessions.resolve(other.cookieValue));
  });

  it('refuses nonsensical lifetimes', () => {
    const clock = new ManualClock();
    const storage = createMemoryStorage();
    assert.throws(
      () => new SessionManager({ storage, clock, idleSeconds: 0, absoluteSeconds: 60 }),
      TypeError,
    );
    assert.throws(
      () => new SessionManager({ storage, clock, idleSeconds: 60, absoluteSeconds: Number.NaN }),
      TypeError,
    );
  });
});

describe('session cookie', () => {
  it('uses the __Host- prefix only over https', () => {
    assert.equal(cookieName(true), '__Host-sesame_session');
    assert.equal(cookieName(false), 'sesame_session');
  });

  it('is HttpOnly, SameSite=Lax, Path=/ and Secure over https', () => {
    assert.deepEqual(cookieOptions(true), { httpOnly: true, sameSite: 'lax', path: '/', secure: true });
    assert.deepEqual(cookieOptions(false), { httpOnly: true, sameSite: 'lax', path: '/', secure: false });
  });
});
