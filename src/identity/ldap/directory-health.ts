import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';

/**
 * Why the directory cannot be used:
 * - `unreachable`: it does not answer (connection refused, reset, timed out);
 * - `unavailable`: it answers that it cannot serve now (busy, unavailable, unwilling to
 *   perform, a time, size or administrative limit exceeded: `result-codes.ts`);
 * - `service-bind-rejected`: it rejects the service account's DN or password;
 * - `service-bind-refused`: it refuses the service bind for another reason (TLS required, …).
 */
export type DirectoryTrouble =
  'unreachable' | 'unavailable' | 'service-bind-rejected' | 'service-bind-refused';

/** Answers in a row, with no failure between them, that end an outage. */
const CONFIRMATIONS = 3;
/**
 * How long an unstable directory must go without a failure before it counts as back; doubled
 * for each further relapse in a row (60 s, 2 min, 4 min, …).
 */
const STABLE_MS = 60_000;
/** The most `STABLE_MS` grows to. */
const MAX_STABLE_MS = 15 * 60_000;
/** The least time between two summaries of an unstable directory. */
const SUMMARY_MS = 60_000;
/** An outage that begins this soon after the last one ended is a relapse: unstable from its start. */
const RELAPSE_MS = 5 * 60_000;

/** What is known of the outage under way. */
interface Outage {
  /** When its first failure happened, for the "back after" duration. */
  readonly since: number;
  /** The kinds of trouble already logged: each is logged once per outage. */
  readonly logged: Set<DirectoryTrouble>;
  /** Whether the directory has failed again after answering (flapping), see `STABLE_MS`. */
  unstable: boolean;
  /** How long an unstable outage must go without a failure to end. */
  readonly stableMs: number;
  lastFailureAt: number;
  lastReason: string;
  /** Answers since the last failure, and when the first of them came. */
  streak: number;
  streakSince: number;
  /** What happened since the outage's first line or its last summary. */
  periodStart: number;
  periodFailures: number;
  periodAnswers: number;
}

/**
 * Whether the directory can be used, as requests find it, reported when that changes rather
 * than once per request. A steady outage that fails a thousand requests logs two lines; a
 * directory that fails every other request logs about one line a minute.
 *
 * - The first failure starts an outage and logs its kind, with the time and the reason:
 *   "LDAP directory unreachable since <ISO time>: <reason>" (warn),
 *   "LDAP directory unavailable since …" (warn), "LDAP service bind rejected since …: check
 *   LDAP_BINDDN and LDAP_BINDPW (…)" (error: only the operator can end it), "LDAP service bind
 *   refused since …" (error). Another kind later in the same outage is logged when it first
 *   appears; a kind already logged is not logged again, however the kinds alternate.
 * - The outage ends after `CONFIRMATIONS` answers in a row: "LDAP directory back after
 *   <duration>" (warn), measured to the first of those answers.
 * - An outage is unstable when the directory fails again after answering during it, or when
 *   it begins within `RELAPSE_MS` of the end of the last one (a relapse). An unstable outage
 *   ends only after `STABLE_MS` without a failure (and `CONFIRMATIONS` answers) — twice as long
 *   for each further relapse in a row, up to `MAX_STABLE_MS` — and meanwhile logs at most one
 *   summary per `SUMMARY_MS`, when both answers and failures happened since the last line:
 *   "LDAP directory unstable: <n> failures, <m> successes in the last <duration>: <last
 *   reason>" (warn).
 *
 * So however the directory fails, the log stays small: a flapping directory writes one summary
 * a minute; outages that come back within minutes of each other need longer and longer quiet
 * spells to end, so their "unreachable" and "back" lines thin out; each kind of trouble is
 * named once per outage.
 *
 * Time comes only from the calls (`clock`): with no requests, nothing is logged. Requests that
 * fail meanwhile log nothing here; their callers log them at debug.
 */
