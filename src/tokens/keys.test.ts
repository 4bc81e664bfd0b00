import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadOrGenerateSigningKeys, loadSigningKeyFile, SigningKeyError } from './keys.js';
import { buildJwks } from './jwks.js';

const log = pino({ level: 'silent' });
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-keys-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rsa = (modulusLength = 2048, publicExponent = 65537): KeyObject =>
  generateKeyPairSync('rsa', { modulusLength, publicExponent }).privateKey;
const ec = (namedCurve = 'P-256'): KeyObject => generateKeyPairSync('ec', { namedCurve }).privateKey;

async function writeKey(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content, { mode: 0o600 });
  return path;
}

function rejectsWith(code: string, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof SigningKeyError, String(error));
    assert.equal(error.code, code);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

describe('loadSigningKeyFile (konnect-spec §3.3)', () => {
  it('loads a PKCS#1 RSA PEM and names it after the file', async () => {
    const path = await writeKey(
      'konnect-pkcs1.pem',
      rsa().export({ type: 'pkcs1', format: 'pem' }) as string,
    );
    const key = await loadSigningKeyFile(path);
    assert.equal(key.kid, 'konnect-pkcs1');
    assert.equal(key.privateKey.asymmetricKeyType, 'rsa');
    assert.equal(key.publicKey.type, 'public');
    assert.equal(key.source, path);
  });

  it('loads a PKCS#8 PEM', async () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const key = await loadSigningKeyFile(await writeKey('ed.key', pem));
    assert.equal(key.kid, 'ed');
    assert.equal(key.privateKey.asymmetricKeyType, 'ed25519');
  });

  it('loads a SEC1 EC PEM', async () => {
    const pem = ec().export({ type: 'sec1', format: 'pem' }) as string;
    assert.match(pem, /BEGIN EC PRIVATE KEY/);
    const key = await loadSigningKeyFile(await writeKey('ec-sec1.pem', pem));
    assert.equal(key.kid, 'ec-sec1');
    assert.equal(key.privateKey.asymmetricKeyType, 'ec');
  });

  it('takes the kid from the symlink target, as Konnect does for rotated keys', async () => {
    const target = await writeKey(
      'konnect-20200312-ab12.pem',
      rsa().export({ type: 'pkcs8', format: 'pem' }) as string,
    );
    const link = join(dir, 'current.pem');
    await symlink(target, link);
    assert.equal((await loadSigningKeyFile(link)).kid, 'konnect-20200312-ab12');
  });

  it('uses an explicit kid when one is given', async () => {
    const path = await writeKey('explicit.pem', ec().export({ type: 'pkcs8', format: 'pem' }) as string);
    assert.equal((await loadSigningKeyFile(path, { kid: 'my-kid' })).kid, 'my-kid');
  });

  it('loads a JSON JWK and takes its kid from the JWK', async () => {
    const jwk = { ...ec().export({ format: 'jwk' }), kid: 'jwk-kid' };
    const key = await loadSigningKeyFile(await writeKey('named-otherwise.json', JSON.stringify(jwk)));
    assert.equal(key.kid, 'jwk-kid');
  });

  it('refuses RSA keys under 2048 bits', async () => {
    const path = await writeKey('weak.pem', rsa(1024).export({ type: 'pkcs1', format: 'pem' }) as string);
    await assert.rejects(loadSigningKeyFile(path), rejectsWith('weak', /weak\.pem.*1024 bits/));
  });

  it('refuses RSA keys with a public exponent below 65537', async () => {
    const path = await writeKey('e3.pem', rsa(2048, 3).export({ type: 'pkcs1', format: 'pem' }) as string);
    await assert.rejects(loadSigningKeyFile(path), rejectsWith('weak', /exponent 3/));
  });

  it('refuses public keys, unsupported curves, garbage and missing files, naming the file', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pub = await writeKey('pub.pem', publicKey.export({ type: 'spki', format: 'pem' }) as string);
    await assert.rejects(loadSigningKeyFile(pub), rejectsWith('unparseable', /pub\.pem/));
    const p384 = await writeKey('p384.pem', ec('P-384').export({ type: 'pkcs8', format: 'pem' }) as string);
    await assert.rejects(loadSigningKeyFile(p384), rejectsWith('unsupported', /p384\.pem.*secp384r1/));
    const junk = await writeKey('junk.pem', 'hello');
    await assert.rejects(loadSigningKeyFile(junk), rejectsWith('unparseable', /junk\.pem/));
    await assert.rejects(loadSigningKeyFile(join(dir, 'missing.pem')), rejectsWith('unreadable', /ENOENT/));
    const encrypted = ec().export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' });
    const enc = await writeKey('enc.pem', encrypted as string);
    await assert.rejects(loadSigningKeyFile(enc), rejectsWith('unparseable', /enc\.pem.*encrypted/));
  });
});

