import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SigningAlg } from '../src/config/types.js';
import { prepareLoad, type PreparedLoad } from './load/load-generator.js';
import { cpuSnapshot, cpuUsage, isKernelThread, listProcesses } from './machine/cpu-usage.js';
import { machineInfo } from './machine/info.js';
import { planPinning, type Pinning } from './machine/pinning.js';
import { waitForQuiet } from './machine/quiet.js';
import type { BenchResult, RunRecord } from './result-types.js';
import type { LoadBounds } from './scenarios/sso-flow-plan.js';
import { summarise } from './summarise.js';
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
  readonly postgresUrl: string;
  readonly quiet: { readonly maxSeconds: number; readonly thresholdCores: number };
  readonly pin: boolean;
  readonly serverCode: ServerCode;
}

/**
 * Runs the SSO-flow benchmark: `rounds` rounds, each starting every target afresh, preparing
 * the load generator (sign-in, warm-up), waiting for the machine to go quiet, then measuring;
 * the order of the targets rotates from round to round. Targets that cannot run here are
 * skipped with their reason. Progress goes to `say`. Asserts nothing about timings.
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
    for (let round = 1; round <= options.rounds; round++) {
      for (const target of rotate(targets, round - 1)) {
        const run = await runOnce(target, round, settings, pinning, options, machine.cores);
        runs.push(run);
        say(describeRun(options.rounds, target, run));
      }
    }
    const usesPostgres = targets.some((t) => t.usesPostgres);
    return {
      format: 'sesame-bench/1',
      scenario: 'sso-flow',
      startedAt,
      finishedAt: new Date().toISOString(),
      settings: {
        rounds: options.rounds,
        concurrency: options.bounds.concurrency,
        flows: options.bounds.flows,
        seconds: options.bounds.seconds,
        warmupFlows: options.bounds.warmupFlows,
        alg: options.alg,
        targets: options.targets,
        quietWaitSeconds: options.quiet.maxSeconds,
        quietThresholdCores: options.quiet.thresholdCores,
        serverCode: options.serverCode,
      },
      machine: { ...machine, postgres: usesPostgres ? await postgresVersion(options.postgresUrl) : null },
      pinning,
      targets: summarise(targets, runs),
      skipped,
      runs,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** One target in one round; a run that cannot be made is recorded with its error. */
async function runOnce(
  target: Target,
  round: number,
  settings: TargetSettings,
  pinning: Pinning,
  options: HarnessOptions,
  cores: number,
): Promise<RunRecord> {
  let running: RunningTarget | null = null;
  let load: PreparedLoad | null = null;
  try {
    running = await target.start(settings);
    load = await prepareLoad(running.sso, options.bounds, pinning.loadCpu);
    const quiet = await waitForQuiet(cores, options.quiet);
    const servers = running.servers;
    const loadPid = load.pid;
    const groups = () => {
      const processes = listProcesses();
      return {
        sesame: servers.map((server) => server.pid),
        load: [loadPid],
        postgres: processes.filter((p) => p.comm === 'postgres').map((p) => p.pid),
        kernel: processes.filter(isKernelThread).map((p) => p.pid),
      };
    };
    const before = cpuSnapshot(groups());
    const result = await load.go();
    const after = cpuSnapshot(groups());
    const rssMiB = Object.fromEntries(
      servers.map((server) => {
        const bytes = server.rssBytes();
        return [server.name, bytes === null ? null : Math.round(bytes / 2 ** 20)];
      }),
    );
    return {
      round,
      target: target.id,
      error: null,
      ...result,
      warmup: { succeeded: load.warmup.succeeded, failed: load.warmup.failed },
      signInSeconds: load.signInSeconds,
      rssMiB,
      cpu: before && after ? cpuUsage(before, after, cores) : null,
      quiet,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const logs = running?.servers.map((s) => `instance ${s.name} log:\n${s.logTail()}`).join('\n') ?? '';
    return {
      round,
      target: target.id,
      error: logs ? `${message}\n${logs}` : message,
      succeeded: 0,
      failed: 0,
      seconds: 0,
      flowsPerSecond: 0,
      failures: [],
      warmup: { succeeded: 0, failed: 0 },
      signInSeconds: null,
      rssMiB: {},
      cpu: null,
      quiet: null,
    };
  } finally {
    load?.stop();
    await running?.stop();
  }
}

function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const at = by % items.length;
  return [...items.slice(at), ...items.slice(0, at)];
}

function describeRun(rounds: number, target: Target, run: RunRecord): string {
  const head = `round ${run.round}/${rounds}  ${target.label.padEnd(24)}`;
  if (run.error !== null) return `${head} NOT MADE: ${run.error.split('\n')[0]}`;
  const failed = run.failed + run.warmup.failed;
  return (
    `${head} ${run.flowsPerSecond.toFixed(1).padStart(8)} flows/s  ` +
    `(${run.succeeded} ok${failed > 0 ? `, ${failed} FAILED` : ''} in ${run.seconds} s; ` +
    `busy before ${run.quiet?.busyCores ?? '?'} cores, others during ${run.cpu?.other ?? '?'})`
  );
}
