import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SigningAlg } from '../src/config/types.js';
import { LIMIT_PROBES, sesameArgon2Parameters } from './limits/probes.js';
import { machineInfo } from './machine/info.js';
import { planPinning } from './machine/pinning.js';
import { errorText, notMade, probeOnce, rssOf, runScenario, type Context } from './measure.js';
import type { BenchResult, ProbeRecord, RunRecord, StartRecord } from './result-types.js';
import type { LoadBounds, ScenarioId } from './scenarios/plan.js';
import { summarise } from './summarise.js';
import { oidcProviderVersion } from './targets/oidc-provider.js';
import { postgresVersion } from './targets/postgres.js';
import { allTargets } from './targets/registry.js';
import { writeSigningKey } from './targets/signing-key.js';
import type { RunningTarget, ServerCode, Target, TargetSettings } from './targets/types.js';

export interface HarnessOptions {
  readonly rounds: number;
  readonly bounds: LoadBounds;
  readonly alg: SigningAlg;
  /** Target ids, in the order of the first round. */
  readonly targets: readonly string[];
  /** The scenarios to run, each on the targets that have it. */
  readonly scenarios: readonly ScenarioId[];
  /** Seconds each limit probe (signing, argon2id) runs per round; 0 runs none. */
  readonly limitSeconds: number;
  readonly postgresUrl: string;
  readonly quiet: { readonly maxSeconds: number; readonly thresholdCores: number };
  readonly pin: boolean;
  readonly serverCode: ServerCode;
}

/** How long a started target is left alone before its idle RSS is read. */
const SETTLE_MS = 1000;

/**
 * Runs the benchmark: `rounds` rounds; in each, every target is started afresh (its cold start
 * and idle RSS read), runs its scenarios one after the other — for each, the load generator
 * prepares, the machine is left to go quiet, then it measures — and is stopped; then the limit
 * probes run. The order of the targets rotates from round to round. Targets that cannot run
 * here are skipped with their reason. Progress goes to `say`. Asserts nothing about timings.
 */
export async function runHarness(options: HarnessOptions, say: (line: string) => void): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const pinning = planPinning(machine.cores, options.pin);
  const work = await mkdtemp(join(tmpdir(), 'sesame-bench-keys-'));
  try {
    const settings: TargetSettings = {
      serverCode: options.serverCode,
      alg: options.alg,
      keyFile: await writeSigningKey(work, options.alg),
      argon2: sesameArgon2Parameters(),
      serverCpu: pinning.serverCpu,
      postgresUrl: options.postgresUrl,
    };
    const targets: Target[] = [];
    const skipped: BenchResult['skipped'][number][] = [];
    for (const id of options.targets) {
      const target = allTargets.find((t) => t.id === id)!;
      const reason = await target.unavailable(settings);
      if (reason === null) targets.push(target);
      else {
        say(`skipping ${target.label}: ${reason}`);
        skipped.push({ id, label: target.label, reason });
      }
    }
    say(`pinning: ${pinning.note}`);
    const runs: RunRecord[] = [];
    const starts: StartRecord[] = [];
    const probes: ProbeRecord[] = [];
    const context = { settings, pinning, options, cores: machine.cores, say };
    for (let round = 1; round <= options.rounds; round++) {
      for (const target of rotate(targets, round - 1)) {
        const scenarios = target.scenarios.filter((s) => options.scenarios.includes(s));
        if (scenarios.length === 0) continue;
        const made = await runTarget(target, scenarios, round, context);
        starts.push(made.start);
        runs.push(...made.runs);
      }
      if (options.limitSeconds > 0) {
        for (const probe of LIMIT_PROBES) {
          const record = await probeOnce(probe, round, context);
          probes.push(record);
          say(
            `round ${round}/${options.rounds}  limit ${probe.padEnd(10)} ` +
              (record.error ?? `${record.perSecond.toFixed(1).padStart(10)} /s on one core`),
          );
        }
      }
    }
    const summary = summarise(targets, runs, starts, probes);
    return {
      format: 'sesame-bench/2',
      startedAt,
      finishedAt: new Date().toISOString(),
      settings: {
        rounds: options.rounds,
        concurrency: options.bounds.concurrency,
        requests: options.bounds.requests,
        flows: options.bounds.flows,
        seconds: options.bounds.seconds,
        warmup: options.bounds.warmup,
        alg: options.alg,
        targets: options.targets,
        scenarios: options.scenarios,
        limitSeconds: options.limitSeconds,
        argon2: settings.argon2,
        quietWaitSeconds: options.quiet.maxSeconds,
        quietThresholdCores: options.quiet.thresholdCores,
        serverCode: options.serverCode,
      },
      machine: {
        ...machine,
        postgres: targets.some((t) => t.usesPostgres) ? await postgresVersion(options.postgresUrl) : null,
        oidcProvider: oidcProviderVersion(),
        fastify: packageVersion('fastify'),
      },
      pinning,
      targets: summary.targets,
      skipped,
      limits: summary.limits,
      comparison: summary.comparison,
      runs,
      starts,
      probes,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Starts `target`, runs `scenarios` against it one after the other, stops it. */
async function runTarget(
  target: Target,
  scenarios: readonly ScenarioId[],
  round: number,
  context: Context,
): Promise<{ start: StartRecord; runs: RunRecord[] }> {
  const rounds = context.options.rounds;
  let running: RunningTarget | null = null;
  try {
    running = await target.start(context.settings);
    await sleep(SETTLE_MS);
    const start: StartRecord = {
      round,
      target: target.id,
      error: null,
      coldStartMs: Math.max(...running.servers.map((s) => s.coldStartMs)),
      idleRssMiB: rssOf(running.servers, (s) => s.rssBytes()),
    };
    context.say(
      `round ${round}/${rounds}  ${target.label.padEnd(24)} started in ${start.coldStartMs} ms, ` +
        `idle RSS ${Object.values(start.idleRssMiB).join(' / ')} MiB`,
    );
    const runs: RunRecord[] = [];
    for (const scenario of scenarios) {
      const run = await runScenario(target, running, scenario, round, context);
      runs.push(run);
      context.say(describeRun(rounds, target, run));
    }
    return { start, runs };
  } catch (error) {
    const message = errorText(error, running);
    context.say(
      `round ${round}/${rounds}  ${target.label.padEnd(24)} NOT STARTED: ${message.split('\n')[0]}`,
    );
    return {
      start: { round, target: target.id, error: message, coldStartMs: null, idleRssMiB: {} },
      runs: scenarios.map((scenario) => notMade(round, target.id, scenario, message)),
    };
  } finally {
    await running?.stop();
  }
}

function packageVersion(name: string): string | null {
  try {
    return (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const at = by % items.length;
  return [...items.slice(at), ...items.slice(0, at)];
}

function describeRun(rounds: number, target: Target, run: RunRecord): string {
  const head = `round ${run.round}/${rounds}  ${target.label.padEnd(24)} ${run.scenario.padEnd(18)}`;
  if (run.error !== null) return `${head} NOT MADE: ${run.error.split('\n')[0]}`;
  const failed = run.failed + run.warmup.failed;
  return (
    `${head} ${run.perSecond.toFixed(1).padStart(9)} /s  ` +
    `(${run.succeeded} ok${failed > 0 ? `, ${failed} FAILED` : ''} in ${run.seconds} s; ` +
    `busy before ${run.quiet?.busyCores ?? '?'} cores, others during ${run.cpu?.other ?? '?'})`
  );
}
