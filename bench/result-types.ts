import type { SigningAlg } from '../src/config/types.js';
import type { CpuUsage } from './machine/cpu-usage.js';
import type { MachineInfo } from './machine/info.js';
import type { Pinning } from './machine/pinning.js';
import type { QuietReport } from './machine/quiet.js';
import type { ServerCode } from './targets/types.js';

/** What `npm run bench` writes as JSON; `format` changes when the shape does. */
export interface BenchResult {
  readonly format: 'sesame-bench/1';
  readonly scenario: 'sso-flow';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly settings: BenchSettings;
  readonly machine: MachineInfo & { readonly postgres: string | null };
  readonly pinning: Pinning;
  /** One per target that ran, in the order given. */
  readonly targets: readonly TargetSummary[];
  readonly skipped: readonly { readonly id: string; readonly label: string; readonly reason: string }[];
  /** Every run, in the order they ran. */
  readonly runs: readonly RunRecord[];
}

export interface BenchSettings {
  readonly rounds: number;
  readonly concurrency: number;
  readonly flows: number;
  readonly seconds: number;
  readonly warmupFlows: number;
  readonly alg: SigningAlg;
  readonly targets: readonly string[];
  readonly quietWaitSeconds: number;
  readonly quietThresholdCores: number;
  /** Whether Sesame ran from its sources (through tsx) or from the compiled build. */
  readonly serverCode: ServerCode;
}

/** One target in one round. */
export interface RunRecord {
  readonly round: number;
  readonly target: string;
  /** Set when the run could not be made (the target did not start, the load generator failed). */
  readonly error: string | null;
  readonly succeeded: number;
  readonly failed: number;
  readonly seconds: number;
  readonly flowsPerSecond: number;
  readonly failures: readonly { readonly message: string; readonly count: number }[];
  readonly warmup: { readonly succeeded: number; readonly failed: number };
  readonly signInSeconds: number | null;
  /** Each server process's RSS after the run, in MiB, by instance name. */
  readonly rssMiB: Readonly<Record<string, number | null>>;
  /** CPU used during the measured run; groups `sesame`, `load`, `postgres` and `kernel` (threads). */
  readonly cpu: CpuUsage | null;
  /** The machine just before the measured run. */
  readonly quiet: QuietReport | null;
}

export interface TargetSummary {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly spread: string;
  readonly runs: number;
  /** Over the runs that were made; null when none was. */
  readonly flowsPerSecond: { readonly median: number; readonly min: number; readonly max: number } | null;
  /** Median flows/s over the SQLite target's; null when either is missing. */
  readonly ratioToSqlite: number | null;
  /** Failed flows in measured runs, plus runs that could not be made. */
  readonly failedFlows: number;
  readonly failedRuns: number;
  /** Median RSS after the run, in MiB, by instance name. */
  readonly rssMiB: Readonly<Record<string, number | null>>;
  /** Median CPU during the runs, in cores. */
  readonly cpu: {
    readonly sesame: number | null;
    readonly postgres: number | null;
    readonly load: number | null;
    readonly other: number | null;
  };
}
