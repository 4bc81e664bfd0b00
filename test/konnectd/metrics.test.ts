// konnectd's `--with-metrics --metrics-listen`: the same metrics listener as `metrics.listen`,
// started from Konnect's flags.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/sesame-process.js';

const repo = resolve(import.meta.dirname, '../..');
const entry = join(repo, 'test/konnectd/run-konnectd.ts');
const tsx = import.meta.resolve('tsx');

describe('konnectd serve --with-metrics --metrics-listen', () => {
  let dir: string;
  let issuer: string;
  let metricsUrl: string;
  let child: ChildProcess;
  let log = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sesame-konnectd-metrics-'));
    const port = await freePort();
    const metricsPort = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const args = [
      'serve',
      `--iss=${issuer}`,
      `--listen=127.0.0.1:${port}`,
      '--with-metrics',
      '--metrics-listen',
      `127.0.0.1:${metricsPort}`,
      '--data-dir',
      join(dir, 'data'),
      '--log-timestamp=false',
      'builtin',
    ];
    child = spawn(process.execPath, ['--import', tsx, entry, ...args], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OIDC_ISSUER_IDENTIFIER: '', KONNECTD_LISTEN: '', KONNECTD_CONFIG: '' },
    });
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

  it('serves Prometheus metrics on the --metrics-listen address', async () => {
    await fetch(`${issuer}/.well-known/openid-configuration`);
    const response = await fetch(metricsUrl);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    assert.match(
      text,
      /^sesame_http_requests_total\{method="GET",route="\/health-check",status="200"\} [1-9]/m,
    );
    assert.match(
      text,
      /^sesame_http_requests_total\{method="GET",route="\/.well-known\/openid-configuration",status="200"\} 1$/m,
    );
    assert.match(text, /^sesame_process_resident_memory_bytes \d+/m);
    assert.match(log, /serving metrics at http:\/\/127\.0\.0\.1:\d+\/metrics/);
  });

  it('does not serve them on the public listener', async () => {
    assert.equal((await fetch(`${issuer}/metrics`)).status, 404);
  });
});
