// The harness's pure parts: the command line, the medians and the Markdown marking of failures.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError, parseCommand } from '../../bench/cli-options.js';
import { markdownReport } from '../../bench/report.js';
import type { BenchResult, RunRecord } from '../../bench/result-types.js';
import { median } from '../../bench/stats.js';
import { summarise } from '../../bench/summarise.js';
import { allTargets } from '../../bench/targets/registry.js';

function run(target: string, round: number, flowsPerSecond: number, failed = 0): RunRecord {
  return {
    round,
    target,
    error: null,
    succeeded: 100,
    failed,
    seconds: 1,
    flowsPerSecond,
    failures: failed > 0 ? [{ message: 'token at A answered 400: invalid_grant', count: failed }] : [],
    warmup: { succeeded: 10, failed: 0 },
    signInSeconds: 0.5,
    rssMiB: { A: 100 + round },
    cpu: { all: 1.5, groups: { sesame: 0.9, load: 0.3, postgres: 0.1 }, other: 0.2 },
    quiet: { quiet: true, waitedSeconds: 1, busyCores: 0.1, loadavg: [0.5, 0.4, 0.3] },
  };
}

describe('the benchmark harness’s report', () => {
  it('takes the median of the rounds and the ratio to SQLite', () => {
    const targets = allTargets.filter((t) => t.id === 'sqlite' || t.id === 'postgres-1');
    const [sqlite, postgres] = summarise(targets, [
      run('sqlite', 1, 300),
      run('postgres-1', 1, 90),
      run('sqlite', 2, 100),
      run('postgres-1', 2, 150),
      run('sqlite', 3, 200),
      run('postgres-1', 3, 100),
    ]);
    assert.deepEqual(sqlite?.flowsPerSecond, { median: 200, min: 100, max: 300 });
    assert.equal(sqlite?.ratioToSqlite, 1);
    assert.equal(postgres?.ratioToSqlite, 0.5);
    assert.deepEqual(postgres?.rssMiB, { A: 102 });
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });

  it('marks a target whose flows failed, and lists the failures', () => {
    const targets = allTargets.filter((t) => t.id === 'sqlite');
    const runs = [run('sqlite', 1, 300, 3)];
    const result: BenchResult = {
      format: 'sesame-bench/1',
      scenario: 'sso-flow',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:01:00.000Z',
      settings: {
        rounds: 1,
        concurrency: 16,
        flows: 100,
        seconds: 10,
        warmupFlows: 10,
        alg: 'RS256',
        targets: ['sqlite'],
        quietWaitSeconds: 20,
        quietThresholdCores: 0.3,
        serverCode: 'sources',
      },
      machine: {
        cpuModel: 'Test CPU',
        cores: 2,
        memoryMiB: 1024,
        os: 'Linux',
        node: 'v20',
        loadavgAtStart: [0, 0, 0],
        postgres: null,
      },
      pinning: { serverCpu: 0, loadCpu: 1, note: 'pinned' },
      targets: summarise(targets, runs),
      skipped: [{ id: 'postgres-1', label: 'Sesame, PostgreSQL ×1', reason: 'not reachable' }],
      runs,
    };
    const markdown = markdownReport(result);
    assert.match(markdown, /\| Sesame, SQLite ⚠ \*\*has failures\*\* \| 300\.0 \|/);
    assert.match(markdown, /3× token at A answered 400: invalid_grant/);
    assert.match(markdown, /\*\*Skipped\*\* Sesame, PostgreSQL ×1: not reachable/);
  });

  it('reports every problem of a command line at once', () => {
    assert.throws(
      () => parseCommand(['--rounds=0', '--alg=HS256', '--targets=sqlite,nope'], '/tmp/out'),
      (error: unknown) =>
        error instanceof UsageError &&
        /--rounds/.test(error.message) &&
        /--alg/.test(error.message) &&
        /unknown target "nope"/.test(error.message),
    );
    const command = parseCommand(['--flows=10', '--no-pin'], '/tmp/out');
    assert.equal(command.kind, 'harness');
    if (command.kind === 'harness') {
      assert.equal(command.options.bounds.flows, 10);
      assert.equal(command.options.pin, false);
      assert.deepEqual(command.options.targets, ['sqlite', 'postgres-1', 'postgres-2']);
      assert.equal(command.out, '/tmp/out');
    }
  });
});
