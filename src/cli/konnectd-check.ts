import { ConfigError } from '../config/errors.js';
import { UsageError } from '../config/konnect/flags.js';
import { loadKonnectdConfig } from '../config/konnect/load.js';
import { RefusedError } from '../config/konnect/to-config.js';
import type { CliIo } from './io.js';
import { report, runPreflight } from './preflight.js';

export interface KonnectdCheckOptions {
  /** Konnect's default locations, moved elsewhere by tests (see `KonnectdCliOptions`). */
  readonly etcDir?: string;
  readonly systemDataDir?: string;
}

/**
 * `konnectd check [serve flags] [identity-manager]`: reads konnectd.cfg, the flags and the
 * environment exactly as `konnectd serve` would, then tries what it would use — the client
 * registration, storage, signing keys and the LDAP directory — without starting a server. Exit
 * code 0 when all is well, 1 when a part fails, 2 for flags `serve` would refuse.
 */
export async function konnectdCheck(
  argv: string[],
  io: CliIo,
  options: KonnectdCheckOptions = {},
): Promise<number> {
  let loaded;
  try {
    loaded = loadKonnectdConfig(argv, { env: io.env, cwd: io.cwd, ...options });
  } catch (error) {
    if (error instanceof UsageError) {
      report(io, { ok: false, text: `konnectd flags: ${error.message}` });
      return 2;
    }
    if (error instanceof RefusedError) {
      report(io, { ok: false, text: 'konnectd flags: serve would refuse them', details: error.problems });
      return 2;
    }
    if (error instanceof ConfigError) {
      report(io, { ok: false, text: 'konnectd configuration', details: error.problems });
      return 1;
    }
    throw error;
  }
  const { config, warnings, notes } = loaded;
  report(io, {
    ok: true,
    text: `konnectd configuration${argv.includes('--config') ? ` ${argv[argv.indexOf('--config') + 1] ?? ''}` : ''}: issuer ${config.issuer}, identity ${config.identity.kind}`,
    details: [...warnings.map((w) => `warning: ${w}`), ...notes.map((n) => `note: ${n}`)],
  });
  const { healthy } = await runPreflight(config, io);
  return healthy ? 0 : 1;
}
