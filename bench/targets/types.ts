import type { SigningAlg } from '../../src/config/types.js';
import type { SsoTarget } from '../scenarios/sso-flow-plan.js';

/** Sesame from its TypeScript sources (through tsx), or from the compiled build in dist/. */
export type ServerCode = 'sources' | 'dist';

/** What every target of one harness run shares. */
export interface TargetSettings {
  readonly serverCode: ServerCode;
  readonly alg: SigningAlg;
  /** A PEM private key for `alg`, listed in every instance's `signing.keys`. */
  readonly keyFile: string;
  /** The CPU every server process is pinned to, or null. */
  readonly serverCpu: number | null;
  /** The PostgreSQL server the PostgreSQL targets make their throw-away schemas in. */
  readonly postgresUrl: string;
}

/** One running server process. */
export interface ServerProcess {
  /** The instance's name (`A`, `B`). */
  readonly name: string;
  readonly pid: number;
  /** Resident set size now, in bytes; null when it cannot be read. */
  rssBytes(): number | null;
  /** The end of its log, for error messages. */
  logTail(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

export interface RunningTarget {
  readonly sso: SsoTarget;
  readonly servers: readonly ServerProcess[];
  /** Stops every server and removes everything the target created. */
  stop(): Promise<void>;
}

/**
 * Something the load generator can be pointed at: Sesame on a storage, or (issue 11) a peer
 * provider. A target starts from nothing on every `start` and leaves nothing behind.
 */
export interface Target {
  /** Short name used on the command line (`--targets`) and in the JSON. */
  readonly id: string;
  readonly label: string;
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
