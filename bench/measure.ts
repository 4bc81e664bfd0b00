import { prepareLoad, type PreparedLoad } from './load/load-generator.js';
import { runProbe, type LimitProbe } from './limits/probes.js';
import { cpuSnapshot, cpuUsage, isKernelThread, listProcesses } from './machine/cpu-usage.js';
import type { Pinning } from './machine/pinning.js';
import { waitForQuiet } from './machine/quiet.js';
import type { ProbeRecord, RunRecord } from './result-types.js';
import type { ScenarioId } from './scenarios/plan.js';
import type { HarnessOptions } from './harness.js';
import type { RunningTarget, ServerProcess, Target, TargetSettings } from './targets/types.js';

/** How often the servers' RSS is sampled during a run. */
const RSS_SAMPLE_MS = 200;

/** What every measurement of one harness run shares. */
export interface Context {
  readonly settings: TargetSettings;
  readonly pinning: Pinning;
  readonly options: HarnessOptions;
  readonly cores: number;
  readonly say: (line: string) => void;
}

/** One scenario against a running target; a run that cannot be made is recorded with its error. */
export async function runScenario(
  target: Target,
  running: RunningTarget,
  scenario: ScenarioId,
  round: number,
  context: Context,
): Promise<RunRecord> {
  let load: PreparedLoad | null = null;
  try {
    load = await prepareLoad(running.load, scenario, context.options.bounds, context.pinning.loadCpu);
    const quiet = await waitForQuiet(context.cores, context.options.quiet);
    const servers = running.servers;
    const loadPid = load.pid;
    const groups = () => {
      const processes = listProcesses();
      return {
        server: servers.map((server) => server.pid),
        load: [loadPid],
        postgres: processes.filter((p) => p.comm === 'postgres').map((p) => p.pid),
        kernel: processes.filter(isKernelThread).map((p) => p.pid),
      };
    };
    const peak = new Map<string, number>();
    const sample = () => {
      for (const server of servers) {
        const bytes = server.rssBytes();
        if (bytes !== null) peak.set(server.name, Math.max(peak.get(server.name) ?? 0, bytes));
      }
    };
    const sampler = setInterval(sample, RSS_SAMPLE_MS);
    const before = cpuSnapshot(groups());
    let result;
    try {
      result = await load.go();
    } finally {
      clearInterval(sampler);
    }
    const after = cpuSnapshot(groups());
    sample();
    return {
      round,
      target: target.id,
      scenario,
      error: null,
      ...result,
      warmup: { succeeded: load.warmup.succeeded, failed: load.warmup.failed },
      prepareSeconds: load.prepareSeconds,
      rssMiB: rssOf(servers, (s) => s.rssBytes()),
      peakRssMiB: rssOf(servers, (s) => peak.get(s.name) ?? null),
      cpu: before && after ? cpuUsage(before, after, context.cores) : null,
      quiet,
    };
  } catch (error) {
    return notMade(round, target.id, scenario, errorText(error, running));
  } finally {
    load?.stop();
  }
}

/** One limit probe, after waiting for quiet; a probe that fails is recorded with its error. */
export async function probeOnce(probe: LimitProbe, round: number, context: Context): Promise<ProbeRecord> {
  try {
    const quiet = await waitForQuiet(context.cores, context.options.quiet);
    const result = await runProbe(probe, context.settings, context.options.limitSeconds);
    return { round, probe, error: null, ...result, quiet };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { round, probe, error: message, operations: 0, seconds: 0, perSecond: 0, quiet: null };
  }
}

/** The record of a run that could not be made. */
export function notMade(round: number, target: string, scenario: ScenarioId, error: string): RunRecord {
  return {
    round,
    target,
    scenario,
    error,
    succeeded: 0,
    failed: 0,
    seconds: 0,
    perSecond: 0,
    failures: [],
    signaturesPerResponse: null,
    rotates: null,
    warmup: { succeeded: 0, failed: 0 },
    prepareSeconds: null,
    rssMiB: {},
    peakRssMiB: {},
    cpu: null,
    quiet: null,
  };
}

/** `error`'s message, with the end of every server's log. */
export function errorText(error: unknown, running: RunningTarget | null): string {
  const message = error instanceof Error ? error.message : String(error);
  const logs = running?.servers.map((s) => `instance ${s.name} log:\n${s.logTail()}`).join('\n') ?? '';
  return logs ? `${message}\n${logs}` : message;
}

/** Each server's RSS in MiB, by instance name. */
export function rssOf(
  servers: readonly ServerProcess[],
  bytesOf: (server: ServerProcess) => number | null,
): Record<string, number | null> {
  return Object.fromEntries(
    servers.map((server) => {
      const bytes = bytesOf(server);
      return [server.name, bytes === null ? null : Math.round(bytes / 2 ** 20)];
    }),
  );
}
