import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { pino, type Logger } from 'pino';
import type { Config, SigningAlg } from '../config/types.js';
import { ManualClock } from '../lib/clock.js';
import { createMemoryStorage } from '../storage/memory/memory-storage.js';
import { createPostgresStorage } from '../storage/postgres/postgres-storage.js';
import { openTestSchemas } from '../storage/postgres/test-database.js';
import { StorageError, type GeneratedKeyStore, type Storage } from '../storage/types.js';
import { generatePrivateKey } from './generated-key.js';
import { buildJwks } from './jwks.js';
import { KeyRing } from './key-ring.js';
import { loadOrGenerateSigningKeys, SigningKeyError } from './keys.js';
import { SealedKeyError } from './sealed-key.js';
import { sharedKeyStorageFor, type SharedKeyStorage } from './shared-signing-key.js';
import type { SigningKey } from './types.js';

const silent = pino({ level: 'silent' });
const clock = new ManualClock();

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

function capturingLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino(
    { level: 'debug' },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  return { log, lines };
}

const dirs: string[] = [];
const dataDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'sesame-shared-key-'));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** One instance's start with no key files and the key shared through `store`. */
async function startInstance(options: {
  store: GeneratedKeyStore;
  secret: Uint8Array;
  dataDir: string;
  alg?: SigningAlg;
  log?: Logger;
}): Promise<SigningKey> {
  const ring = await KeyRing.open({
    store: options.store,
    secret: options.secret,
    clock,
    alg: options.alg ?? 'ES256',
    dataDir: options.dataDir,
    log: options.log ?? silent,
    keepForMs: 60_000,
  });
  const { signer, verification } = ring.current();
  assert.deepEqual(
    verification.map((k) => k.kid),
    [signer.kid],
  );
  return signer;
}

/** The first key stored for `alg`, or null. */
const firstStored = async (store: GeneratedKeyStore, alg: string) => (await store.list(alg))[0] ?? null;

const jwk = async (key: SigningKey) => (await buildJwks([key])).keys[0];

describe('a generated signing key shared through storage', () => {
  let storage: Storage;
  beforeEach(() => {
    storage = createMemoryStorage();
  });

  for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA'] as const) {
    it(`gives two instances with their own data directories and one secret the same ${alg} key`, async () => {
      const secret = randomBytes(32);
      const { log, lines } = capturingLog();
      const store = storage.generatedKeys;
      const [dirA, dirB] = [await dataDir(), await dataDir()];
      const a = await startInstance({ store, secret, dataDir: dirA, alg, log });
      const b = await startInstance({ store, secret, dataDir: dirB, alg });
      assert.equal(b.kid, a.kid);
      assert.deepEqual(await jwk(b), await jwk(a));
      assert.equal((await firstStored(store, alg))?.kid, a.kid);
      for (const dir of [dirA, dirB])
        assert.equal(await exists(join(dir, 'keys')), false, 'no key file written');

      const kid = a.kid;
      assert.ok(
        lines.some((l) => l.level === 30 && l.msg === 'generated a new signing key' && l['kid'] === kid),
      );
      assert.ok(
        lines.some(
          (l) =>
            l.level === 30 && l.msg === 'set provider signing key' && l['id'] === kid && l['method'] === alg,
        ),
      );
      assert.ok(
        lines.some((l) => l.level === 40 && l.msg.startsWith('using a generated signing key')),
        'still warns that a generated key is in use',
      );
    });
  }

  it('leaves one key when two instances start together', async () => {
    const secret = randomBytes(32);
    const starts = [await dataDir(), await dataDir()].map((dir) =>
      startInstance({ store: storage.generatedKeys, secret, dataDir: dir, alg: 'RS256' }),
    );
    const [a, b] = await Promise.all(starts);
    assert.equal(a?.kid, b?.kid);
    assert.equal((await firstStored(storage.generatedKeys, 'RS256'))?.kid, a?.kid);
  });

  it('refuses to start with another secret than the one that stored the key, saying what to fix', async () => {
    await startInstance({ store: storage.generatedKeys, secret: randomBytes(32), dataDir: await dataDir() });
    await assert.rejects(
      startInstance({ store: storage.generatedKeys, secret: randomBytes(32), dataDir: await dataDir() }),
      (error: unknown) => {
        assert.ok(error instanceof SealedKeyError, String(error));
        assert.equal(error.code, 'wrong_secret');
        assert.match(error.message, /encryption secret differs from the one that stored the key/);
        assert.match(error.message, /Every instance sharing the storage needs the same secret/);
        return true;
      },
    );
  });

  it("imports an upgraded instance's data-directory key with its kid, for every instance", async () => {
    const secret = randomBytes(32);
    const dirA = await dataDir();
    // Before the upgrade: the key lived in A's data directory.
    const [before] = await loadOrGenerateSigningKeys({
      alg: 'ES256',
      keyFiles: [],
      dataDir: dirA,
      log: silent,
    });
    const { log, lines } = capturingLog();
    const a = await startInstance({ store: storage.generatedKeys, secret, dataDir: dirA, log });
    assert.equal(a.kid, before?.kid);
    assert.deepEqual(await jwk(a), await jwk(before!));
    assert.ok(
      lines.some((l) => l.msg === "stored the data directory's signing key, to be shared through storage"),
      JSON.stringify(lines),
    );
    const b = await startInstance({ store: storage.generatedKeys, secret, dataDir: await dataDir() });
    assert.equal(b.kid, before?.kid);
  });

  it("signs with the stored key, not a data directory's own, once one is stored", async () => {
    const secret = randomBytes(32);
    const a = await startInstance({ store: storage.generatedKeys, secret, dataDir: await dataDir() });
    const dirB = await dataDir();
    const [own] = await loadOrGenerateSigningKeys({ alg: 'ES256', keyFiles: [], dataDir: dirB, log: silent });
    const b = await startInstance({ store: storage.generatedKeys, secret, dataDir: dirB });
    assert.notEqual(own?.kid, a.kid);
    assert.equal(b.kid, a.kid);
  });

  it('refuses a data-directory key that cannot sign the algorithm, naming the file', async () => {
    const dir = await dataDir();
    await mkdir(join(dir, 'keys'), { mode: 0o700 });
    const path = join(dir, 'keys', 'signing-ES256.pem');
    await writeFile(path, generatePrivateKey('EdDSA').export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
    await assert.rejects(
      startInstance({ store: storage.generatedKeys, secret: randomBytes(32), dataDir: dir }),
      (error: unknown) =>
        error instanceof SigningKeyError && error.code === 'alg_mismatch' && error.path === path,
    );
    assert.equal(await firstStored(storage.generatedKeys, 'ES256'), null);
  });

  it("passes on the storage's errors", async () => {
    const down = new StorageError('unavailable', 'database down');
    const store: GeneratedKeyStore = {
      list: () => Promise.reject(down),
      insertIfAbsent: () => Promise.reject(down),
      add: () => Promise.reject(down),
      retire: () => Promise.reject(down),
    };
    await assert.rejects(startInstance({ store, secret: randomBytes(32), dataDir: await dataDir() }), down);
  });
});

