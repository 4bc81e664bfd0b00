import { spawnSync } from 'node:child_process';

/**
 * Which CPU the servers and the load generator run on. With `taskset` and at least two cores,
 * every server process (Sesame's instances, both when there are two; the peer; the limits and
 * their probes) runs on the first core and the load generator has the second, so each target
 * gets the same CPU budget; PostgreSQL, a system service, is not pinned. Otherwise nothing is
 * pinned and the note says why.
 */
export interface Pinning {
  /** The CPU every server process is pinned to, or null. */
  readonly serverCpu: number | null;
  /** The CPU the load generator is pinned to, or null. */
  readonly loadCpu: number | null;
  /** One sentence for the report. */
  readonly note: string;
}

export function planPinning(cores: number, wanted: boolean): Pinning {
  if (!wanted) return { serverCpu: null, loadCpu: null, note: 'nothing pinned (--no-pin)' };
  if (cores < 2) return { serverCpu: null, loadCpu: null, note: `nothing pinned (only ${cores} core)` };
  if (spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status !== 0) {
    return { serverCpu: null, loadCpu: null, note: 'nothing pinned (taskset not found)' };
  }
  return {
    serverCpu: 0,
    loadCpu: 1,
    note:
      'every server process (Sesame, with two instances both; oidc-provider; the Fastify hello; the ' +
      'signing and argon2id probes) on CPU 0, the load generator on CPU 1; PostgreSQL not pinned',
  };
}

/** The command and arguments that run `command` on `cpu` (unchanged when `cpu` is null). */
export function onCpu(cpu: number | null, command: string, args: readonly string[]): [string, string[]] {
  return cpu === null ? [command, [...args]] : ['taskset', ['-c', String(cpu), command, ...args]];
}
