import { RegistrationFileError } from './registration-error.js';
import type { ParsedRegistration } from './registry-file.js';
import { startWorker } from './start-worker.js';

/** What the parse worker is given. */
export interface ParseJob {
  readonly text: string;
  readonly file: string;
  readonly issuer: string;
}

/** What the parse worker answers. */
export type ParseOutcome =
  | { readonly ok: true; readonly parsed: ParsedRegistration }
  | { readonly ok: false; readonly messages: string[] };

/**
 * Heap the worker may use per MiB of the largest file accepted. A dense 1 MiB registration
 * (10,000 clients) needs about 100 MB; a file of nothing but tiny scalars needs over 400 MB
 * and is refused for it rather than grow the server.
 */
const heapMbPerMiB = 256;

/**
 * `parseRegistration` (registry-file.ts) in a worker thread, so that parsing a large file —
 * yaml needs about a second for 1 MiB — never holds up the event loop, and a file that needs
 * too much memory ends the worker, not the server. Resolves with what `parseRegistration`
 * returns.
 *
 * @param context.maxFileBytes the largest file accepted; the worker's heap is sized from it.
 * @param context.signal ends the worker; the promise then rejects with the signal's reason.
 * @throws RegistrationFileError what `parseRegistration` throws, or that parsing ran out of
 *   memory. Any other failure of the worker rejects with its error.
 */
export async function parseRegistrationInWorker(
  text: string,
  file: string,
  context: { issuer: string; maxFileBytes: number; signal?: AbortSignal },
): Promise<ParsedRegistration> {
  context.signal?.throwIfAborted();
  const heapMb = heapMbPerMiB * Math.max(1, Math.ceil(context.maxFileBytes / 2 ** 20));
  const job: ParseJob = { text, file, issuer: context.issuer };
  const worker = startWorker(new URL('./parse-worker.js', import.meta.url), {
    workerData: job,
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
  });
  const stop = () => void worker.terminate();
  context.signal?.addEventListener('abort', stop, { once: true });
  const outcome = await new Promise<ParseOutcome>((resolve, reject) => {
    worker.once('message', (message: ParseOutcome) => resolve(message));
    worker.once('error', (error: Error & { code?: string }) => {
      if (error.code !== 'ERR_WORKER_OUT_OF_MEMORY') reject(error);
      else {
        reject(
          new RegistrationFileError([
            `${file}: parsing the registration file needed more than ${heapMb} MB of memory; it is refused`,
          ]),
        );
      }
    });
    worker.once('exit', (code) => {
      reject(
        context.signal?.aborted
          ? context.signal.reason
          : new Error(`the registration parser exited (code ${code})`),
      );
    });
  }).finally(() => {
    context.signal?.removeEventListener('abort', stop);
    stop();
  });
  if (!outcome.ok) throw new RegistrationFileError(outcome.messages);
  return outcome.parsed;
}
