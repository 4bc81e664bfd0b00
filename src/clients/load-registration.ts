import { parseRegistration, type ParsedRegistration } from './registry-file.js';
import { parseRegistrationInWorker } from './parse-in-worker.js';
import { readRegistrationFile } from './read-registration-file.js';

/**
 * Texts up to this many characters are parsed in place: a few dozen clients, a few
 * milliseconds. Larger ones go to a worker thread (yaml needs about a second for 1 MiB).
 */
export const inPlaceParseChars = 32 * 1024;

export interface RegistrationContext {
  readonly issuer: string;
  /** The largest file accepted, bytes (`limits.registration_file_bytes`). */
  readonly maxFileBytes: number;
  /** Ends a parse under way in a worker; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * {@link parseRegistration} without holding up the event loop for a large text: small texts
 * are parsed in place, larger ones by {@link parseRegistrationInWorker}.
 *
 * @throws RegistrationFileError as `parseRegistration` and `parseRegistrationInWorker` do.
 */
export async function parseRegistrationText(
  text: string,
  file: string,
  context: RegistrationContext,
): Promise<ParsedRegistration> {
  if (text.length <= inPlaceParseChars) return parseRegistration(text, file, { issuer: context.issuer });
  return parseRegistrationInWorker(text, file, context);
}

/**
 * Reads (see {@link readRegistrationFile}: refused above `maxFileBytes`) and parses a
 * registration file, for commands that check it.
 *
 * @throws RegistrationFileError naming the file and every problem.
 */
export async function loadRegistrationFile(
  file: string,
  context: RegistrationContext,
): Promise<ParsedRegistration> {
  return parseRegistrationText(await readRegistrationFile(file, context.maxFileBytes), file, context);
}
