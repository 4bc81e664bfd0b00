import type { Logger } from 'pino';
import { createApp, metricsFor, type App } from '../app.js';
import { systemClock } from '../lib/clock.js';
import type { Config } from '../config/types.js';
import { formatDuration } from '../identity/ldap/directory-health.js';
import { isStorageOutage } from '../oauth/storage-outage.js';

/** The waits between attempts while the database cannot be reached at start: 1 s, 2 s, 4 s, then 5 s. */
export const STORAGE_RETRY_DELAYS_MS: readonly number[] = [1000, 2000, 4000, 5000];

export interface StartAppOptions {
  /** Aborting it (SIGINT, SIGTERM) ends the waiting: `startApp` resolves null. */
  readonly signal: AbortSignal;
  /** Builds the app; `createApp` unless a test says otherwise. */
  readonly create?: (config: Config, log: Logger) => Promise<App>;
  /** The waits between attempts; the last one repeats. Default {@link STORAGE_RETRY_DELAYS_MS}. */
  readonly delaysMs?: readonly number[];
}

/**
 * `createApp`, tried again while a PostgreSQL database cannot be reached (`StorageError`
 * 'unavailable': migrations cannot run), so that Sesame started before its database waits for
 * it instead of exiting. The first failure is logged at error with the reason and what to
 * check, later ones at warn when the reason changes (else at info), with the wait before the
 * next attempt (at most 5 s); the attempt that succeeds after failures says so. Resolves null
 * as soon as `signal` aborts; an attempt under way then finishes by itself and is closed.
 *
 * Anything else is rethrown, as are SQLite's failures to open its file (a permission or path
 * problem, not a server that may come): configuration errors still end the start.
 */
export async function startApp(config: Config, log: Logger, options: StartAppOptions): Promise<App | null> {
  // One metrics registry for every attempt: its process monitors cannot be stopped once started.
  const metrics = await metricsFor(config);
  const create = options.create ?? ((c: Config, l: Logger) => createApp(c, l, systemClock, metrics));
  const delays = options.delaysMs ?? STORAGE_RETRY_DELAYS_MS;
  let lastReason: string | null = null;
  for (let attempt = 1; ; attempt++) {
    const pending = create(config, log);
    const outcome = await settledUnlessAborted(pending, options.signal);
    if (outcome === 'aborted') {
      void pending.then((app) => app.close()).catch(() => {});
      return null;
    }
    if (outcome.ok) {
      if (lastReason !== null) log.warn({ attempt }, `storage answers; starting (attempt ${attempt})`);
      return outcome.app;
    }
    const { error } = outcome;
    if (config.storage.kind !== 'postgres' || !isStorageOutage(error)) throw error;
    const delayMs = delays[Math.min(attempt, delays.length) - 1] ?? 5000;
    const next = `trying again in ${formatDuration(delayMs)}`;
    if (lastReason === null) {
      log.error(
        { reason: error.message },
        `storage unavailable at start: ${error.message}; check that PostgreSQL is running and accepts connections, and the storage setting (\`storage\`, SESAME_STORAGE, konnectd --storage); ${next}`,
      );
    } else {
      const level = error.message === lastReason ? 'info' : 'warn';
      log[level](
        { attempt, reason: error.message },
        `storage still unavailable (attempt ${attempt}): ${error.message}; ${next}`,
      );
    }
    lastReason = error.message;
    if (!(await sleepUnlessAborted(delayMs, options.signal))) return null;
  }
}

/**
 * An AbortSignal that SIGINT or SIGTERM aborts while the app starts (logging the signal), and
 * `dispose` to stop listening for them once it has started. A second signal ends the process
 * at once (the default action), since the first one's handler is gone.
 */
export function abortOnStopSignals(log: Logger): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals): void => {
    log.info({ signal }, 'received signal while starting, not starting');
    dispose();
    controller.abort();
  };
  const dispose = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { signal: controller.signal, dispose };
}

type Settled = { readonly ok: true; readonly app: App } | { readonly ok: false; readonly error: unknown };

function settledUnlessAborted(pending: Promise<App>, signal: AbortSignal): Promise<Settled | 'aborted'> {
  if (signal.aborted) return Promise.resolve('aborted');
  return new Promise((done) => {
    const onAbort = (): void => done('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (app) => {
        signal.removeEventListener('abort', onAbort);
        done({ ok: true, app });
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        done({ ok: false, error });
      },
    );
  });
}

/** Waits `ms`; false when `signal` aborted first. */
function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((done) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      done(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      done(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
