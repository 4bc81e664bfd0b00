import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GeneratedKeyRecord } from '../storage/types.js';
import { keyGraceMs, ringState } from './key-ring-state.js';

const T0 = Date.UTC(2026, 0, 1);
const KEEP = 60_000;

const key = (seq: number, overrides: Partial<GeneratedKeyRecord> = {}): GeneratedKeyRecord => ({
  alg: 'ES256',
  seq,
  kid: `kid-${seq}`,
  sealedKey: `v1.${seq}`,
  createdAt: T0,
  signsFrom: T0,
  retiredAt: null,
  ...overrides,
});

const kids = (records: readonly GeneratedKeyRecord[]) => records.map((r) => r.kid);

describe('ringState', () => {
  it('signs with the only key and publishes it, with nothing ahead', () => {
    const state = ringState([key(1)], T0 + 5, KEEP);
    assert.equal(state.signer?.kid, 'kid-1');
    assert.deepEqual(kids(state.published), ['kid-1']);
    assert.deepEqual(state.due, []);
    assert.equal(state.nextChangeAt, null);
  });

  it('publishes a rotated key before its signsFrom while the old one still signs', () => {
    const records = [key(1), key(2, { signsFrom: T0 + 10_000 })];
    const state = ringState(records, T0 + 5_000, KEEP);
    assert.equal(state.signer?.kid, 'kid-1');
    assert.deepEqual(kids(state.published), ['kid-1', 'kid-2']);
    assert.equal(state.nextChangeAt, T0 + 10_000, 'the new key starts signing then');
  });

  it('signs with the new key from its signsFrom, keeping the old one published for keepFor', () => {
    const records = [key(1), key(2, { signsFrom: T0 + 10_000 })];
    const state = ringState(records, T0 + 10_000, KEEP);
    assert.equal(state.signer?.kid, 'kid-2');
    assert.deepEqual(kids(state.published), ['kid-1', 'kid-2']);
    assert.equal(state.retiresAt.get('kid-1'), T0 + 10_000 + KEEP);
    assert.equal(state.nextChangeAt, T0 + 10_000 + KEEP);
    assert.deepEqual(state.due, []);
  });

  it('makes the old key due once keepFor has passed, and no longer publishes it', () => {
    const records = [key(1), key(2, { signsFrom: T0 + 10_000 })];
    const state = ringState(records, T0 + 10_000 + KEEP, KEEP);
    assert.deepEqual(kids(state.published), ['kid-2']);
    assert.deepEqual(kids(state.due), ['kid-1']);
    assert.equal(state.nextChangeAt, null);
  });

  it('never publishes or signs with a retired key, whatever its place', () => {
    const records = [key(1), key(2, { retiredAt: T0 + 1, sealedKey: '' })];
    const state = ringState(records, T0 + 2, KEEP);
    assert.equal(state.signer?.kid, 'kid-1');
    assert.deepEqual(kids(state.published), ['kid-1']);
  });

  it('lets a cancelled rotation supersede nothing: the old key keeps signing and is never due', () => {
    // Key 2 was retired before its signsFrom came: it never signed.
    const records = [key(1), key(2, { signsFrom: T0 + 10_000, retiredAt: T0 + 5_000 })];
    const state = ringState(records, T0 + 10_000 + KEEP * 2, KEEP);
    assert.equal(state.signer?.kid, 'kid-1');
    assert.deepEqual(state.due, []);
    assert.equal(state.retiresAt.size, 0);
  });

  it('counts a key retired after it began signing as having superseded the one before', () => {
    const records = [key(1), key(2, { signsFrom: T0 + 1_000, retiredAt: T0 + 2_000, sealedKey: '' })];
    // Key 2 was forced out; key 1 signs again (the only live key that has started), and is
    // never due, nor unpublished, however long after: it is the signer.
    for (const now of [T0 + 3_000, T0 + 1_000 + KEEP, T0 + 1_000 + KEEP * 10]) {
      const state = ringState(records, now, KEEP);
      assert.equal(state.signer?.kid, 'kid-1');
      assert.deepEqual(state.due, []);
      assert.deepEqual(kids(state.published), ['kid-1']);
    }
  });

  it('has no signer when every live key is still pending or every key is retired', () => {
    assert.equal(ringState([key(1, { signsFrom: T0 + 1 })], T0, KEEP).signer, null);
    assert.equal(ringState([key(1, { retiredAt: T0 })], T0 + 1, KEEP).signer, null);
    assert.equal(ringState([], T0, KEEP).signer, null);
  });

  it('retires each superseded key keepFor after the key that followed it began signing', () => {
    const records = [key(3, { signsFrom: T0 + 20_000 }), key(1), key(2, { signsFrom: T0 + 10_000 })];
    const state = ringState(records, T0 + 20_000, KEEP);
    assert.equal(state.signer?.kid, 'kid-3');
    assert.equal(state.retiresAt.get('kid-1'), T0 + 10_000 + KEEP);
    assert.equal(state.retiresAt.get('kid-2'), T0 + 20_000 + KEEP);
    assert.deepEqual(kids(state.published), ['kid-1', 'kid-2', 'kid-3']);
  });
});

describe('keyGraceMs', () => {
  it('is the longest of the access, ID and logout token lifetimes and the re-verify time, plus a minute', () => {
    assert.equal(keyGraceMs({ accessToken: 600, idToken: 3600 }, 0), 3660_000);
    assert.equal(keyGraceMs({ accessToken: 900, idToken: 300 }, 0), 960_000);
    assert.equal(keyGraceMs({ accessToken: 30, idToken: 60 }, 0), 180_000, 'logout tokens live 2 min');
    // Back-channel logout deliveries re-read their token for a day.
    assert.equal(keyGraceMs({ accessToken: 600, idToken: 3600 }, 86_400_000), 86_460_000);
  });
});
