import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { systemClock } from '../lib/clock.js';
import { loadConfiguredKeys } from './keys.js';
import { createTokenService } from './token-service.js';
import { loadValidationKeys, mergeValidationKeys, ValidationKeyError } from './validation-keys.js';

const log = pino({ level: 'silent' });
const ISSUER = 'https://id.example.com';
let dir: string;
const rsa = (): KeyObject => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const ec = (): KeyObject => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const pem = (key: KeyObject, type: 'pkcs1' | 'pkcs8' | 'sec1' = 'pkcs8') =>
  key.export({ type, format: 'pem' }) as string;
const lifetimes = { accessToken: 600, idToken: 3600 };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-validation-keys-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const path = join(dir, name);
  await mkdir(path, { recursive: true });
  for (const [file, content] of Object.entries(files)) await writeFile(join(path, file), content);
  return path;
}

describe('validation keys (konnect-spec §3.2)', () => {
  it('loads every *.pem and *.json with the file name as kid, not following symlinks for it', async () => {
    const old = rsa();
    const ecKey = ec();
    const jwk = { ...generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }), kid: 'ignored' };
    const path = await folder('mixed', {
      'konnect-20190101-aaaa.pem': pem(old, 'pkcs1'),
      'ec-public.pem': createPublicKey(ecKey).export({ type: 'spki', format: 'pem' }) as string,
      'sec1.pem': pem(ecKey, 'sec1'),
      'ed.json': JSON.stringify(jwk),
      'notes.txt': 'not a key',
    });
    await symlink(join(path, 'konnect-20190101-aaaa.pem'), join(path, 'current.pem'));
    await mkdir(join(path, 'directory.pem'));
    const keys = await loadValidationKeys(path, log);
    assert.deepEqual(
      keys.map((k) => k.kid),
      ['current', 'ec-public', 'ed', 'konnect-20190101-aaaa', 'sec1'],
    );
    assert.ok(keys.every((k) => k.publicKey.type === 'public'));
  });

  it('refuses a file it cannot use, naming it', async () => {
    const path = await folder('bad', { 'broken.pem': 'hello' });
    await assert.rejects(loadValidationKeys(path, log), (error: unknown) => {
      assert.ok(error instanceof ValidationKeyError);
      assert.match(error.message, /broken\.pem: not a usable key/);
      return true;
    });
    const weak = await folder('weak', {
      'small.pem': pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey),
    });
    await assert.rejects(loadValidationKeys(weak, log), /small\.pem: RSA key of 1024 bits/);
  });

  it('skips a key whose kid a signing key already has', async () => {
    const key = rsa();
    const signing = [{ kid: 'a', privateKey: key, publicKey: key, source: 'a.pem' }];
    const same = { kid: 'a', publicKey: key, source: 'dir/a.pem' };
    const other = { kid: 'a', publicKey: ec(), source: 'dir/a2.pem' };
    const fresh = { kid: 'b', publicKey: ec(), source: 'dir/b.pem' };
    assert.deepEqual(mergeValidationKeys(signing, [same, other, fresh], log), [fresh]);
  });
});

