import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/log.js';
import { freePort } from '../helpers/sesame-process.js';

const repo = resolve(import.meta.dirname, '../..');
const entry = join(repo, 'test/konnectd/run-konnectd.ts');
const tsx = import.meta.resolve('tsx');

/** Runs `konnectd <args>` to completion. */
async function konnectd(args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  const child = spawn(process.execPath, ['--import', tsx, entry, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));
  return { code, stderr };
}

/** True once src/log.ts writes logfmt for `log.format: text`. */
function textLogsSupported(): boolean {
  let out = '';
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => ((out += chunk.toString()), done()) });
  createLogger({ log: { level: 'info', format: 'text' } }, sink).info('probe');
  return /level=info msg=("probe"|probe)/.test(out);
}

const pem = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs1',
    format: 'pem',
  }) as string;

describe('konnectd serve --config konnectd.cfg builtin', () => {
  let dir: string;
  let port: number;
  let issuer: string;
  let child: ChildProcess;
  let log = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sesame-konnectd-e2e-'));
    port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    await mkdir(join(dir, 'konnectkeys'));
    await mkdir(join(dir, 'validation'));
    await writeFile(join(dir, 'konnectkeys', 'konnect-20200312-ab12.pem'), pem(), { mode: 0o600 });
    await symlink(
      join(dir, 'konnectkeys', 'konnect-20200312-ab12.pem'),
      join(dir, 'konnectd-signing-private-key.pem'),
    );
    await writeFile(join(dir, 'validation', 'konnect-20190101-old1.pem'), pem());
    await writeFile(join(dir, 'konnectd-encryption-secret.key'), Buffer.alloc(32, 1), { mode: 0o600 });
    await writeFile(
      join(dir, 'identifier-registration.yaml'),
      `clients:\n  - id: wiki\n    secret: wiki-secret\n    trusted: yes\n    redirect_uris: [${issuer}/cb]\n`,
    );
    await writeFile(
      join(dir, 'konnectd.cfg'),
      [
        '# written like the packaged sample',
        `oidc_issuer_identifier = ${issuer}`,
        `listen = 127.0.0.1:${port}`,
        `signing_private_key = ${join(dir, 'konnectd-signing-private-key.pem')}`,
        `validation_keys_path = "${join(dir, 'validation')}"`,
        `encryption_secret_key=${join(dir, 'konnectd-encryption-secret.key')}`,
        `identifier_registration_conf=${join(dir, 'identifier-registration.yaml')}`,
        `data_dir=${join(dir, 'data')}`,
        'log_level=debug',
        '',
      ].join('\n'),
    );
    child = spawn(
      process.execPath,
      ['--import', tsx, entry, 'serve', '--config', 'konnectd.cfg', '--log-timestamp=false', 'builtin'],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, OIDC_ISSUER_IDENTIFIER: '', KONNECTD_LISTEN: '' },
      },
    );
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`konnectd exited:\n${log}`);
      if (Date.now() > deadline) throw new Error(`konnectd did not start:\n${log}`);
      const ok = await fetch(`${issuer}/health-check`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    if (child?.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers /health-check and discovery for the cfg issuer', async () => {
    assert.equal((await fetch(`${issuer}/health-check`)).status, 200);
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(discovery.issuer, issuer);
    assert.deepEqual(discovery.id_token_signing_alg_values_supported, ['PS256', 'none']);
  });

  it('publishes the signing key under its file name behind the symlink, and the validation key', async () => {
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
      jwks_uri: string;
    };
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: { kid: string; d?: string }[] };
    assert.deepEqual(
      jwks.keys.map((k) => k.kid),
      ['konnect-20200312-ab12', 'konnect-20190101-old1'],
    );
    assert.ok(jwks.keys.every((k) => k.d === undefined));
  });

  it('passes `konnectd healthcheck` against it and fails against a closed port', async () => {
    assert.equal((await konnectd(['healthcheck', '--config', 'konnectd.cfg'], dir)).code, 0);
    assert.equal((await konnectd(['healthcheck', `--listen=127.0.0.1:${port}`], dir)).code, 0);
    const closed = await konnectd(
      ['healthcheck', '--url', `http://127.0.0.1:${await freePort()}/health-check`],
      dir,
    );
    assert.equal(closed.code, 1);
    assert.match(closed.stderr, /failed/);
  });

  it("logs start-up in Konnect's order", () => {
    const order = [
      'serve start',
      'loading encryption secret from file',
      'loading signing key',
      'loading validation keys',
      'set provider signing alg',
      'set provider signing key',
      'serve started',
      'starting http listener',
      'ready to handle requests',
    ];
    const positions = order.map((msg) => log.indexOf(msg));
    assert.ok(
      positions.every((p) => p >= 0),
      `missing messages in:\n${log}`,
    );
    assert.deepEqual(
      [...positions].sort((a, b) => a - b),
      positions,
    );
    if (textLogsSupported()) {
      assert.match(log, /^level=info msg="serve start"/m);
      assert.doesNotMatch(log, /^time=/m, '--log-timestamp=false leaves the time out');
    }
  });
});

describe('konnectd refusals', () => {
  it('exits 2 naming a flag Sesame does not support', async () => {
    const result = await konnectd(['serve', '--with-pprof', 'builtin'], tmpdir());
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Sesame does not support --with-pprof/);
  });
});
