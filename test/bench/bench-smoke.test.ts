// Runs the benchmark harness (`npm run bench`) with tiny counts so that it cannot rot: it must
// complete, every flow must succeed, and the JSON must have its documented shape. Timings are
// never asserted.
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

  it('runs the SSO flow against SQLite and one PostgreSQL instance, every flow succeeding', async () => {
    const unreachable = await postgresUnreachable(TEST_POSTGRES_URL);
    if (unreachable !== null && process.env.CI === 'true') assert.fail(`CI needs PostgreSQL: ${unreachable}`);
    const dir = await mkdtemp(join(tmpdir(), 'sesame-bench-smoke-'));
    dirs.push(dir);
    const out = join(dir, 'result');
    const run = await runBench([
      '--rounds=1',
      '--concurrency=2',
      '--flows=6',
      '--seconds=20',
      '--warmup=2',
      '--quiet-wait=0',
      '--targets=sqlite,postgres-1',
      `--postgres=${TEST_POSTGRES_URL}`,
      `--out=${out}`,
    ]);
    assert.equal(run.code, 0, `bench failed:\n${run.stderr}\n${run.stdout}`);

    const result = JSON.parse(await readFile(`${out}.json`, 'utf8')) as BenchResult;
    assert.equal(result.format, 'sesame-bench/1');
    assert.equal(result.scenario, 'sso-flow');
    const ran = unreachable === null ? ['sqlite', 'postgres-1'] : ['sqlite'];
    assert.deepEqual(
      result.targets.map((t) => t.id),
      ran,
    );
    assert.deepEqual(
      result.skipped.map((s) => s.id),
      unreachable === null ? [] : ['postgres-1'],
    );
    assert.equal(result.runs.length, ran.length);
    for (const run of result.runs) {
      assert.equal(run.error, null, `${run.target}: ${run.error}`);
      assert.equal(run.failed, 0, `${run.target}: ${JSON.stringify(run.failures)}`);
      assert.equal(run.warmup.failed, 0);
      assert.equal(run.succeeded, 6);
      assert.equal(typeof run.flowsPerSecond, 'number');
      assert.deepEqual(Object.keys(run.rssMiB), ['A']);
      assert.ok(run.quiet, 'the machine was looked at before the run');
    }
    for (const target of result.targets) {
      assert.equal(target.failedFlows, 0);
      assert.equal(target.failedRuns, 0);
      assert.equal(typeof target.flowsPerSecond?.median, 'number');
      assert.equal(typeof target.spread, 'string');
    }
    assert.equal(result.targets[0]?.ratioToSqlite, 1);
    assert.equal(typeof result.machine.cores, 'number');
    assert.equal(typeof result.pinning.note, 'string');

    const markdown = await readFile(`${out}.md`, 'utf8');
    for (const target of result.targets) assert.ok(markdown.includes(`| ${target.label} |`), target.label);
    assert.ok(run.stdout.includes('| target | flows/s (median) |'), 'the table is printed');
  });
});
