import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { paths } from '../../src/endpoints/paths.js';
import { startServer } from './server-process.js';
import type { ServerCode, ServerProcess } from './types.js';

/** tsx, resolved here so that processes started in other directories find it. */
const tsx = import.meta.resolve('tsx');
/** The `sesame` command from the sources, or the compiled build `npm start` runs. */
const COMMANDS: Record<ServerCode, readonly string[]> = {
  sources: ['--import', tsx, join(import.meta.dirname, 'sesame-main.ts')],
  dist: [join(import.meta.dirname, '../../bin/sesame.js')],
};

/**
 * Runs `sesame <args>` in `cwd`, `stdin` on its standard input.
 * @throws Error with its output when it exits with another code than 0.
 */
export async function sesameCommand(
  from: ServerCode,
  args: readonly string[],
  cwd: string,
  stdin = '',
): Promise<void> {
  const child = spawn(process.execPath, [...COMMANDS[from], ...args], {
    cwd,
    stdio: 'pipe',
    env: cleanEnv(),
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  child.stdin.end(stdin);
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));
  if (code !== 0) throw new Error(`sesame ${args.slice(0, 2).join(' ')} exited with ${code}:\n${output}`);
}

/**
 * Starts `sesame serve --config <configFile>` in `dir` (on `cpu` when not null), its log in
 * `<dir>/serve.log`, and resolves once `<url>` + the discovery path answers 200.
 * @throws Error with the log's end when it exits first or is not ready within a minute.
 */
export function startServe(options: {
  readonly name: string;
  readonly dir: string;
  readonly configFile: string;
  readonly url: string;
  readonly cpu: number | null;
  readonly code: ServerCode;
}): Promise<ServerProcess> {
  return startServer({
    name: options.name,
    dir: options.dir,
    nodeArgs: [...COMMANDS[options.code], 'serve', '--config', options.configFile],
    readyUrl: `${options.url}${paths.discovery}`,
    cpu: options.cpu,
    env: cleanEnv(),
  });
}

/** This environment without `SESAME_*`: each instance is configured by its own file only. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SESAME_')));
}
