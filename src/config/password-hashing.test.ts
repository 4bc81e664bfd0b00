import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CONFIG_KEYS } from './defaults.js';
import { loadConfig, type LoadedConfig } from './load.js';
import { OWASP_ARGON2ID, meetsOwasp } from './password-hashing.js';
import { problemsOf, tempDir } from './test-helpers.js';

function load(yaml: string, env: Record<string, string> = {}): LoadedConfig & { file: string } {
  const dir = tempDir({ 'sesame.yaml': yaml });
  const file = join(dir, 'sesame.yaml');
  return { ...loadConfig({ file, env, cwd: dir }), file };
}

const passwords = (m: number | string, t: number | string, p: number | string = 1) =>
  `passwords:\n  memory_kib: ${m}\n  iterations: ${t}\n  parallelism: ${p}\n`;

const weakWarning = (warnings: readonly string[]) =>
  warnings.filter((warning) => warning.includes('passwords.memory_kib'));

describe('passwords.*: the argon2id cost of built-in password hashes', () => {
  it("defaults to OWASP's m=19456 KiB, t=2, p=1, without a warning", () => {
    const defaults = Object.fromEntries(
      CONFIG_KEYS.filter((key) => key.path.startsWith('passwords.')).map((key) => [key.path, key.default]),
    );
    assert.deepEqual(defaults, {
      'passwords.memory_kib': 19456,
      'passwords.iterations': 2,
      'passwords.parallelism': 1,
    });
    const { config, warnings } = load('');
    assert.deepEqual(config.passwords, { memoryKib: 19456, iterations: 2, parallelism: 1 });
    assert.deepEqual(weakWarning(warnings), []);
  });

  it('takes the values of the file, and of SESAME_PASSWORDS_* over them', () => {
    assert.deepEqual(load(passwords(65536, 3, 4)).config.passwords, {
      memoryKib: 65536,
      iterations: 3,
      parallelism: 4,
    });
    const { config } = load(passwords(65536, 3, 4), {
      SESAME_PASSWORDS_MEMORY_KIB: '47104',
      SESAME_PASSWORDS_ITERATIONS: '1',
      SESAME_PASSWORDS_PARALLELISM: '2',
    });
    assert.deepEqual(config.passwords, { memoryKib: 47104, iterations: 1, parallelism: 2 });
  });

  it('refuses values out of bounds, each with where it is and what is allowed', () => {
    const { file, problems } = problemsOf(passwords(4194305, 0, 17));
    assert.deepEqual(problems, [
      `${file}:2:15: passwords.memory_kib: must be at most 4194304 KiB (4 GiB)`,
      `${file}:3:15: passwords.iterations: must be between 1 and 64`,
      `${file}:4:16: passwords.parallelism: must be between 1 and 16`,
    ]);
    assert.deepEqual(problemsOf(passwords(7, 65, 0)).problems.length, 3);
    assert.match(problemsOf(passwords(7, 1, 1)).problems[0] ?? '', /memory_kib: must be at least 8 KiB$/);
  });

  it('refuses a value that is not a whole number', () => {
    const { file, problems } = problemsOf(passwords('19 MiB', 2.5, 'one'));
    assert.deepEqual(problems, [
      `${file}:2:15: passwords.memory_kib: must be a whole number of KiB`,
      `${file}:3:15: passwords.iterations: must be a whole number`,
      `${file}:4:16: passwords.parallelism: must be a whole number`,
    ]);
    assert.deepEqual(problemsOf('', { SESAME_PASSWORDS_ITERATIONS: 'two' }).problems, [
      'env SESAME_PASSWORDS_ITERATIONS: must be a whole number',
    ]);
  });

  it('refuses less than 8 KiB of memory per lane', () => {
    const { file, problems } = problemsOf(passwords(64, 1, 16));
    assert.deepEqual(problems, [
      `${file}:2:15: passwords.memory_kib: must be at least 128 KiB: 8 KiB for each of the 16 lanes of passwords.parallelism`,
    ]);
    assert.deepEqual(load(passwords(128, 1, 16)).config.passwords.memoryKib, 128);
  });

  it('accepts the extremes of the bounds', () => {
    assert.deepEqual(load(passwords(8, 1, 1)).config.passwords, {
      memoryKib: 8,
      iterations: 1,
      parallelism: 1,
    });
    assert.deepEqual(load(passwords(4194304, 64, 16)).config.passwords, {
      memoryKib: 4194304,
      iterations: 64,
      parallelism: 16,
    });
  });

  it("warns, naming the keys and values, when a setting meets none of OWASP's", () => {
    const { warnings } = load(passwords(1024, 1));
    assert.deepEqual(weakWarning(warnings), [
      "passwords.memory_kib 1024 with passwords.iterations 1 meets none of OWASP's argon2id settings " +
        '(m=47104 t=1, m=19456 t=2, m=12288 t=3, m=9216 t=4, m=7168 t=5): new password hashes are ' +
        'cheaper to guess offline than OWASP recommends; use such a setting for tests and benchmarks only',
    ]);
    // Just below a pair in either dimension is weak too.
    for (const pair of OWASP_ARGON2ID) {
      assert.equal(weakWarning(load(passwords(pair.memoryKib - 1, pair.iterations)).warnings).length, 1);
      if (pair.iterations > 1) {
        const fewer = load(passwords(pair.memoryKib, pair.iterations - 1)).warnings;
        assert.equal(weakWarning(fewer).length, 1);
      }
    }
  });

  it('does not warn when users are in LDAP, where Sesame hashes no password', () => {
    const ldap = { SESAME_IDENTITY: 'ldap', LDAP_URI: 'ldap://127.0.0.1:3890', LDAP_BASEDN: 'dc=example' };
    assert.deepEqual(weakWarning(load(passwords(1024, 1), ldap).warnings), []);
  });

  it("does not warn for any of OWASP's settings, or for more", () => {
    for (const pair of OWASP_ARGON2ID) {
      assert.deepEqual(weakWarning(load(passwords(pair.memoryKib, pair.iterations)).warnings), []);
      assert.deepEqual(weakWarning(load(passwords(pair.memoryKib * 2, pair.iterations + 1, 4)).warnings), []);
    }
    assert.equal(meetsOwasp({ memoryKib: 19456, iterations: 3, parallelism: 1 }), true);
    assert.equal(meetsOwasp({ memoryKib: 9216, iterations: 3, parallelism: 1 }), false);
  });
});
