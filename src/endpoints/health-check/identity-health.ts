import type { Logger } from 'pino';
import type { IdentityBackend } from '../../identity/types.js';
import type { Clock } from '../../lib/clock.js';

/** How long one answer of the probe serves every health check. */
const CHECK_CACHE_MS = 1000;

/** What a check found: the dependency answered, or not (the reason says why and what to check). */
export type DependencyStatus = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The identity backend's own dependency, as `/health-check` names it. */
export type IdentityDependency = 'ldap';

export interface IdentityHealthOptions {
  readonly name: IdentityDependency;
  /** `IdentityBackend.probe`: resolves when the backend can serve, throws why not. */
  readonly probe: () => Promise<void>;
  readonly clock: Clock;
  /** Where a change of status is logged; absent: nowhere. */
  readonly log?: Logger;
}

/**
 * Whether the identity backend's directory can serve, for `/health-check` and the start-up
 * readiness report: {@link check} runs the backend's probe at most once a second however many
 * checks come, one run shared by concurrent callers, so a flood of health checks never piles up
 * on a struggling directory. The backend reports its outages itself (LDAP: `DirectoryHealth`,
 * which the probe feeds like any request); a directory that answers but cannot serve — its
 * search base was removed, the service account's password changed — is reported here, once
 * when a check first finds it (or finds another reason) and once when it serves again.
 */
export class IdentityHealth {
  readonly name: IdentityDependency;
  readonly #options: IdentityHealthOptions;
  #last: { readonly at: number; readonly status: DependencyStatus } | null = null;
  #pending: Promise<DependencyStatus> | null = null;

  constructor(options: IdentityHealthOptions) {
    this.name = options.name;
    this.#options = options;
  }

  /** Whether the backend can serve now; an answer less than a second old is reused. */
  check(): Promise<DependencyStatus> {
    const last = this.#last;
    if (last !== null && this.#options.clock.now() - last.at < CHECK_CACHE_MS) {
      return Promise.resolve(last.status);
    }
    this.#pending ??= this.#probe().finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  async #probe(): Promise<DependencyStatus> {
    let status: DependencyStatus;
    try {
      await this.#options.probe();
      status = { ok: true };
    } catch (error) {
      status = { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    this.#report(this.#last?.status ?? null, status);
    this.#last = { at: this.#options.clock.now(), status };
    return status;
  }

  #report(before: DependencyStatus | null, now: DependencyStatus): void {
    const { log, name } = this.#options;
    if (log === undefined) return;
    if (!now.ok && (before === null || before.ok || before.reason !== now.reason)) {
      log.warn({ dependency: name, reason: now.reason }, `${name} cannot serve sign-ins: ${now.reason}`);
    } else if (now.ok && before !== null && !before.ok) {
      log.info({ dependency: name }, `${name} serves again`);
    }
  }
}

/**
 * The health of `backend`'s own dependency, named `name`; null for a backend without one (no
 * `probe`: built-in users live in storage, which is checked on its own).
 */
export function identityHealthFor(
  backend: IdentityBackend,
  name: IdentityDependency,
  clock: Clock,
  log?: Logger,
): IdentityHealth | null {
  if (backend.probe === undefined) return null;
  return new IdentityHealth({ name, probe: () => backend.probe!(), clock, log });
}
