import { parseRegistration, type ParsedRegistration } from './registry-file.js';
import { parseRegistrationInWorker } from './parse-in-worker.js';
import { readRegistrationFile } from './read-registration-file.js';

/**
 * Texts up to this many characters are parsed in place when nothing is served yet: a few
 * dozen clients, a few milliseconds. Larger ones go to a worker thread (yaml needs about a
 * second for 1 MiB), whose heap limit also bounds what a hostile file can make the process use.
 */
const inPlaceParseChars = 32 * 1024;

export interface RegistrationContext {
  readonly issuer: string;
  /** The largest file accepted, bytes (`limits.registration_file_bytes`). */
  readonly maxFileBytes: number;
  /** Ends a parse under way in a worker; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * {@link parseRegistration} for a one-off load, when no request is being served (start-up, a
 * command): a small text is parsed in place, a larger one by
 * {@link parseRegistrationInWorker}. A server that is serving parses with
 * `parseRegistrationInWorker` alone: even a small text can hold the event loop for most of a
 * second (32 KB of nested `[`).
 *
 * @throws RegistrationFileError as `parseRegistration` and `parseRegistrationInWorker` do.
 */
export async function parseRegistrationOnce(
  text: string,
  file: string,
  context: RegistrationContext,
): Promise<ParsedRegistration> {
  if (text.length <= inPlaceParseChars) return parseRegistration(text, file, { issuer: context.issuer });
  return parseRegistrationInWorker(text, file, context);
}

/**
 * Reads (see {@link readRegistrationFile}: refused above `maxFileBytes`) and parses a
 * registration file with {@link parseRegistrationOnce}, for start-up and for commands.
 *
 * @throws RegistrationFileError naming the file and every problem.
 */
export async function loadRegistrationFile(
  file: string,
  context: RegistrationContext,
): Promise<ParsedRegistration> {
  return parseRegistrationOnce(await readRegistrationFile(file, context.maxFileBytes), file, context);
}
