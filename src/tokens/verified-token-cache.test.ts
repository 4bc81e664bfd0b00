import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { ManualClock } from '../lib/clock.js';
import type { AccessTokenClaims, VerificationKey } from './types.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

function key(kid: string): VerificationKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, publicKey: createPublicKey(privateKey), source: `test:${kid}` };
}

const KEYS = [key('a'), key('b')];
const START = Date.UTC(2026, 0, 1);

function claims(jti: string, exp = START / 1000 + 600): AccessTokenClaims {
  return {
    sub: 'user-1',
    clientId: 'nextcloud',
    scopes: ['openid'],
    grantId: 'g-1',
    jti,
    exp,
    iat: START / 1000,
    format: 'rfc9068',
  };
}

/** A verifier that counts its calls and answers `answer`. */
function counting(answer: () => AccessTokenClaims) {
  const calls = { n: 0 };
  const verify = (): Promise<AccessTokenClaims> => {
    calls.n++;
    return Promise.resolve(answer());
  };
  return { calls, verify };
}

describe('VerifiedTokenCache', () => {
  it('verifies a token once, then answers its claims, frozen, until the second it expires', async () => {
    const clock = new ManualClock(START);
    const cache = new VerifiedTokenCache({ clock });
    const { calls, verify } = counting(() => claims('t1'));
    const first = await cache.verify('token-1', KEYS, verify);
    clock.advance(599_999);
    const again = await cache.verify('token-1', KEYS, verify);
    assert.equal(calls.n, 1);
    assert.deepEqual(again, first);
    assert.ok(Object.isFrozen(again) && Object.isFrozen(again.scopes));

    // jose's rule: expired once `exp` is not after the current second.
    clock.advance(1);
    const refused = new Error('token expired');
    await assert.rejects(
      cache.verify('token-1', KEYS, () => Promise.reject(refused)),
      (e) => e === refused,
    );
    assert.equal(cache.size, 0, 'the expired entry is gone');
  });

  it('keeps each token apart, and never one that failed', async () => {
    const cache = new VerifiedTokenCache({ clock: new ManualClock(START) });
    const one = counting(() => claims('t1'));
    const two = counting(() => claims('t2'));
    assert.equal((await cache.verify('token-1', KEYS, one.verify)).jti, 't1');
    assert.equal((await cache.verify('token-2', KEYS, two.verify)).jti, 't2');
    assert.equal((await cache.verify('token-1', KEYS, one.verify)).jti, 't1');
    assert.deepEqual([one.calls.n, two.calls.n], [1, 1]);

    let failures = 0;
    const failing = (): Promise<AccessTokenClaims> => {
      failures++;
      return Promise.reject(new Error('invalid signature'));
    };
    await assert.rejects(cache.verify('token-3', KEYS, failing));
    await assert.rejects(cache.verify('token-3', KEYS, failing));
    assert.equal(failures, 2);
  });

  it('is emptied when the keys change, and not when the same keys come in a new list', async () => {
    const cache = new VerifiedTokenCache({ clock: new ManualClock(START) });
    const { calls, verify } = counting(() => claims('t1'));
    await cache.verify('token-1', KEYS, verify);
    await cache.verify('token-1', [...KEYS], verify);
    assert.equal(calls.n, 1, 'a key ring re-reads the same key objects into a new list');

    // A key retired: what it may have verified must be verified again.
    await cache.verify('token-1', [KEYS[0]!], verify);
    assert.equal(calls.n, 2);
    // A different key under a known kid is another key.
    await cache.verify('token-1', [key('a')], verify);
    assert.equal(calls.n, 3);
  });

  it('does not keep a token verified under keys that were replaced meanwhile', async () => {
    const cache = new VerifiedTokenCache({ clock: new ManualClock(START) });
    let release = (): void => undefined;
    const slow = cache.verify(
      'token-1',
      KEYS,
      () => new Promise<AccessTokenClaims>((resolve) => (release = () => resolve(claims('t1')))),
    );
    const other = counting(() => claims('t2'));
    await cache.verify('token-2', [KEYS[1]!], other.verify);
    release();
    await slow;
    const again = counting(() => claims('t1'));
    await cache.verify('token-1', [KEYS[1]!], again.verify);
    assert.equal(again.calls.n, 1);
  });

  it('keeps at most maxEntries tokens, dropping the one verified longest ago', async () => {
    const cache = new VerifiedTokenCache({ clock: new ManualClock(START), maxEntries: 2 });
    const calls: string[] = [];
    const verify = (name: string) => () => {
      calls.push(name);
      return Promise.resolve(claims(name));
    };
    for (const name of ['t1', 't2', 't3', 't2', 't1']) await cache.verify(name, KEYS, verify(name));
    assert.deepEqual(calls, ['t1', 't2', 't3', 't1']);
    assert.equal(cache.size, 2);
  });

  it('refuses a bound that is not a positive integer', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => new VerifiedTokenCache({ clock: new ManualClock(), maxEntries }), TypeError);
    }
  });
});
