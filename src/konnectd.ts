import { konnectdCommand } from './cli/konnectd.js';
import { runCommand } from './cli/process-io.js';

/**
 * The `konnectd` command for the real process (konnect-spec §1.1): `serve`, `healthcheck`,
 * `version`, `help`. Sets the exit code; `bin/konnectd.js` calls this.
 */
export async function runKonnectd(argv: string[]): Promise<void> {
  await runCommand('konnectd', (io) => konnectdCommand(argv, io));
}
