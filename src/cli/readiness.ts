import type { Logger } from 'pino';
import type { DependencyName, FailingDependency } from '../endpoints/health-check/dependencies.js';
import { formatDuration } from '../identity/ldap/directory-health.js';

/** How often dependencies are checked again while they keep the server from being ready. */
export const READINESS_RETRY_MS = 5000;

/** How each dependency is named in the log. */
const LABELS: Record<DependencyName, string> = { storage: 'storage', ldap: 'LDAP directory' };

/** What the operator should check when a dependency's reason does not say it already. */
const HINTS: Record<DependencyName, string> = {
  storage: 'check that the database is running and the `storage` setting',
  ldap: 'check the LDAP_* settings',
};

export interface ReadinessOptions {
  /** The dependencies that do not answer now (`App.failingDependencies`). */
  readonly failing: () => Promise<readonly FailingDependency[]>;
  readonly log: Logger;
  /** Where the server listens, for the log. */
  readonly address: string;
  /** Called once, when every dependency answers: logs "ready to handle requests". */
  readonly onReady: () => void;
  /** How often to check again while not ready; default {@link READINESS_RETRY_MS}. */
  readonly retryMs?: number;
}

/**
 * Reports, once the server listens, whether it can serve: `onReady` as soon as every dependency
 * answers, which may be at once. Until then:
 * - the first check that finds a dependency failing logs at error "listening on <address>, but
 *   not ready: <dependency>: <reason>" — the reason says what to check (LDAP_BINDDN and
 *   LDAP_BINDPW, LDAP_BASEDN, LDAP_URI) — and the dependencies are checked again every
 *   `retryMs`; a later check logs again only when what fails, or why, has changed;
 * - the check that finds them all answering logs "<dependency> answers again; ready" (warn, like
 *   the outage lines it ends) before `onReady`.
 * Outages after that are `/health-check`'s and the log's (`StorageHealth`, `DirectoryHealth`),
 * not this report's. `stop` ends the checks (shutdown).
 */
export function reportReadiness(options: ReadinessOptions): { stop(): void } {
  const { log, address } = options;
  const retryMs = options.retryMs ?? READINESS_RETRY_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  /** What failed at the last check, null before the first. */
  let last: readonly FailingDependency[] | null = null;

  const round = async (): Promise<void> => {
    let failing: readonly FailingDependency[] | null = null;
    try {
      failing = await options.failing();
    } catch (error) {
      // The checks catch their dependencies' failures: this is a bug, not an outage.
      log.error({ err: error }, 'checking dependencies failed');
    }
    if (stopped) return;
    if (failing === null) {
      timer = setTimeout(() => void round(), retryMs);
      return;
    }
    if (failing.length === 0) {
      if (last !== null && last.length > 0) {
        const back = last.map((dependency) => LABELS[dependency.name]).join(' and ');
        log.warn(`${back} ${last.length === 1 ? 'answers' : 'answer'} again; ready`);
      }
      options.onReady();
      return;
    }
    if (last === null || describe(last) !== describe(failing)) {
      const prefix = last === null ? `listening on ${address}, but not ready` : 'still not ready';
      log.error(
        { listen: address, failing: failing.map((dependency) => dependency.name) },
        `${prefix}: ${describe(failing)}; checking again every ${formatDuration(retryMs)}`,
      );
    }
    last = failing;
    timer = setTimeout(() => void round(), retryMs);
  };
  void round();
  return {
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}

function describe(failing: readonly FailingDependency[]): string {
  return failing.map(({ name, reason }) => `${name}: ${withHint(name, reason)}`).join('; ');
}

function withHint(name: DependencyName, reason: string): string {
  return /\bcheck\b/.test(reason) ? reason : `${reason} (${HINTS[name]})`;
}
