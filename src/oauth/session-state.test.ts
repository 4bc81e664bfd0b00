import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { blake2b } from '@noble/hashes/blake2.js';
import { browserState, originOf, sessionState } from './session-state.js';

// Expected values are computed here without the module: fixed vectors from Python's hashlib
// (`blake2b(digest_size=32)`, `sha256`), and for other inputs node:crypto and a direct BLAKE2b call.
const ISSUER = 'https://meet.example.com';
const ALICE =
  'zCcbxlB0lfIZ2HuebqoravlIb5WVT9XLe8-pakfdjnKFC9oF8J4k2Xvcoe1wJMboF7elLtNuUrwSUJzXlkPMAg@konnect';
const MEET = 'kpop-https://meet.example.com/meet/';
const SALT = '0123456789abcdefghijABCDEFGHIJkl';

function expectedBrowserState(subject: string, issuer: string): string {
  const digest = blake2b(Buffer.from(`${subject} ${issuer} kopano-konnect-1`, 'utf8'), { dkLen: 32 });
  return Buffer.from(digest).toString('base64url');
}

function expectedHash(clientId: string, origin: string, state: string, salt: string): string {
  return createHash('sha256').update(`${clientId} ${origin} ${state} ${salt}`).digest('hex');
}

describe('browserState (kopano-meet.md req. 33)', () => {
  it("gives a signed-in user the browser state Konnect's algorithm gives", () => {
    assert.equal(browserState(ALICE, ISSUER), 'puripSj8vjdshi4qz4x4qxtKiMsd2q1ymWXECFnH4_0');
  });

  it('hashes a single space in place of the subject when nobody is signed in', () => {
    assert.equal(browserState(null, ISSUER), '7u1dAz4nJTPyMY6Fyeud6lBqvWs5hJgcR5Oo2wEtLjU');
  });

  it('matches an unkeyed 32-byte BLAKE2b for other users and issuers, non-ASCII included', () => {
    for (const [subject, issuer] of [
      ['a', 'http://localhost:8777'],
      ['Jürgen@konnect', 'https://sso.example.org/path'],
      ['', ISSUER],
    ] as const) {
      assert.equal(browserState(subject, issuer), expectedBrowserState(subject, issuer));
    }
  });

  it('is 43 base64url characters without padding', () => {
    assert.match(browserState(ALICE, ISSUER), /^[A-Za-z0-9_-]{43}$/);
  });

  it('changes when the user or the issuer changes', () => {
    assert.notEqual(browserState(ALICE, ISSUER), browserState('someone-else', ISSUER));
    assert.notEqual(browserState(ALICE, ISSUER), browserState(ALICE, 'https://other.example.com'));
  });
});

describe('sessionState (kopano-meet.md req. 33)', () => {
  const state = 'puripSj8vjdshi4qz4x4qxtKiMsd2q1ymWXECFnH4_0';

  it("gives Kopano Meet the session_state Konnect's algorithm gives", () => {
    assert.equal(
      sessionState(MEET, 'https://meet.example.com', state, SALT),
      `7f3d5b8792e9af23ac045d7013b985933c08a17b15a1e1721406315aaa6c644b.${SALT}`,
    );
  });

  it('draws a fresh 32-character alphanumeric salt each time and hashes it in', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const value = sessionState('client', 'https://rp.example', state);
      const [hash, salt, ...rest] = value.split('.');
      assert.deepEqual(rest, []);
      assert.match(salt ?? '', /^[A-Za-z0-9]{32}$/);
      assert.equal(hash, expectedHash('client', 'https://rp.example', state, salt ?? ''));
      seen.add(salt ?? '');
    }
    assert.equal(seen.size, 50);
  });

  it('uses the salt alphabet evenly enough that every character appears', () => {
    const characters = new Set<string>();
    for (let i = 0; i < 200; i++) {
      for (const c of sessionState('c', 'o', 's').split('.')[1] ?? '') characters.add(c);
    }
    assert.equal(characters.size, 62);
  });

  it('refuses a salt that would break the iframe message apart', () => {
    for (const salt of ['', 'a.b', 'a b']) {
      assert.throws(() => sessionState('c', 'o', 's', salt), TypeError);
    }
  });
});

describe('originOf', () => {
  it("is the relying party window's origin for its redirect URI", () => {
    assert.equal(originOf('https://meet.example.com/meet/#oidc-callback'), 'https://meet.example.com');
    assert.equal(originOf('http://127.0.0.1:5555/cb?x=1'), 'http://127.0.0.1:5555');
  });

  it('leaves out default ports and lower-cases the host, as browsers report event.origin', () => {
    assert.equal(originOf('https://Meet.Example.com:443/meet/'), 'https://meet.example.com');
    assert.equal(originOf('http://rp.example:80/cb'), 'http://rp.example');
    assert.equal(originOf('https://rp.example:8443/cb'), 'https://rp.example:8443');
  });

  it('is "null" for a native app scheme and refuses a relative URI', () => {
    assert.equal(originOf('com.example.app:/callback'), 'null');
    assert.throws(() => originOf('/callback'), TypeError);
  });
});
