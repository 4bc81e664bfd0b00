import { version } from './main.js';

/**
 * The `konnectd` front door. `version` works; `serve` and `healthcheck` arrive with the
 * Konnect drop-in work and are refused until then rather than half-done.
 */
export async function runKonnectd(argv: string[]): Promise<void> {
  const [command] = argv;
  if (command === 'version') {
    process.stdout.write(`konnectd (Sesame ${version()})\n`);
    return;
  }
  process.stderr.write(
    `konnectd: '${command ?? ''}' is not implemented yet in this build of Sesame; use 'sesame serve' meanwhile.\n`,
  );
  process.exitCode = 2;
}
