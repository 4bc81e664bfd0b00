import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { onCpu } from '../machine/pinning.js';
import type { LoadBounds, LoadTarget, RunResult, ScenarioId } from '../scenarios/plan.js';
import type { FromLoadGenerator, ToLoadGenerator } from './protocol.js';

const entry = join(import.meta.dirname, 'load-process.ts');
const tsx = import.meta.resolve('tsx');
/** Time allowed beyond the run's own bound before the load generator is given up on. */
const GRACE_MS = 60_000;

/** A load generator that has prepared its scenario and warmed up, waiting for `go`. */
export interface PreparedLoad {
  readonly pid: number;
  readonly prepareSeconds: number;
  readonly warmup: RunResult;
  /** Runs the measured requests or flows; resolves when they are done. The process stays until `stop`. */
  go(): Promise<RunResult>;
  /** Ends it (it has nothing left to do once `go` resolved). */
  stop(): void;
}

/**
 * Starts the load generator as a process of its own (on `cpu` when not null) for `scenario`
 * against `target`, and resolves once it is ready.
 * @throws Error when it fails or overruns its bound by a minute.
 */
export async function prepareLoad(
  target: LoadTarget,
  scenario: ScenarioId,
  bounds: LoadBounds,
  cpu: number | null,
): Promise<PreparedLoad> {
  const [command, args] = onCpu(cpu, process.execPath, ['--import', tsx, entry]);
  const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages: FromLoadGenerator[] = [];
  let waiting: (() => void) | null = null;
  let exited = false;
  const wake = () => {
    waiting?.();
    waiting = null;
  };
  child.on('message', (message: FromLoadGenerator) => {
    messages.push(message);
    wake();
  });
  child.on('exit', () => {
    exited = true;
    wake();
  });
  const stop = () => {
    if (!exited) child.kill('SIGKILL');
  };
  const receive = async <T extends FromLoadGenerator['type']>(
    type: T,
    withinMs: number,
  ): Promise<Extract<FromLoadGenerator, { type: T }>> => {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const message = messages.shift();
      if (message?.type === 'error') throw new Error(`load generator failed: ${message.message}`);
      if (message?.type === type) return message as Extract<FromLoadGenerator, { type: T }>;
      if (message) throw new Error(`load generator sent ${message.type}, expected ${type}`);
      if (exited) throw new Error('load generator exited early');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`load generator sent no ${type} in time`);
      await new Promise<void>((done) => {
        const timer = setTimeout(done, left);
        waiting = () => {
          clearTimeout(timer);
          done();
        };
      });
    }
  };
  const send = (message: ToLoadGenerator) => child.send(message);
  const boundMs = bounds.seconds * 1000 + GRACE_MS;
  try {
    send({ type: 'prepare', target, scenario, bounds });
    // Signing in costs a password hash per virtual user, codes are made; then the warm-up, bounded like a run.
    const ready = await receive('ready', 2 * boundMs + GRACE_MS);
    return {
      pid: child.pid!,
      prepareSeconds: ready.prepareSeconds,
      warmup: ready.warmup,
      async go() {
        send({ type: 'go' });
        return (await receive('result', boundMs)).result;
      },
      stop,
    };
  } catch (error) {
    stop();
    throw error;
  }
}
