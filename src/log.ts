import pino, { type Logger } from 'pino';
import type { Config } from './config/types.js';
import { textDestination } from './log-format/text-destination.js';

/**
 * The process logger, at the configured level, on stderr unless `destination` is given.
 *
 * - `log.format` `json`: pino JSON lines (`time` ISO 8601, `level` as its label, `msg`).
 * - `log.format` `text`: Konnect's logrus text lines (konnect-spec §6), e.g.
 *   `time="2021-05-06T10:00:00Z" level=info msg="serve start"` then the other fields sorted;
 *   `warn` prints as `level=warning`.
 *
 * `log.timestamp: false` (konnectd `--log-timestamp=false`) leaves the time out in both
 * formats.
 */
export function createLogger(
  config: Pick<Config, 'log'>,
  destination: NodeJS.WritableStream = process.stderr,
): Logger {
  const withTime = config.log.timestamp !== false;
  return pino(
    {
      level: config.log.level,
      base: undefined,
      timestamp: withTime ? pino.stdTimeFunctions.isoTime : false,
      formatters: { level: (label) => ({ level: label }) },
    },
    config.log.format === 'text' ? textDestination(destination) : destination,
  );
}
