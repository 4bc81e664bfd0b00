// The harness's pure parts: the command line, the medians, the comparison with the peer and the
// limits, and the Markdown marking of failures.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError, parseCommand } from '../../bench/cli-options.js';
import { markdownReport } from '../../bench/report.js';
import type { BenchResult, ProbeRecord, RunRecord, StartRecord } from '../../bench/result-types.js';
import type { ScenarioId } from '../../bench/scenarios/plan.js';
import { median } from '../../bench/stats.js';
import { summarise } from '../../bench/summarise.js';
import { allTargets } from '../../bench/targets/registry.js';

function run(
  target: string,
  scenario: ScenarioId,
  round: number,
  perSecond: number,
  extra: Partial<RunRecord> = {},
): RunRecord {
  const failed = extra.failed ?? 0;
  return {
    round,
    target,
    scenario,
    error: null,
    succeeded: 100,
    failed,
    seconds: 1,
    perSecond,
    failures: failed > 0 ? [{ message: 'token at A answered 400: invalid_grant', count: failed }] : [],
    signaturesPerResponse: null,
    rotates: null,
    warmup: { succeeded: 10, failed: 0 },
    prepareSeconds: 0.5,
    rssMiB: { A: 100 + round },
    peakRssMiB: { A: 110 + round },
    cpu: { all: 1.5, groups: { server: 0.9, load: 0.3, postgres: 0.1 }, other: 0.2 },
    quiet: { quiet: true, waitedSeconds: 1, busyCores: 0.1, loadavg: [0.5, 0.4, 0.3] },
    ...extra,
  };
}

function start(target: string, round: number, coldStartMs: number): StartRecord {
  return { round, target, error: null, coldStartMs, idleRssMiB: { A: 50 + round } };
}

function probe(name: ProbeRecord['probe'], round: number, perSecond: number): ProbeRecord {
  return { round, probe: name, error: null, operations: perSecond, seconds: 1, perSecond, quiet: null };
}

const targetsOf = (...ids: string[]) => allTargets.filter((t) => ids.includes(t.id));

