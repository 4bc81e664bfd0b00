import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { onCpu } from '../machine/pinning.js';
import type { FlowRunResult, LoadBounds, SsoTarget } from '../scenarios/sso-flow-plan.js';
import type { FromLoadGenerator, ToLoadGenerator } from './protocol.js';

const entry = join(import.meta.dirname, 'load-process.ts');
const tsx = import.meta.resolve('tsx');
/** Time allowed beyond the run's own bound before the load generator is given up on. */
const GRACE_MS = 60_000;

/** A load generator whose virtual users have signed in and warmed up, waiting for `go`. */
export interface PreparedLoad {
  readonly pid: number;
  readonly signInSeconds: number;
  readonly warmup: FlowRunResult;
  /** Runs the measured flows; resolves when they are done. The process stays until `stop`. */
  go(): Promise<FlowRunResult>;
  /** Ends it (it has nothing left to do once `go` resolved). */
  stop(): void;
}

/**
 * Starts the load generator as a process of its own (on `cpu` when not null) against
 * `target`, and resolves once it is ready.
 * @throws Error when it fails or overruns its bound by a minute.
 */
export async function prepareLoad(
  target: SsoTarget,
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
    send({ type: 'prepare', target, bounds });
    // Signing in costs a password hash per virtual user; then the warm-up, bounded like a run.
    const ready = await receive('ready', boundMs + GRACE_MS);
    return {
      pid: child.pid!,
      signInSeconds: ready.signInSeconds,
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
