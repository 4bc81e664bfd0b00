import type { LimitProbe } from './limits/probes.js';
import type {
  BenchResult,
  ComparisonRow,
  ProbeRecord,
  RunRecord,
  ScenarioSummary,
  Spread,
  StartRecord,
  TargetSummary,
} from './result-types.js';
import type { ScenarioId } from './scenarios/plan.js';
import { median, spread } from './stats.js';
import type { Target } from './targets/types.js';

/** The Sesame target the peer and the limits are compared with. */
export const BASELINE = 'sqlite';
export const PEER = 'oidc-provider';
/** Sesame on SQLite with the cheap-hash setting: the full flow only, beside the peer's. */
export const CHEAP_HASH_TARGET = 'sqlite-cheap-hash';
export const HELLO = 'fastify-hello';

/** Medians across rounds per target and scenario, the limits, and the comparison. */
export function summarise(
  targets: readonly Target[],
  runs: readonly RunRecord[],
  starts: readonly StartRecord[],
  probes: readonly ProbeRecord[],
): Pick<BenchResult, 'targets' | 'limits' | 'comparison'> {
  const summaries = targets.map((target) =>
    summariseTarget(
      target,
      runs.filter((r) => r.target === target.id),
      starts.filter((s) => s.target === target.id),
    ),
  );
  const figure = (target: string, scenario: ScenarioId) =>
    summaries.find((t) => t.id === target)?.scenarios.find((s) => s.scenario === scenario)?.perSecond ?? null;
  const probe = (name: LimitProbe) =>
    spread(probes.filter((p) => p.probe === name && p.error === null).map((p) => p.perSecond));
  const limits = { hello: figure(HELLO, 'hello'), signing: probe('signing'), argon2id: probe('argon2id') };
  return { targets: summaries, limits, comparison: compare(summaries, limits) };
}

/**
 * Per scenario Sesame (SQLite) ran or the peer ran: both figures and their ratio, and Sesame's
 * figure as a fraction of its limit (issue 11): discovery, JWKS and userinfo against the bare
 * Fastify hello; code exchange, refresh and client_credentials against the one-core signing
 * rate ÷ the signatures Sesame's response carries (counted by the load generator); the flow
 * with sign-in against the one-core argon2id rate (one verification per flow).
 */
function compare(
  summaries: readonly TargetSummary[],
  limits: Readonly<Record<'hello' | LimitProbe, Spread | null>>,
): ComparisonRow[] {
  const of = (target: string) => summaries.find((t) => t.id === target);
  const sesame = of(BASELINE);
  const peer = of(PEER);
  const order = [...(sesame?.scenarios ?? []), ...(peer?.scenarios ?? [])].map((s) => s.scenario);
  const scenarios = [...new Set(order)];
  const rows = scenarios.map((scenario): ComparisonRow => {
    const mine = sesame?.scenarios.find((s) => s.scenario === scenario);
    const theirs = peer?.scenarios.find((s) => s.scenario === scenario);
    const value = mine?.perSecond?.median ?? null;
    const peerValue = theirs?.perSecond?.median ?? null;
    const bound = limitOf(scenario, mine, limits);
    return {
      scenario,
      peer: peerValue,
      sesame: value,
      ratioToPeer: value !== null && peerValue ? round(value / peerValue, 100) : null,
      limit: bound && {
        ...bound,
        fraction: value !== null && bound.value > 0 ? round(value / bound.value, 100) : null,
      },
      postgres1: of('postgres-1')?.scenarios.find((s) => s.scenario === scenario)?.perSecond?.median ?? null,
      postgres2: of('postgres-2')?.scenarios.find((s) => s.scenario === scenario)?.perSecond?.median ?? null,
    };
  });
  const cheap = of(CHEAP_HASH_TARGET)?.scenarios.find((s) => s.scenario === 'sign-in-flow');
  if (cheap === undefined) return rows;
  // The same flow with the cheap-hash setting, beside the same figure of the peer; no limit.
  const value = cheap.perSecond?.median ?? null;
  const peerValue = peer?.scenarios.find((s) => s.scenario === 'sign-in-flow')?.perSecond?.median ?? null;
  const row: ComparisonRow = {
    scenario: 'sign-in-flow',
    variant: 'cheap-hash',
    peer: peerValue,
    sesame: value,
    ratioToPeer: value !== null && peerValue ? round(value / peerValue, 100) : null,
    limit: null,
    postgres1: null,
    postgres2: null,
  };
  const at = rows.findIndex((r) => r.scenario === 'sign-in-flow');
  return at < 0 ? [...rows, row] : [...rows.slice(0, at + 1), row, ...rows.slice(at + 1)];
}

