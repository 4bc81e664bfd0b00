import { formatLogfmt } from './logfmt.js';

/** What pino writes to: one serialized JSON record per call (pino's `DestinationStream`). */
export interface LineDestination {
  write(line: string): void;
}

/**
 * A pino destination that re-renders each JSON line as a logrus text line
 * (konnect-spec §6) and writes it to `target`. Runs in-process and synchronously, so lines
 * keep their order and a fatal line is written before the process exits. A line that is not
 * a JSON object (never produced by pino) is passed through unchanged.
 */
export function textDestination(target: NodeJS.WritableStream): LineDestination {
  return {
    write(chunk: string): void {
      for (const line of chunk.split('\n')) {
        if (line !== '') target.write(`${render(line)}\n`);
      }
    },
  };
}

function render(line: string): string {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return line;
  return formatLogfmt(record as Record<string, unknown>);
}
