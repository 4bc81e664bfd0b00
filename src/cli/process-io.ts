import type { CliIo } from './io.js';

/**
 * Runs a command against the real process: its streams, environment and working directory.
 * Sets the exit code; an unexpected error is printed as `<name>: message` with exit code 1.
 */
export async function runCommand(name: string, command: (io: CliIo) => Promise<number>): Promise<void> {
  const io: CliIo = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
  try {
    process.exitCode = await command(io);
  } catch (error) {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
