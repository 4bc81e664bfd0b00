import { konnectdCommand } from './cli/konnectd.js';
import type { CliIo } from './cli/io.js';

/**
 * The `konnectd` command for the real process (konnect-spec §1.1): `serve`, `healthcheck`,
 * `version`, `help`. Sets the exit code; `bin/konnectd.js` calls this.
 */
export async function runKonnectd(argv: string[]): Promise<void> {
  const io: CliIo = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
  try {
    process.exitCode = await konnectdCommand(argv, io);
  } catch (error) {
    process.stderr.write(`konnectd: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
