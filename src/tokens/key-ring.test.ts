import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { pino } from 'pino';
import { ManualClock } from '../lib/clock.js';
import { createMemoryStorage } from '../storage/memory/memory-storage.js';
import { StorageError, type GeneratedKeyStore } from '../storage/types.js';
import { KeyRingRefusal, listKeys, retireKey, rotateKey, type RingAccess } from './key-ring-admin.js';
import { KeyRing } from './key-ring.js';
import { SealedKeyError } from './sealed-key.js';
import { generatePrivateKey } from './generated-key.js';
import { createTokenService } from './token-service.js';
import type { VerificationKey } from './types.js';
import { createPublicKey } from 'node:crypto';

const silent = pino({ level: 'silent' });
const ISSUER = 'https://id.example.com';
const KEEP = 120_000;
const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('a ring of generated signing keys, rotated while instances run', () => {
  let clock: ManualClock;
  let store: GeneratedKeyStore;
  let secret: Uint8Array;
  let access: RingAccess;

  beforeEach(() => {
    clock = new ManualClock();
    store = createMemoryStorage().generatedKeys;
    secret = randomBytes(32);
    access = { store, secret, clock, alg: 'ES256', keepForMs: KEEP };
  });

  const openRing = async (options: { validation?: VerificationKey[] } = {}) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sesame-ring-'));
    dirs.push(dataDir);
    return KeyRing.open({ ...access, dataDir, log: silent, ...options });
  };

  const tokensOf = (ring: KeyRing) =>
    createTokenService({
      issuer: ISSUER,
      keys: ring,
      alg: 'ES256',
      lifetimes: { accessToken: 60, idToken: 60 },
      clock,
    });

  const mint = async (ring: KeyRing) =>
    (await tokensOf(ring)).mintAccessToken({ sub: 's', clientId: 'c', scopes: ['openid'], grantId: 'g' });

  const published = (ring: KeyRing) => ring.current().jwks.keys.map((k) => k.kid);

  it('starts with one key that signs, and lists it as signing', async () => {
    const ring = await openRing();
    const [listed, ...rest] = await listKeys(access);
    assert.equal(rest.length, 0);
    assert.equal(listed?.status, 'signing');
    assert.equal(listed?.kid, ring.current().signer.kid);
    assert.deepEqual(published(ring), [listed?.kid]);
  });

  it('publishes a rotated key at the next read, and signs with it only after the delay', async () => {
    const ring = await openRing();
    const tokens = await tokensOf(ring);
    const oldKid = ring.current().signer.kid;
    const oldToken = await mint(ring);
    const added = await rotateKey(access, 10_000);
    assert.equal(added.seq, 2);

    await ring.refresh();
    assert.deepEqual(published(ring), [oldKid, added.kid], 'both published before the new one signs');
    assert.equal(decodeProtectedHeader(await mint(ring)).kid, oldKid, 'the old key still signs');
    assert.equal((await listKeys(access))[1]?.status, 'pending');

    clock.advance(10_000);
    ring.current(); // the clock alone moves the pending key to signing, without a read
    await ring.stop();
    const newToken = await mint(ring);
    assert.equal(decodeProtectedHeader(newToken).kid, added.kid);
    // Both verify, at Sesame and at a relying party holding the JWKS.
    const jwks = createLocalJWKSet(ring.current().jwks as JSONWebKeySet);
    for (const token of [oldToken, newToken]) {
      assert.equal((await tokens.verifyAccessToken(token)).sub, 's');
      await jwtVerify(token, jwks, { issuer: ISSUER, currentDate: new Date(clock.now()) });
    }
    assert.deepEqual(
      (await listKeys(access)).map((k) => k.status),
      ['superseded', 'signing'],
    );
  });

  it('retires the superseded key by itself once no token it signed can be valid, erasing it', async () => {
    const ring = await openRing();
    const tokens = await tokensOf(ring);
    const oldKid = ring.current().signer.kid;
    await rotateKey(access, 0);
    await ring.refresh();
    assert.notEqual(decodeProtectedHeader(await mint(ring)).kid, oldKid, 'a zero delay signs at once');

    clock.advance(KEEP);
    await ring.refresh();
    assert.equal(published(ring).includes(oldKid), false);
    const [first] = await store.list('ES256');
    assert.equal(first?.retiredAt, clock.now());
    assert.equal(first?.sealedKey, '', 'the private key is erased');
    assert.equal((await listKeys(access))[0]?.status, 'retired');
    assert.equal((await tokens.verifyAccessToken(await mint(ring))).sub, 's', 'the new key signs on');
  });

  it('refuses a second rotation while a key waits to sign, and one before any key exists', async () => {
    await assert.rejects(
      rotateKey(access, 0),
      (e: unknown) => e instanceof KeyRingRefusal && /start sesame serve/.test(e.message),
    );
    await openRing();
    const pending = await rotateKey(access, 60_000);
    await assert.rejects(rotateKey(access, 0), (e: unknown) => {
      assert.ok(e instanceof KeyRingRefusal);
      assert.match(e.message, new RegExp(`key ${pending.kid} is already waiting to sign`));
      return true;
    });
  });

  it('refuses to rotate with another secret than the one that sealed the keys, storing nothing', async () => {
    await openRing();
    await assert.rejects(
      rotateKey({ ...access, secret: randomBytes(32) }, 0),
      (e: unknown) => e instanceof SealedKeyError && e.code === 'wrong_secret',
    );
    assert.equal((await store.list('ES256')).length, 1);
  });

  it('retires a pending key to cancel its rotation, and never the signing key', async () => {
    const ring = await openRing();
    const signing = ring.current().signer.kid;
    const pending = await rotateKey(access, 60_000);
    await assert.rejects(
      retireKey(access, signing),
      (e: unknown) => e instanceof KeyRingRefusal && /is signing/.test(e.message),
    );
    await retireKey(access, pending.kid);
    await ring.refresh();
    assert.deepEqual(published(ring), [signing]);
    clock.advance(120_000);
    await ring.refresh();
    assert.equal(ring.current().signer.kid, signing, 'the cancelled key never signs');
    await assert.rejects(
      retireKey(access, 'no-such-kid'),
      (e: unknown) => e instanceof KeyRingRefusal && /there is no ES256 key no-such-kid/.test(e.message),
    );
  });

  it('retires a superseded key early only with force, after which its tokens stop verifying', async () => {
    const ring = await openRing();
    const tokens = await tokensOf(ring);
    const oldKid = ring.current().signer.kid;
    const oldToken = await mint(ring);
    await rotateKey(access, 0);
    await ring.refresh();
    await assert.rejects(retireKey(access, oldKid), (e: unknown) => {
      assert.ok(e instanceof KeyRingRefusal);
      assert.match(e.message, /may be valid until .*--force retires it now/);
      return true;
    });
    await retireKey(access, oldKid, { force: true });
    await ring.refresh();
    assert.equal(published(ring).includes(oldKid), false);
    await assert.rejects(tokens.verifyAccessToken(oldToken), /unknown signing key|invalid_token/);
  });

  it('publishes validation keys beside the ring', async () => {
    const extra: VerificationKey = {
      kid: 'legacy',
      publicKey: createPublicKey(generatePrivateKey('ES256')),
      source: '/etc/keys/legacy.pem',
    };
    const ring = await openRing({ validation: [extra] });
    assert.deepEqual(published(ring), [ring.current().signer.kid, 'legacy']);
  });

  it('keeps signing with the last keys read when storage fails, and follows it again after', async () => {
    const ring = await openRing();
    const kid = ring.current().signer.kid;
    const real = store.list.bind(store);
    let down = true;
    store.list = (alg) => (down ? Promise.reject(new StorageError('unavailable', 'db down')) : real(alg));
    await rotateKey({ ...access, store: { ...store, list: real } }, 0);
    await ring.refresh();
    assert.equal(ring.current().signer.kid, kid);
    down = false;
    await ring.refresh();
    assert.notEqual(ring.current().signer.kid, kid);
  });

  it('starts a new key when every key was retired behind its back', async () => {
    const ring = await openRing();
    const kid = ring.current().signer.kid;
    await store.retire('ES256', kid, clock.now());
    const again = await openRing();
    assert.notEqual(again.current().signer.kid, kid);
    assert.deepEqual(
      (await store.list('ES256')).map((r) => r.seq),
      [1, 2],
    );
  });
});
