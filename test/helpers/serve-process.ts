// `sesame serve` run the way an operator types it: in a directory of their choosing, with
// whatever arguments and environment, for tests about what it does before it serves anyone.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { waitUntilReady } from './sesame-process.js';

const entry = join(resolve(import.meta.dirname, '../..'), 'test/helpers/run-sesame.ts');
const tsx = import.meta.resolve('tsx');

export interface ServeRun {
  /** True once /health-check answered at the issuer; false when the process exited first. */
  readonly ready: boolean;
  /** The exit code once it has exited, else null. */
  exitCode(): number | null;
  stdout(): string;
  /** The log (and any message written before the log existed). */
  stderr(): string;
  /** Waits up to `ms` for `text` to appear in stdout or stderr; says whether it did. */
  waitFor(text: string, ms?: number): Promise<boolean>;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Runs `sesame serve <args>` from the sources in `cwd`, with this process's environment minus
 * every `SESAME_*` variable, plus `env`; waits until it answers at `issuer` or exits.
 */
export async function serveIn(
  cwd: string,
  options: {
    readonly args?: readonly string[];
    readonly env?: Record<string, string>;
    readonly issuer: string;
  },
): Promise<ServeRun> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('SESAME_')),
  );
  const child = spawn(process.execPath, ['--import', tsx, entry, 'serve', ...(options.args ?? [])], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...inherited, ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let code: number | null = null;
  const exited = new Promise<number>((done) =>
    child.on('close', (c) => {
      code = c ?? 1;
      done(code);
    }),
  );
  let ready = true;
  try {
    await waitUntilReady(options.issuer, exited, () => stderr + stdout);
  } catch (error) {
    if (code === null) {
      child.kill('SIGKILL');
      throw error;
    }
    ready = false;
  }
  return {
    ready,
    exitCode: () => code,
    stdout: () => stdout,
    stderr: () => stderr,
    async waitFor(text, ms = 5000) {
      const deadline = Date.now() + ms;
      while (!(stdout + stderr).includes(text) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      return (stdout + stderr).includes(text);
    },
    async stop() {
      if (code !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