describe('loadOrGenerateSigningKeys', () => {
  it('refuses a key file whose type does not fit the algorithm, naming the file', async () => {
    const path = await writeKey('rsa-for-es.pem', rsa().export({ type: 'pkcs8', format: 'pem' }) as string);
    await assert.rejects(
      loadOrGenerateSigningKeys({ alg: 'ES256', keyFiles: [path], dataDir: dir, log }),
      rejectsWith('alg_mismatch', /rsa-for-es\.pem.*ES256.*EC P-256/),
    );
  });

  it('loads the configured files in order, the signing key first', async () => {
    const a = await writeKey('a.pem', rsa().export({ type: 'pkcs8', format: 'pem' }) as string);
    const b = await writeKey('b.pem', ec().export({ type: 'pkcs8', format: 'pem' }) as string);
    const keys = await loadOrGenerateSigningKeys({
      alg: 'PS256',
      keyFiles: [a, { path: b, kid: 'old' }],
      dataDir: dir,
      log,
    });
    assert.deepEqual(
      keys.map((k) => k.kid),
      ['a', 'old'],
    );
    await assert.rejects(
      loadOrGenerateSigningKeys({ alg: 'PS256', keyFiles: [a, a], dataDir: dir, log }),
      rejectsWith('duplicate_kid'),
    );
  });

  for (const [alg, type] of [
    ['RS256', 'rsa'],
    ['PS256', 'rsa'],
    ['ES256', 'ec'],
    ['EdDSA', 'ed25519'],
  ] as const) {
    it(`generates one ${alg} key with mode 0600, then reuses it`, async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'sesame-data-'));
      try {
        const warnings: unknown[] = [];
        const spy = pino(
          { level: 'warn' },
          { write: (line: string) => void warnings.push(JSON.parse(line)) },
        );
        const [first, ...rest] = await loadOrGenerateSigningKeys({ alg, keyFiles: [], dataDir, log: spy });
        assert.equal(rest.length, 0);
        assert.equal(first?.privateKey.asymmetricKeyType, type);
        assert.equal(warnings.length, 1, 'warns that a generated key is in use');

        const file = join(dataDir, 'keys', `signing-${alg}.pem`);
        assert.equal((await stat(file)).mode & 0o777, 0o600);
        assert.equal((await stat(join(dataDir, 'keys'))).mode & 0o777, 0o700);
        assert.deepEqual(await readdir(join(dataDir, 'keys')), [`signing-${alg}.pem`]);

        const [again] = await loadOrGenerateSigningKeys({ alg, keyFiles: [], dataDir, log });
        assert.equal(again?.kid, first?.kid);
        const jwk = async (k: typeof first) => (await buildJwks([k!])).keys[0];
        assert.deepEqual(await jwk(again), await jwk(first));
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  }

  it('keeps the kid of a generated key listed in signing.keys, where it lies or copied elsewhere', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sesame-data-'));
    try {
      const [generated] = await loadOrGenerateSigningKeys({ alg: 'RS256', keyFiles: [], dataDir, log });
      const inPlace = join(dataDir, 'keys', 'signing-RS256.pem');
      const [listed] = await loadOrGenerateSigningKeys({ alg: 'RS256', keyFiles: [inPlace], dataDir, log });
      assert.equal(listed?.kid, generated?.kid, 'listed where it lies');
      const copy = join(dir, 'signing-RS256.pem');
      await writeFile(copy, (generated?.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string) ?? '');
      const [copied] = await loadOrGenerateSigningKeys({ alg: 'RS256', keyFiles: [copy], dataDir: dir, log });
      assert.equal(copied?.kid, generated?.kid, 'copied elsewhere');
      const [named] = await loadOrGenerateSigningKeys({
        alg: 'RS256',
        keyFiles: [{ path: copy, kid: 'chosen' }],
        dataDir: dir,
        log,
      });
      assert.equal(named?.kid, 'chosen', 'an explicit kid still wins');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('leaves one key when two instances sharing a data directory start together', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sesame-data-'));
    try {
      const start = () => loadOrGenerateSigningKeys({ alg: 'ES256', keyFiles: [], dataDir, log });
      const [[a], [b]] = await Promise.all([start(), start()]);
      assert.equal(a?.kid, b?.kid);
      assert.deepEqual(await readdir(join(dataDir, 'keys')), ['signing-ES256.pem']);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
