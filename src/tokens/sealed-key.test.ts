import assert from 'node:assert/strict';
import { createPublicKey, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { SigningAlg } from '../config/types.js';
import { generatePrivateKey, jwkThumbprint } from './generated-key.js';
import { openSealedKey, SealedKeyError, sealPrivateKey } from './sealed-key.js';

const SECRET = randomBytes(32);

function rejectsWith(code: string, ...patterns: RegExp[]) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof SealedKeyError, String(error));
    assert.equal(error.code, code);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  };
}

/** The sealed text with one base64url part changed at `index` (0 iv, 1 ciphertext, 2 tag). */
function flipped(sealed: string, index: number): string {
  const [version, ...parts] = sealed.split('.');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return [version, ...parts].join('.');
}

const WRONG_SECRET =
  /encryption secret differs from the one that stored the key.*Every instance .* same secret/;

describe('sealed signing keys', () => {
  for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA'] as const satisfies readonly SigningAlg[]) {
    it(`opens a sealed ${alg} key as the same key`, async () => {
      const privateKey = generatePrivateKey(alg);
      const kid = await jwkThumbprint(createPublicKey(privateKey));
      const sealed = sealPrivateKey(privateKey, { alg, kid }, SECRET);
      assert.match(sealed, /^v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
      const opened = openSealedKey(sealed, { alg, kid }, SECRET);
      assert.equal(opened.type, 'private');
      assert.ok(opened.equals(privateKey), 'the same private key');
    });
  }

  it('seals the same key differently each time (a fresh IV)', () => {
    const privateKey = generatePrivateKey('ES256');
    const binding = { alg: 'ES256', kid: 'k' };
    assert.notEqual(sealPrivateKey(privateKey, binding, SECRET), sealPrivateKey(privateKey, binding, SECRET));
  });

  it('refuses another secret, saying every instance needs the one that stored the key', () => {
    const sealed = sealPrivateKey(generatePrivateKey('ES256'), { alg: 'ES256', kid: 'k1' }, SECRET);
    assert.throws(
      () => openSealedKey(sealed, { alg: 'ES256', kid: 'k1' }, randomBytes(32)),
      rejectsWith(
        'wrong_secret',
        /^the stored ES256 signing key \(kid k1\) cannot be opened/,
        WRONG_SECRET,
        /--encryption-secret file, or the same <data_dir>\/secret\.key/,
      ),
    );
  });

  it('refuses a sealed key whose IV, ciphertext or tag was altered', () => {
    const binding = { alg: 'EdDSA', kid: 'k1' };
    const sealed = sealPrivateKey(generatePrivateKey('EdDSA'), binding, SECRET);
    for (const part of [0, 1, 2])
      assert.throws(
        () => openSealedKey(flipped(sealed, part), binding, SECRET),
        rejectsWith('wrong_secret', WRONG_SECRET),
      );
  });

  it('refuses a sealed key opened under another alg or kid (both are authenticated)', () => {
    const privateKey = generatePrivateKey('RS256');
    const sealed = sealPrivateKey(privateKey, { alg: 'RS256', kid: 'k1' }, SECRET);
    assert.throws(
      () => openSealedKey(sealed, { alg: 'PS256', kid: 'k1' }, SECRET),
      rejectsWith('wrong_secret', WRONG_SECRET),
    );
    assert.throws(
      () => openSealedKey(sealed, { alg: 'RS256', kid: 'k2' }, SECRET),
      rejectsWith('wrong_secret', WRONG_SECRET),
    );
    const other = sealPrivateKey(generatePrivateKey('RS256'), { alg: 'RS256', kid: 'k2' }, SECRET);
    const [, , ciphertextOfOther] = other.split('.');
    const [version, iv, , tag] = sealed.split('.');
    assert.throws(
      () =>
        openSealedKey([version, iv, ciphertextOfOther, tag].join('.'), { alg: 'RS256', kid: 'k1' }, SECRET),
      rejectsWith('wrong_secret', WRONG_SECRET),
    );
  });

  it('refuses text that is not a v1 sealed key, and names a newer format', () => {
    const binding = { alg: 'ES256', kid: 'k1' };
    const sealed = sealPrivateKey(generatePrivateKey('ES256'), binding, SECRET);
    for (const text of [
      '',
      'v1',
      'v1.a.b',
      `${sealed}.x`,
      sealed.replace(/\.[\w-]+\./, '.a+b/.'),
      '-----BEGIN PRIVATE KEY-----',
    ])
      assert.throws(
        () => openSealedKey(text, binding, SECRET),
        rejectsWith('malformed', /not a sealed key this Sesame can read/),
      );
    assert.throws(
      () => openSealedKey(sealed.replace(/^v1/, 'v2'), binding, SECRET),
      rejectsWith('malformed', /found v2, from a newer Sesame/),
    );
    const [version, , ciphertext, tag] = sealed.split('.');
    assert.throws(
      () => openSealedKey([version, 'AAAA', ciphertext, tag].join('.'), binding, SECRET),
      rejectsWith('malformed', /IV or tag of the wrong length/),
    );
  });

  it('takes only a 32-byte secret', () => {
    const privateKey = generatePrivateKey('ES256');
    assert.throws(() => sealPrivateKey(privateKey, { alg: 'ES256', kid: 'k' }, randomBytes(16)), TypeError);
    const sealed = sealPrivateKey(privateKey, { alg: 'ES256', kid: 'k' }, SECRET);
    assert.throws(() => openSealedKey(sealed, { alg: 'ES256', kid: 'k' }, new Uint8Array(0)), TypeError);
  });
});
