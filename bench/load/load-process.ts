// The load generator, a process of its own (started by load-generator.ts, over an IPC channel):
// prepares one scenario (sessions, tokens, codes) and warms up on `prepare`, answers `ready`,
// waits for `go`, runs the measured requests or flows, answers `result` and exits when the
// orchestrator lets go of it.
import { performance } from 'node:perf_hooks';
import { countOf, prepareScenario } from '../scenarios/scenarios.js';
import { HttpClient } from './http-client.js';
import type { FromLoadGenerator, ToLoadGenerator } from './protocol.js';

const pending: ToLoadGenerator[] = [];
let waiting: ((message: ToLoadGenerator) => void) | null = null;
process.on('message', (message: ToLoadGenerator) => {
  if (waiting) {
    waiting(message);
    waiting = null;
  } else pending.push(message);
});
// The orchestrator going away ends the load generator too.
process.on('disconnect', () => process.exit(1));

function next(): Promise<ToLoadGenerator> {
  const queued = pending.shift();
  return queued ? Promise.resolve(queued) : new Promise((done) => (waiting = done));
}

function send(message: FromLoadGenerator): Promise<void> {
  return new Promise((done) => process.send!(message, () => done()));
}

try {
  const prepare = await next();
  if (prepare.type !== 'prepare') throw new Error(`expected prepare, got ${prepare.type}`);
  const { target, scenario, bounds } = prepare;
  // One connection per virtual user to each instance.
  const http = new HttpClient(bounds.concurrency);
  const started = performance.now();
  const prepared = await prepareScenario(http, target, scenario, bounds);
  const prepareSeconds = Math.round(performance.now() - started) / 1000;
  const warmup = await prepared.run(bounds.warmup, bounds.seconds);
  await send({ type: 'ready', prepareSeconds, warmup });
  const go = await next();
  if (go.type !== 'go') throw new Error(`expected go, got ${go.type}`);
  const result = await prepared.run(countOf(scenario, bounds), bounds.seconds);
  http.close();
  // Stay (idle) until the orchestrator has read this process's CPU time and disconnects.
  process.removeAllListeners('disconnect');
  process.on('disconnect', () => process.exit(0));
  await send({ type: 'result', result });
} catch (error) {
  await send({
    type: 'error',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exit(1);
}
