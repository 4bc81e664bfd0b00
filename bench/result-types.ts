import type { SigningAlg } from '../src/config/types.js';
import type { LimitProbe } from './limits/probes.js';
import type { CpuUsage } from './machine/cpu-usage.js';
import type { MachineInfo } from './machine/info.js';
import type { Pinning } from './machine/pinning.js';
import type { QuietReport } from './machine/quiet.js';
import type { RunResult, ScenarioId } from './scenarios/plan.js';
import type { Argon2Parameters, ServerCode, TargetKind } from './targets/types.js';

/** What `npm run bench` writes as JSON; `format` changes when the shape does. */
export interface BenchResult {
  readonly format: 'sesame-bench/2';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly settings: BenchSettings;
  readonly machine: MachineInfo & {
    readonly postgres: string | null;
    readonly oidcProvider: string | null;
    readonly fastify: string | null;
  };
  readonly pinning: Pinning;
  /** One per target that ran, in the order given. */
  readonly targets: readonly TargetSummary[];
  readonly skipped: readonly { readonly id: string; readonly label: string; readonly reason: string }[];
  /** Medians of the limits over the rounds. */
  readonly limits: Readonly<Record<'hello' | LimitProbe, Spread | null>>;
  /** Sesame (SQLite) beside the peer and its limit, scenario by scenario. */
  readonly comparison: readonly ComparisonRow[];
  /** Every measured run, in the order they ran. */
  readonly runs: readonly RunRecord[];
  /** Every start of a target: cold start and idle RSS. */
  readonly starts: readonly StartRecord[];
  /** Every run of a limit probe. */
  readonly probes: readonly ProbeRecord[];
}

export interface BenchSettings {
  readonly rounds: number;
  readonly concurrency: number;
  readonly requests: number;
  readonly flows: number;
  readonly seconds: number;
  readonly warmup: number;
  readonly alg: SigningAlg;
  readonly targets: readonly string[];
  readonly scenarios: readonly ScenarioId[];
  readonly limitSeconds: number;
  readonly argon2: Argon2Parameters;
  readonly quietWaitSeconds: number;
  readonly quietThresholdCores: number;
  /** Whether Sesame ran from its sources (through tsx) or from the compiled build. */
  readonly serverCode: ServerCode;
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** One scenario against one target in one round. */
export interface RunRecord extends RunResult {
  readonly round: number;
  readonly target: string;
  readonly scenario: ScenarioId;
  /** Why the run could not be made (the target did not start, the load generator failed). */
  readonly error: string | null;
  readonly warmup: { readonly succeeded: number; readonly failed: number };
  /** Preparing the scenario (sign-in, tokens, codes), not measured; seconds. */
  readonly prepareSeconds: number | null;
  /** Each server process's RSS after the run, in MiB, by instance name. */
  readonly rssMiB: Readonly<Record<string, number | null>>;
  /** The largest RSS seen during the run (sampled every 200 ms), in MiB, by instance name. */
  readonly peakRssMiB: Readonly<Record<string, number | null>>;
  /** CPU used during the measured run; groups `server`, `load`, `postgres` and `kernel` (threads). */
  readonly cpu: CpuUsage | null;
  /** The machine just before the measured run. */
  readonly quiet: QuietReport | null;
}

/** One start of a target. */
export interface StartRecord {
  readonly round: number;
  readonly target: string;
  readonly error: string | null;
  /** From spawning the (slowest) instance to its first 200 from discovery, ms. */
  readonly coldStartMs: number | null;
  /** RSS one second after it was ready, before any load, in MiB, by instance name. */
  readonly idleRssMiB: Readonly<Record<string, number | null>>;
}

/** One run of a limit probe. */
export interface ProbeRecord {
  readonly round: number;
  readonly probe: LimitProbe;
  readonly error: string | null;
  readonly operations: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly quiet: QuietReport | null;
}

export interface ScenarioSummary {
  readonly scenario: ScenarioId;
  readonly runs: number;
  /** Over the runs that were made; null when none was. */
  readonly perSecond: Spread | null;
  /** Failed requests or flows (measured and warm-up). */
  readonly failed: number;
  readonly failedRuns: number;
  readonly signaturesPerResponse: number | null;
  readonly rotates: boolean | null;
  /** Median CPU during the runs, in cores. */
  readonly cpu: {
    readonly server: number | null;
    readonly postgres: number | null;
    readonly load: number | null;
    readonly other: number | null;
  };
}

export interface TargetSummary {
  readonly id: string;
  readonly label: string;
  readonly kind: TargetKind;
  readonly description: string;
  readonly spread: string;
  readonly notes: Readonly<Record<string, string>>;
  readonly scenarios: readonly ScenarioSummary[];
  /** Median over the starts. */
  readonly coldStartMs: number | null;
  /** Median idle RSS, in MiB, by instance name. */
  readonly idleRssMiB: Readonly<Record<string, number | null>>;
  /** Median over the rounds of the largest RSS seen during any run, in MiB, by instance name. */
  readonly loadRssMiB: Readonly<Record<string, number | null>>;
  readonly failedStarts: number;
}

/** One line of the comparison: Sesame on SQLite beside the peer, and beside its limit. */
export interface ComparisonRow {
  readonly scenario: ScenarioId;
  /** `cheap-hash`: Sesame's figure is the `sqlite-cheap-hash` target's (absent: `sqlite`'s). */
  readonly variant?: 'cheap-hash';
  readonly peer: number | null;
  readonly sesame: number | null;
  /** Sesame ÷ peer. */
  readonly ratioToPeer: number | null;
  /** The bound the figure is compared with, e.g. `signing ÷ 2`; null when there is none. */
  readonly limit: { readonly name: string; readonly value: number; readonly fraction: number | null } | null;
  /** The same scenario on PostgreSQL, one and two instances, where they ran. */
  readonly postgres1: number | null;
  readonly postgres2: number | null;
}