describe('the benchmark harness’s report', () => {
  it('takes the median of the rounds, the ratio to the peer and the fraction of the limit', () => {
    const refresh = { signaturesPerResponse: 2, rotates: true };
    const summary = summarise(
      targetsOf('sqlite', 'oidc-provider', 'fastify-hello'),
      [
        run('sqlite', 'refresh', 1, 300, refresh),
        run('sqlite', 'refresh', 2, 100, refresh),
        run('sqlite', 'refresh', 3, 200, refresh),
        run('oidc-provider', 'refresh', 1, 400, { signaturesPerResponse: 1, rotates: false }),
        run('sqlite', 'userinfo', 1, 500),
        run('oidc-provider', 'userinfo', 1, 250),
        run('fastify-hello', 'hello', 1, 1000),
      ],
      [start('sqlite', 1, 900), start('sqlite', 2, 700), start('sqlite', 3, 800)],
      [probe('signing', 1, 800), probe('signing', 2, 1000), probe('argon2id', 1, 40)],
    );
    const sqlite = summary.targets.find((t) => t.id === 'sqlite');
    const refreshSummary = sqlite?.scenarios.find((s) => s.scenario === 'refresh');
    assert.deepEqual(refreshSummary?.perSecond, { median: 200, min: 100, max: 300 });
    assert.equal(refreshSummary?.rotates, true);
    assert.equal(sqlite?.coldStartMs, 800);
    assert.deepEqual(sqlite?.idleRssMiB, { A: 52 });
    assert.deepEqual(sqlite?.loadRssMiB, { A: 112 });
    assert.deepEqual(summary.limits.signing, { median: 900, min: 800, max: 1000 });
    const row = summary.comparison.find((r) => r.scenario === 'refresh');
    assert.equal(row?.ratioToPeer, 0.5);
    // Signing 900/s on one core ÷ 2 signed tokens per response: a bound of 450 refreshes/s.
    assert.deepEqual(row?.limit, { name: 'signing ÷ 2', value: 450, fraction: 0.44 });
    const userinfo = summary.comparison.find((r) => r.scenario === 'userinfo');
    assert.equal(userinfo?.ratioToPeer, 2);
    assert.deepEqual(userinfo?.limit, { name: 'Fastify hello', value: 1000, fraction: 0.5 });
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });

  it('puts the flow with the cheap-hash setting beside the peer’s, under the flow with argon2id', () => {
    const summary = summarise(
      targetsOf('sqlite', 'sqlite-cheap-hash', 'oidc-provider'),
      [
        run('sqlite', 'sign-in-flow', 1, 60),
        run('sqlite', 'sso-flow', 1, 500),
        run('sqlite-cheap-hash', 'sign-in-flow', 1, 300),
        run('oidc-provider', 'sign-in-flow', 1, 600),
      ],
      [],
      [probe('argon2id', 1, 120)],
    );
    assert.deepEqual(
      summary.comparison.map((r) => [r.scenario, r.variant ?? null, r.sesame, r.peer, r.ratioToPeer]),
      [
        ['sign-in-flow', null, 60, 600, 0.1],
        ['sign-in-flow', 'cheap-hash', 300, 600, 0.5],
        ['sso-flow', null, 500, null, null],
      ],
    );
    assert.equal(summary.comparison[1]?.limit, null, 'no argon2id limit at other parameters');
    assert.equal(summary.comparison[0]?.limit?.fraction, 0.5);
  });

  it('marks a target whose requests failed, and lists the failures', () => {
    const runs = [run('sqlite', 'sso-flow', 1, 300, { failed: 3 })];
    const starts = [start('sqlite', 1, 800)];
    const result: BenchResult = {
      format: 'sesame-bench/2',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:01:00.000Z',
      settings: {
        rounds: 1,
        concurrency: 16,
        requests: 1000,
        flows: 100,
        seconds: 10,
        warmup: 10,
        alg: 'RS256',
        targets: ['sqlite'],
        scenarios: ['sso-flow'],
        limitSeconds: 1,
        argon2: { m: 19456, t: 2, p: 1 },
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
        oidcProvider: '9.13.3',
        fastify: '5.0.0',
      },
      pinning: { serverCpu: 0, loadCpu: 1, note: 'pinned' },
      ...summarise(targetsOf('sqlite'), runs, starts, []),
      skipped: [{ id: 'postgres-1', label: 'Sesame, PostgreSQL ×1', reason: 'not reachable' }],
      runs,
      starts,
      probes: [],
    };
    const markdown = markdownReport(result);
    assert.match(markdown, /\| Sesame, SQLite ⚠ \*\*has failures\*\* \| sso-flow \| 300\.0 \|/);
    assert.match(markdown, /3× token at A answered 400: invalid_grant/);
    assert.match(markdown, /\*\*Skipped\*\* Sesame, PostgreSQL ×1: not reachable/);
    assert.match(markdown, /argon2id hashes\/s \(m=19456 KiB, t=2, p=1\)/);
  });

  it('reports every problem of a command line at once', () => {
    assert.throws(
      () =>
        parseCommand(
          ['--rounds=0', '--alg=HS256', '--targets=sqlite,nope', '--scenarios=jwks,nah'],
          '/tmp/out',
        ),
      (error: unknown) =>
        error instanceof UsageError &&
        /--rounds/.test(error.message) &&
        /--alg/.test(error.message) &&
        /unknown target "nope"/.test(error.message) &&
        /unknown scenario "nah"/.test(error.message),
    );
    const command = parseCommand(['--flows=10', '--no-pin', '--scenarios=jwks,refresh'], '/tmp/out');
    assert.equal(command.kind, 'harness');
    if (command.kind === 'harness') {
      assert.equal(command.options.bounds.flows, 10);
      assert.equal(command.options.pin, false);
      assert.deepEqual(command.options.targets, [
        'sqlite',
        'postgres-1',
        'postgres-2',
        'sqlite-cheap-hash',
        'oidc-provider',
        'fastify-hello',
      ]);
      assert.deepEqual(command.options.scenarios, ['jwks', 'refresh']);
      assert.equal(command.out, '/tmp/out');
    }
  });
});
