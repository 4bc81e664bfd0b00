// The worker thread behind parseRegistrationInWorker: parses one registration text and posts
// the outcome. A file error is an outcome; anything else is a bug and fails the worker.
import { parentPort, workerData } from 'node:worker_threads';
import { parseRegistration } from './registry-file.js';
import { RegistrationFileError } from './registration-error.js';
import type { ParseJob, ParseOutcome } from './parse-in-worker.js';

const job = workerData as ParseJob;
let outcome: ParseOutcome;
try {
  outcome = { ok: true, parsed: parseRegistration(job.text, job.file, { issuer: job.issuer }) };
} catch (error) {
  if (!(error instanceof RegistrationFileError)) throw error;
  outcome = { ok: false, messages: [...error.messages] };
}
parentPort?.postMessage(outcome);
