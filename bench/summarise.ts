import type { RunRecord, TargetSummary } from './result-types.js';
import { median, spread } from './stats.js';
import type { Target } from './targets/types.js';

/** The target every other is compared with. */
export const BASELINE = 'sqlite';

/** Medians across rounds for each target, in the order given. */
export function summarise(targets: readonly Target[], runs: readonly RunRecord[]): TargetSummary[] {
  const summaries = targets.map((target) =>
    summariseTarget(
      target,
      runs.filter((r) => r.target === target.id),
    ),
  );
  const baseline = summaries.find((s) => s.id === BASELINE)?.flowsPerSecond?.median;
  return summaries.map((summary) => ({
    ...summary,
    ratioToSqlite:
      baseline && summary.flowsPerSecond ? round(summary.flowsPerSecond.median / baseline, 100) : null,
  }));
}

function summariseTarget(target: Target, runs: readonly RunRecord[]): TargetSummary {
  const made = runs.filter((run) => run.error === null);
  const instances = [...new Set(made.flatMap((run) => Object.keys(run.rssMiB)))];
  const cpu = (pick: (run: RunRecord) => number | undefined) =>
    maybeRound(median(made.map(pick).filter((v): v is number => v !== undefined)), 100);
  return {
    id: target.id,
    label: target.label,
    description: target.description,
    spread: target.spread,
    runs: runs.length,
    flowsPerSecond: spread(made.map((run) => run.flowsPerSecond)),
    ratioToSqlite: null,
    failedFlows: made.reduce((sum, run) => sum + run.failed + run.warmup.failed, 0),
    failedRuns: runs.length - made.length,
    rssMiB: Object.fromEntries(
      instances.map((name) => [
        name,
        maybeRound(
          median(made.map((run) => run.rssMiB[name]).filter((v): v is number => typeof v === 'number')),
          1,
        ),
      ]),
    ),
    cpu: {
      sesame: cpu((run) => run.cpu?.groups.sesame),
      postgres: cpu((run) => run.cpu?.groups.postgres),
      load: cpu((run) => run.cpu?.groups.load),
      other: cpu((run) => run.cpu?.other),
    },
  };
}

function maybeRound(value: number | null, scale: number): number | null {
  return value === null ? null : round(value, scale);
}

function round(value: number, scale: number): number {
  return Math.round(value * scale) / scale;
}
