import type { SigningAlg } from '../../src/config/types.js';
import type { LoadTarget, ScenarioId } from '../scenarios/plan.js';

/** Sesame from its TypeScript sources (through tsx), or from the compiled build in dist/. */
export type ServerCode = 'sources' | 'dist';

/** What every target of one harness run shares. */
export interface TargetSettings {
  readonly serverCode: ServerCode;
  readonly alg: SigningAlg;
  /** A PEM private key for `alg`, listed in every instance's `signing.keys`. */
  readonly keyFile: string;
  /** argon2id's parameters as Sesame hashes: the argon2id probe uses them, the report states them. */
  readonly argon2: Argon2Parameters;
  /** The CPU every server process is pinned to, or null. */
  readonly serverCpu: number | null;
  /** The PostgreSQL server the PostgreSQL targets make their throw-away schemas in. */
  readonly postgresUrl: string;
}

/** argon2id's memory (KiB), iterations and lanes (RFC 9106 §3.1). */
export interface Argon2Parameters {
  readonly m: number;
  readonly t: number;
  readonly p: number;
}

/** One running server process. */
export interface ServerProcess {
  /** The instance's name (`A`, `B`). */
  readonly name: string;
  readonly pid: number;
  /** From the spawn to the first 200 from its readiness URL (discovery), in ms. */
  readonly coldStartMs: number;
  /** Resident set size now, in bytes; null when it cannot be read. */
  rssBytes(): number | null;
  /** The end of its log, for error messages. */
  logTail(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

export interface RunningTarget {
  readonly load: LoadTarget;
  readonly servers: readonly ServerProcess[];
  /** Stops every server and removes everything the target created. */
  stop(): Promise<void>;
}

/**
 * What a target is in the comparison: Sesame, the peer provider it is measured against, or a
 * limit (a bare server whose figure bounds what any provider can do on one core).
 */
export type TargetKind = 'sesame' | 'peer' | 'limit';

/**
 * Something the load generator can be pointed at: Sesame on a storage, the peer provider
 * (panva's oidc-provider), or the bare-Fastify limit. A target starts from nothing on every
 * `start` and leaves nothing behind.
 */
export interface Target {
  /** Short name used on the command line (`--targets`) and in the JSON. */
  readonly id: string;
  readonly label: string;
  readonly kind: TargetKind;
  /** The scenarios it runs, in order. */
  readonly scenarios: readonly ScenarioId[];
  /** Facts the table states beside its figures (e.g. whether refresh tokens rotate). */
  readonly notes: Readonly<Record<string, string>>;
  /** One sentence: what runs. */
  readonly description: string;
  /** One sentence: how the load generator spreads requests over the instances. */
  readonly spread: string;
  /** Whether it uses the PostgreSQL server (whose version then goes in the report). */
  readonly usesPostgres: boolean;
  /** null when it can run here, else the reason it is skipped. */
  unavailable(settings: TargetSettings): Promise<string | null>;
  start(settings: TargetSettings): Promise<RunningTarget>;
}