describe('configured keys: kid rules and the JWKS (konnect-spec §3.2, §3.3)', () => {
  let keysDir: string;
  let validationDir: string;
  let oldKey: KeyObject;
  before(async () => {
    keysDir = await folder('konnectkeys', { 'konnect-20200312-ab12.pem': pem(rsa(), 'pkcs1') });
    await symlink(join(keysDir, 'konnect-20200312-ab12.pem'), join(dir, 'konnectd-signing-private-key.pem'));
    oldKey = rsa();
    validationDir = await folder('validation', { 'konnect-20190101-old1.pem': pem(oldKey) });
  });

  it('names the signing key after its file behind the symlink and publishes validation keys', async () => {
    const keys = await loadConfiguredKeys(
      {
        dataDir: dir,
        signing: {
          alg: 'PS256',
          keys: [join(dir, 'konnectd-signing-private-key.pem')],
          validationKeysPath: validationDir,
        },
      },
      log,
    );
    assert.deepEqual(
      keys.signing.map((k) => k.kid),
      ['konnect-20200312-ab12'],
    );
    assert.deepEqual(
      keys.validation.map((k) => k.kid),
      ['konnect-20190101-old1'],
    );
    assert.ok(keys.validation.every((k) => !('privateKey' in k)));

    const tokens = await createTokenService({
      issuer: ISSUER,
      keys: keys.signing,
      validationKeys: keys.validation,
      alg: 'PS256',
      lifetimes,
      clock: systemClock,
    });
    assert.deepEqual(
      tokens.jwks().keys.map((k) => k.kid),
      ['konnect-20200312-ab12', 'konnect-20190101-old1'],
    );
    assert.ok(tokens.jwks().keys.every((k) => !('d' in k)));

    // An ID token signed by the old key (e.g. by Konnect before the switch) is a valid hint.
    const old = await new SignJWT({ sub: 'alice', aud: 'client' })
      .setProtectedHeader({ alg: 'PS256', kid: 'konnect-20190101-old1', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(oldKey);
    assert.deepEqual(await tokens.verifyIdTokenHint(old), { sub: 'alice', aud: 'client', sid: null });
  });

  it('accepts access tokens signed by a validation key', async () => {
    const signingDir = await folder('previous', { 'prev.pem': pem(oldKey) });
    const previous = await loadConfiguredKeys(
      { dataDir: dir, signing: { alg: 'PS256', keys: [join(signingDir, 'prev.pem')] } },
      log,
    );
    const before = await createTokenService({
      issuer: ISSUER,
      keys: previous.signing,
      alg: 'PS256',
      lifetimes,
      clock: systemClock,
    });
    const token = await before.mintAccessToken({
      sub: 'alice',
      clientId: 'client',
      scopes: ['openid'],
      grantId: 'g1',
    });

    const now = await loadConfiguredKeys(
      {
        dataDir: dir,
        signing: {
          alg: 'PS256',
          keys: [join(keysDir, 'konnect-20200312-ab12.pem')],
          validationKeysPath: signingDir,
        },
      },
      log,
    );
    const after = await createTokenService({
      issuer: ISSUER,
      keys: now.signing,
      validationKeys: now.validation,
      alg: 'PS256',
      lifetimes,
      clock: systemClock,
    });
    assert.equal((await after.verifyAccessToken(token)).grantId, 'g1');
    const without = await createTokenService({
      issuer: ISSUER,
      keys: now.signing,
      alg: 'PS256',
      lifetimes,
      clock: systemClock,
    });
    await assert.rejects(without.verifyAccessToken(token), /unknown signing key/);
  });

  it('signs under --signing-kid and keeps the file-derived kid published', async () => {
    const keys = await loadConfiguredKeys(
      {
        dataDir: dir,
        signing: {
          alg: 'PS256',
          keys: [join(dir, 'konnectd-signing-private-key.pem')],
          kid: 'mykid',
          validationKeysPath: keysDir,
        },
      },
      log,
    );
    assert.deepEqual(
      keys.signing.map((k) => k.kid),
      ['mykid'],
    );
    // The key directory holds the signing key itself: published once under its file name.
    assert.deepEqual(
      keys.validation.map((k) => k.kid),
      ['konnect-20200312-ab12'],
    );
    const tokens = await createTokenService({
      issuer: ISSUER,
      keys: keys.signing,
      validationKeys: keys.validation,
      alg: 'PS256',
      lifetimes,
      clock: systemClock,
    });
    const idToken = await tokens.mintIdToken({
      sub: 's',
      aud: 'c',
      authTime: 1,
      nonce: null,
      sid: null,
      accessToken: null,
    });
    const header = JSON.parse(Buffer.from(idToken.split('.')[0] as string, 'base64url').toString()) as {
      kid: string;
    };
    assert.equal(header.kid, 'mykid');
    assert.deepEqual(
      tokens.jwks().keys.map((k) => k.kid),
      ['mykid', 'konnect-20200312-ab12'],
    );
  });
});
