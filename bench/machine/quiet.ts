import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { readSystemTicks } from './cpu-usage.js';

/** What the machine was doing just before a measured run. */
export interface QuietReport {
  /** Whether the busy level fell below the threshold before the wait ran out. */
  readonly quiet: boolean;
  readonly waitedSeconds: number;
  /** Cores busy during the last one-second sample (our own processes are idle then); null without /proc. */
  readonly busyCores: number | null;
  /** /proc/loadavg's 1, 5 and 15 minute figures at the end of the wait. */
  readonly loadavg: readonly [number, number, number];
}

/**
 * Samples the machine one second at a time until fewer than `thresholdCores` are busy or
 * `maxSeconds` have passed (at least one sample is always taken), and says what it saw. The
 * benchmark's own processes must be idle meanwhile: what is busy then is someone else.
 */
export async function waitForQuiet(
  cores: number,
  options: { readonly maxSeconds: number; readonly thresholdCores: number },
): Promise<QuietReport> {
  const started = Date.now();
  let busyCores: number | null = null;
  for (;;) {
    const before = readSystemTicks();
    await sleep(1000);
    const after = readSystemTicks();
    if (before && after && after.total > before.total) {
      busyCores = Math.round(((after.busy - before.busy) * cores * 100) / (after.total - before.total)) / 100;
    }
    const waitedSeconds = Math.round((Date.now() - started) / 100) / 10;
    const quiet = busyCores !== null && busyCores < options.thresholdCores;
    if (quiet || busyCores === null || waitedSeconds >= options.maxSeconds) {
      const [one = 0, five = 0, fifteen = 0] = loadavg();
      return { quiet, waitedSeconds, busyCores, loadavg: [one, five, fifteen] };
    }
  }
}
