// Runs the benchmark harness (`npm run bench`) with tiny counts so that it cannot rot: every
// scenario against Sesame, the peer (oidc-provider) and the limits must complete, every request
// must succeed, and the JSON must have its documented shape. Timings are never asserted.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchResult } from '../../bench/result-types.js';
import { postgresUnreachable } from '../../bench/targets/postgres.js';
import { TEST_POSTGRES_URL } from '../../src/storage/postgres/test-database.js';

const repo = resolve(import.meta.dirname, '../..');
const tsx = import.meta.resolve('tsx');

async function runBench(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', tsx, join(repo, 'bench/run.ts'), ...args], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));
  return { code, stdout, stderr };
}

describe('the benchmark harness, with tiny counts', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('runs every scenario against Sesame, the peer and the limits, every request succeeding', async () => {
    const unreachable = await postgresUnreachable(TEST_POSTGRES_URL);
    if (unreachable !== null && process.env.CI === 'true') assert.fail(`CI needs PostgreSQL: ${unreachable}`);
    const dir = await mkdtemp(join(tmpdir(), 'sesame-bench-smoke-'));
    dirs.push(dir);
    const out = join(dir, 'result');
    const run = await runBench([
      '--rounds=1',
      '--concurrency=2',
      '--requests=6',
      '--flows=4',
      '--seconds=20',
      '--warmup=2',
      '--quiet-wait=0',
      '--limit-seconds=0.2',
      '--targets=sqlite,postgres-1,sqlite-cheap-hash,oidc-provider,fastify-hello',
      `--postgres=${TEST_POSTGRES_URL}`,
      `--out=${out}`,
    ]);
    assert.equal(run.code, 0, `bench failed:\n${run.stderr}\n${run.stdout}`);

    const result = JSON.parse(await readFile(`${out}.json`, 'utf8')) as BenchResult;
    assert.equal(result.format, 'sesame-bench/2');
    const ran =
      unreachable === null
        ? ['sqlite', 'postgres-1', 'sqlite-cheap-hash', 'oidc-provider', 'fastify-hello']
        : ['sqlite', 'sqlite-cheap-hash', 'oidc-provider', 'fastify-hello'];
    assert.deepEqual(
      result.targets.map((t) => t.id),
      ran,
    );
    assert.deepEqual(
      result.skipped.map((s) => s.id),
      unreachable === null ? [] : ['postgres-1'],
    );
    const everyScenario = [
      'discovery',
      'jwks',
      'userinfo',
      'client-credentials',
      'code-exchange',
      'refresh',
      'sso-flow',
      'sign-in-flow',
    ];
    const expected: Record<string, string[]> = {
      sqlite: everyScenario,
      'postgres-1': ['sso-flow', 'sign-in-flow'],
      'sqlite-cheap-hash': ['sign-in-flow'],
      'oidc-provider': everyScenario,
      'fastify-hello': ['hello'],
    };
    for (const target of result.targets) {
      assert.deepEqual(
        target.scenarios.map((s) => s.scenario),
        expected[target.id],
        target.id,
      );
      assert.equal(target.failedStarts, 0, target.id);
      assert.equal(typeof target.coldStartMs, 'number', `${target.id} cold start`);
      assert.deepEqual(Object.keys(target.idleRssMiB), ['A']);
      for (const scenario of target.scenarios) {
        assert.equal(scenario.failed, 0, `${target.id} ${scenario.scenario}`);
        assert.equal(scenario.failedRuns, 0, `${target.id} ${scenario.scenario}`);
        assert.equal(typeof scenario.perSecond?.median, 'number');
      }
    }
    assert.equal(
      result.runs.length,
      ran.reduce((count, id) => count + expected[id]!.length, 0),
    );
    for (const run of result.runs) {
      const where = `${run.target} ${run.scenario}`;
      assert.equal(run.error, null, `${where}: ${run.error}`);
      assert.equal(run.failed, 0, `${where}: ${JSON.stringify(run.failures)}`);
      assert.equal(run.warmup.failed, 0, where);
      assert.equal(
        run.succeeded,
        ['sso-flow', 'sign-in-flow', 'code-exchange'].includes(run.scenario) ? 4 : 6,
        where,
      );
      assert.deepEqual(Object.keys(run.peakRssMiB), ['A'], where);
      assert.ok(run.quiet, 'the machine was looked at before the run');
    }
    // What the table states about the tokens is counted in the answers.
    const scenario = (target: string, id: string) =>
      result.targets.find((t) => t.id === target)?.scenarios.find((s) => s.scenario === id);
    assert.equal(scenario('sqlite', 'code-exchange')?.signaturesPerResponse, 2, 'access token and ID token');
    assert.equal(scenario('sqlite', 'refresh')?.rotates, true, 'Sesame rotates refresh tokens');
    assert.equal(scenario('oidc-provider', 'refresh')?.rotates, false, 'the peer keeps them, by default');
    assert.deepEqual(
      result.probes.map((p) => [p.probe, p.error]),
      [
        ['signing', null],
        ['argon2id', null],
      ],
    );
    for (const limit of ['hello', 'signing', 'argon2id'] as const)
      assert.equal(typeof result.limits[limit]?.median, 'number', limit);
    assert.deepEqual(
      result.comparison.map((row) => (row.variant ? `${row.scenario} ${row.variant}` : row.scenario)),
      [...everyScenario, 'sign-in-flow cheap-hash'],
    );
    for (const row of result.comparison) {
      assert.equal(typeof row.ratioToPeer, 'number', row.scenario);
      if (['userinfo', 'code-exchange', 'refresh', 'sign-in-flow'].includes(row.scenario) && !row.variant)
        assert.equal(typeof row.limit?.fraction, 'number', `${row.scenario} as a fraction of its limit`);
    }
    for (const parameter of ['m', 't', 'p'] as const)
      assert.equal(typeof result.settings.argon2[parameter], 'number', `argon2id ${parameter}`);
    assert.equal(typeof result.machine.oidcProvider, 'string');
    assert.equal(typeof result.pinning.note, 'string');

    const markdown = await readFile(`${out}.md`, 'utf8');
    assert.ok(markdown.includes('| start to first 200 from discovery, ms |'));
    assert.match(
      markdown,
      /full code flow with sign-in, flows\/s, cheap hash \(Sesame’s `passwords` setting at argon2id m=1024 KiB, t=1, p=1;/,
    );
    assert.ok(
      run.stdout.includes('| oidc-provider | Sesame, SQLite | Sesame/peer |'),
      'the table is printed',
    );
  });
});
