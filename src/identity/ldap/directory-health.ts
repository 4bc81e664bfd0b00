import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';

/** Why the directory cannot be used: it does not answer, or it refuses the service account. */
export type DirectoryTrouble = 'unreachable' | 'service-bind-rejected';

/**
 * Whether the directory can be used, as requests find it, reported once per change rather than
 * once per request: an outage that fails a thousand requests logs one line when it starts and
 * one when it ends.
 *
 * - `unreachable` (connection refused, reset, timed out): a warn line,
 *   "LDAP directory unreachable since <ISO time>: <reason>";
 * - `service-bind-rejected` (LDAP_BINDDN or LDAP_BINDPW wrong): an error line, since only the
 *   operator can end it;
 * - the first answer after either: a warn line, "LDAP directory back after <duration>", so the
 *   end of an outage is seen wherever its start was.
 *
 * A trouble of another kind while one lasts is a change too, and is logged. Requests that fail
 * meanwhile log nothing here; their callers log them at debug.
 */
export class DirectoryHealth {
  #trouble: DirectoryTrouble | null = null;
  /** When the first trouble of the current outage began, for the "back after" duration. */
  #downSince = 0;

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  /** The directory answered: a result, or a refusal of a request (wrong password, no such entry). */
  answered(): void {
    if (this.#trouble === null) return;
    const downMs = this.clock.now() - this.#downSince;
    this.#trouble = null;
    this.log.warn({ downMs }, `LDAP directory back after ${formatDuration(downMs)}`);
  }

  /** The directory could not be used, for `reason` (an error message). */
  failed(kind: DirectoryTrouble, reason: string): void {
    if (this.#trouble === kind) return;
    const now = this.clock.now();
    if (this.#trouble === null) this.#downSince = now;
    this.#trouble = kind;
    const since = new Date(now).toISOString();
    if (kind === 'unreachable') {
      this.log.warn({ since, reason }, `LDAP directory unreachable since ${since}: ${reason}`);
    } else {
      this.log.error(
        { since, reason },
        `LDAP service bind rejected since ${since}: check LDAP_BINDDN and LDAP_BINDPW (${reason})`,
      );
    }
  }
}

/** `850 ms`, `42 s`, `3 min 5 s`, `2 h 0 min`: precise enough to read, not more. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