function limitOf(
  scenario: ScenarioId,
  mine: ScenarioSummary | undefined,
  limits: Readonly<Record<'hello' | LimitProbe, Spread | null>>,
): { name: string; value: number } | null {
  switch (scenario) {
    case 'discovery':
    case 'jwks':
    case 'userinfo':
      return limits.hello ? { name: 'Fastify hello', value: limits.hello.median } : null;
    case 'code-exchange':
    case 'refresh':
    case 'client-credentials': {
      const signatures = mine?.signaturesPerResponse;
      if (!limits.signing || !signatures) return null;
      return { name: `signing ÷ ${signatures}`, value: round(limits.signing.median / signatures, 10) };
    }
    case 'sign-in-flow':
      return limits.argon2id ? { name: 'argon2id', value: limits.argon2id.median } : null;
    default:
      return null;
  }
}

function summariseTarget(
  target: Target,
  runs: readonly RunRecord[],
  starts: readonly StartRecord[],
): TargetSummary {
  const made = runs.filter((run) => run.error === null);
  const started = starts.filter((start) => start.error === null);
  const scenarios = [...new Set(runs.map((run) => run.scenario))];
  const rounds = [...new Set(made.map((run) => run.round))];
  // Per round, the largest RSS any run saw; then the median over the rounds.
  const loadRss = rounds.map((round) => {
    const peaks: Record<string, number> = {};
    for (const run of made.filter((r) => r.round === round)) {
      for (const [name, mib] of Object.entries(run.peakRssMiB)) {
        if (typeof mib === 'number') peaks[name] = Math.max(peaks[name] ?? 0, mib);
      }
    }
    return peaks;
  });
  return {
    id: target.id,
    label: target.label,
    kind: target.kind,
    description: target.description,
    spread: target.spread,
    notes: target.notes,
    scenarios: scenarios.map((scenario) =>
      summariseScenario(
        scenario,
        runs.filter((r) => r.scenario === scenario),
      ),
    ),
    coldStartMs: median(started.map((s) => s.coldStartMs).filter((v): v is number => v !== null)),
    idleRssMiB: medianByName(started.map((s) => s.idleRssMiB)),
    loadRssMiB: medianByName(loadRss),
    failedStarts: starts.length - started.length,
  };
}

function summariseScenario(scenario: ScenarioId, runs: readonly RunRecord[]): ScenarioSummary {
  const made = runs.filter((run) => run.error === null);
  const cpu = (pick: (run: RunRecord) => number | undefined) =>
    maybeRound(median(made.map(pick).filter((v): v is number => v !== undefined)), 100);
  const signatures = made.map((run) => run.signaturesPerResponse).find((v) => v !== null) ?? null;
  const rotations = made.map((run) => run.rotates).filter((v): v is boolean => v !== null);
  return {
    scenario,
    runs: runs.length,
    perSecond: spread(made.map((run) => run.perSecond)),
    failed: made.reduce((sum, run) => sum + run.failed + run.warmup.failed, 0),
    failedRuns: runs.length - made.length,
    signaturesPerResponse: signatures,
    rotates:
      rotations.length === 0
        ? null
        : rotations.every(Boolean)
          ? true
          : rotations.some(Boolean)
            ? null
            : false,
    cpu: {
      server: cpu((run) => run.cpu?.groups.server),
      postgres: cpu((run) => run.cpu?.groups.postgres),
      load: cpu((run) => run.cpu?.groups.load),
      other: cpu((run) => run.cpu?.other),
    },
  };
}

function medianByName(
  records: readonly Readonly<Record<string, number | null>>[],
): Record<string, number | null> {
  const names = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(
    names.map((name) => [
      name,
      maybeRound(median(records.map((r) => r[name]).filter((v): v is number => typeof v === 'number')), 1),
    ]),
  );
}

function maybeRound(value: number | null, scale: number): number | null {
  return value === null ? null : round(value, scale);
}

function round(value: number, scale: number): number {
  return Math.round(value * scale) / scale;
}
