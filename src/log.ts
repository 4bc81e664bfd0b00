import pino, { type Logger } from 'pino';
import type { Config } from './config/types.js';

/** The process logger: JSON lines on stderr (pino), at the configured level. */
export function createLogger(config: Pick<Config, 'log'>, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level: config.log.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
