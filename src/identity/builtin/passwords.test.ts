import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PasswordHashing } from '../../config/types.js';
import { formatParameters, hashParameters, hashPassword, hashedWith, verifyPassword } from './passwords.js';

/** Far below OWASP's, so that the tests hash quickly. */
const FAST: PasswordHashing = { memoryKib: 1024, iterations: 1, parallelism: 1 };
const OWASP: PasswordHashing = { memoryKib: 19456, iterations: 2, parallelism: 1 };

describe('argon2id password hashes', () => {
  it('hashes with argon2id and the parameters it is given', async () => {
    const hash = await hashPassword('a fine password', FAST);
    assert.match(hash, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    assert.equal(await verifyPassword(hash, 'a fine password'), true);
    assert.equal(await verifyPassword(hash, 'a fine passwore'), false);
  });

  it("hashes with OWASP's parameters when given them", async () => {
    const hash = await hashPassword('a fine password', OWASP);
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await verifyPassword(hash, 'a fine password'), true);
  });

  it('verifies with the parameters the stored hash names, whatever is given now', async () => {
    const hash = await hashPassword('two lanes here', { memoryKib: 2048, iterations: 2, parallelism: 2 });
    assert.match(hash, /^\$argon2id\$v=19\$m=2048,t=2,p=2\$/);
    assert.equal(await verifyPassword(hash, 'two lanes here'), true);
  });

  it('salts every hash, so the same password hashes differently', async () => {
    assert.notEqual(await hashPassword('same', FAST), await hashPassword('same', FAST));
  });

  it('treats a malformed stored hash as a wrong password instead of throwing', async () => {
    assert.equal(await verifyPassword('not a hash', 'whatever'), false);
  });
});

describe('the parameters of a stored hash', () => {
  it('reads memory, iterations and lanes from an argon2id version 19 hash', async () => {
    const hash = await hashPassword('parameters', { memoryKib: 2048, iterations: 3, parallelism: 2 });
    assert.deepEqual(hashParameters(hash), { memoryKib: 2048, iterations: 3, parallelism: 2 });
    assert.equal(hashedWith(hash, { memoryKib: 2048, iterations: 3, parallelism: 2 }), true);
  });

  it('tells hashes made with other parameters apart', async () => {
    const hash = await hashPassword('parameters', FAST);
    assert.equal(hashedWith(hash, FAST), true);
    assert.equal(hashedWith(hash, { ...FAST, memoryKib: 2048 }), false);
    assert.equal(hashedWith(hash, { ...FAST, iterations: 2 }), false);
    assert.equal(hashedWith(hash, { ...FAST, parallelism: 2 }), false);
  });

  it('counts another algorithm, another version or no hash at all as made with other parameters', () => {
    for (const hash of [
      '$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
      '$argon2d$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
      '$argon2id$v=16$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
      '$argon2id$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
      '$2b$12$abcdefghijklmnopqrstuuLl1ZnQ8Qnk6f9iQ6i5dW4pQ2o1l0J3K',
      '',
    ]) {
      assert.equal(hashParameters(hash), null, hash);
      assert.equal(hashedWith(hash, FAST), false, hash);
    }
  });

  it('writes parameters as a PHC string does', () => {
    assert.equal(formatParameters(OWASP), 'm=19456,t=2,p=1');
  });
});