describe('where a generated signing key is kept', () => {
  const sharing: SharedKeyStorage = {
    store: createMemoryStorage().generatedKeys,
    secret: randomBytes(32),
    clock,
  };
  const configWith = (
    storage: Config['storage'],
    instanceSecret?: Config['instanceSecret'],
    keys: string[] = [],
  ): Pick<Config, 'signing' | 'storage' | 'instanceSecret' | 'dataDir'> => ({
    storage,
    instanceSecret,
    dataDir: '/var/lib/sesame',
    signing: { alg: 'RS256', keys },
  });
  const postgres: Config['storage'] = { kind: 'postgres', url: 'postgres://db.internal/sesame' };

  it('is storage on PostgreSQL with the data directory secret.key or an --encryption-secret file', () => {
    const { log, lines } = capturingLog();
    assert.equal(sharedKeyStorageFor(configWith(postgres), sharing, log), sharing);
    assert.equal(
      sharedKeyStorageFor(configWith(postgres, { kind: 'file', path: '/etc/secret' }), sharing, log),
      sharing,
    );
    assert.deepEqual(lines, []);
  });

  it('is storage with SQLite, whatever the secret, so that sesame keys can rotate it', () => {
    const { log, lines } = capturingLog();
    const sqlite = { kind: 'sqlite', path: '/var/lib/sesame/sesame.db' } as const;
    assert.equal(sharedKeyStorageFor(configWith(sqlite), sharing, log), sharing);
    assert.equal(sharedKeyStorageFor(configWith(sqlite, { kind: 'ephemeral' }), sharing, log), sharing);
    assert.deepEqual(lines, []);
  });

  it('is the data directory with memory storage, whose ring would not outlive the process', () => {
    const { log, lines } = capturingLog();
    assert.equal(sharedKeyStorageFor(configWith({ kind: 'memory' }), sharing, log), undefined);
    assert.deepEqual(lines, []);
  });

  it('is not used when key files are configured', () => {
    assert.equal(
      sharedKeyStorageFor(configWith(postgres, undefined, ['/etc/sesame/signing.pem']), sharing, silent),
      undefined,
    );
  });

  it('is the data directory on PostgreSQL with an ephemeral secret, with a warning that it is not shared', () => {
    const { log, lines } = capturingLog();
    assert.equal(sharedKeyStorageFor(configWith(postgres, { kind: 'ephemeral' }), sharing, log), undefined);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.level, 40);
    assert.match(lines[0]?.msg ?? '', /instances sharing the database will not share it/);
    assert.equal(lines[0]?.['path'], '/var/lib/sesame/keys/signing-RS256.pem');
  });
});

const schemas = await openTestSchemas();

if ('skip' in schemas) {
  describe('a generated signing key shared through PostgreSQL', { skip: schemas.skip }, () => {});
} else {
  after(() => schemas.dropAll());

  describe('a generated signing key shared through PostgreSQL', () => {
    it('is one key for two instances with their own pools and data directories', async () => {
      const { url } = await schemas.create();
      const [a, b] = [await createPostgresStorage(url), await createPostgresStorage(url)];
      try {
        const secret = randomBytes(32);
        const [keyA, keyB] = await Promise.all([
          startInstance({ store: a.generatedKeys, secret, dataDir: await dataDir(), alg: 'PS256' }),
          startInstance({ store: b.generatedKeys, secret, dataDir: await dataDir(), alg: 'PS256' }),
        ]);
        assert.equal(keyA.kid, keyB.kid);
        assert.deepEqual(await jwk(keyA), await jwk(keyB));
        await assert.rejects(
          startInstance({
            store: b.generatedKeys,
            secret: randomBytes(32),
            dataDir: await dataDir(),
            alg: 'PS256',
          }),
          (error: unknown) => error instanceof SealedKeyError && error.code === 'wrong_secret',
        );
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}