export class DirectoryHealth {
  #outage: Outage | null = null;
  /** When the last outage ended. */
  #recoveredAt = Number.NEGATIVE_INFINITY;
  /** Outages in a row that each began within `RELAPSE_MS` of the end of the one before. */
  #relapses = 0;

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  /**
   * The directory answered: a result, or a refusal of the request itself (wrong password, no
   * such entry) — any answer but the ones that say it cannot serve.
   */
  answered(): void {
    const outage = this.#outage;
    if (outage === null) return;
    const now = this.clock.now();
    if (outage.streak === 0) outage.streakSince = now;
    outage.streak++;
    outage.periodAnswers++;
    const proven =
      outage.streak >= CONFIRMATIONS && (!outage.unstable || now - outage.lastFailureAt >= outage.stableMs);
    if (proven) this.#recover(outage, now);
    else this.#summarize(outage, now);
  }

  /** The directory could not be used, for `reason` (an error message). */
  failed(kind: DirectoryTrouble, reason: string): void {
    const now = this.clock.now();
    let outage = this.#outage;
    if (outage === null) {
      outage = this.#begin(now);
    } else if (outage.streak > 0) {
      outage.unstable = true;
    }
    outage.streak = 0;
    outage.lastFailureAt = now;
    outage.lastReason = reason;
    outage.periodFailures++;
    if (outage.logged.has(kind)) {
      this.#summarize(outage, now);
      return;
    }
    outage.logged.add(kind);
    this.#logTrouble(kind, reason, now);
  }

  #begin(now: number): Outage {
    const relapse = now - this.#recoveredAt < RELAPSE_MS;
    this.#relapses = relapse ? this.#relapses + 1 : 0;
    const outage: Outage = {
      since: now,
      logged: new Set(),
      unstable: relapse,
      stableMs: Math.min(STABLE_MS * 2 ** Math.max(0, this.#relapses - 1), MAX_STABLE_MS),
      lastFailureAt: now,
      lastReason: '',
      streak: 0,
      streakSince: now,
      periodStart: now,
      periodFailures: 0,
      periodAnswers: 0,
    };
    this.#outage = outage;
    return outage;
  }

  #recover(outage: Outage, now: number): void {
    const downMs = outage.streakSince - outage.since;
    this.#outage = null;
    this.#recoveredAt = now;
    this.log.warn({ downMs }, `LDAP directory back after ${formatDuration(downMs)}`);
  }

  #summarize(outage: Outage, now: number): void {
    const periodMs = now - outage.periodStart;
    if (!outage.unstable || periodMs < SUMMARY_MS) return;
    if (outage.periodFailures === 0 || outage.periodAnswers === 0) return;
    const { periodFailures: failures, periodAnswers: successes, lastReason: reason } = outage;
    outage.periodStart = now;
    outage.periodFailures = 0;
    outage.periodAnswers = 0;
    this.log.warn(
      { failures, successes, periodMs, reason },
      `LDAP directory unstable: ${plural(failures, 'failure')}, ${plural(successes, 'success', 'successes')} in the last ${formatDuration(periodMs)}: ${reason}`,
    );
  }

  #logTrouble(kind: DirectoryTrouble, reason: string, now: number): void {
    const since = new Date(now).toISOString();
    switch (kind) {
      case 'unreachable':
      case 'unavailable':
        this.log.warn({ since, reason }, `LDAP directory ${kind} since ${since}: ${reason}`);
        return;
      case 'service-bind-rejected':
        this.log.error(
          { since, reason },
          `LDAP service bind rejected since ${since}: check LDAP_BINDDN and LDAP_BINDPW (${reason})`,
        );
        return;
      case 'service-bind-refused':
        this.log.error({ since, reason }, `LDAP service bind refused since ${since}: ${reason}`);
        return;
    }
  }
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `850 ms`, `42 s`, `1 min`, `3 min 5 s`, `2 h`, `2 h 1 min`: precise enough to read, not more. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}
