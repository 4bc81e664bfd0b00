import { join } from 'node:path';
import { ConfigError } from '../config/errors.js';
import { healthCheckUrl } from '../config/konnect/healthcheck-url.js';
import { UsageError } from '../config/konnect/flags.js';
import { loadKonnectdConfig } from '../config/konnect/load.js';
import { RefusedError } from '../config/konnect/to-config.js';
import { createLogger } from '../log.js';
import { version } from '../version.js';
import type { CliIo } from './io.js';
import { runUntilSignalled } from './run-server.js';
import { abortOnStopSignals, startApp } from './start-app.js';
import { describeState, explainStartError } from './start-error.js';
import { generatedKeyPlace } from '../tokens/shared-signing-key.js';

export const konnectdUsage = `usage: konnectd <command>

  serve [flags] <identity-manager> [args]   run the provider; identity managers: ldap, builtin
  check [serve flags] <identity-manager>     try what serve would use (konnectd.cfg, clients,
                                            storage, keys, LDAP) without starting; exit 0 when fine
  healthcheck [--url URL | --hostname H --port P --path /health-check]
                                            check a running provider; exit 0 when healthy
  version                                   print the version
  help                                      print this help

serve flags are Kopano Konnect's (--iss, --listen, --signing-private-key, --signing-kid,
--signing-method, --validation-keys-path, --encryption-secret, --identifier-registration-conf,
--trusted-proxy, --allow-scope, --access-token-expiration, --id-token-expiration,
--refresh-token-expiration, --log-level, --insecure, --with-metrics, --metrics-listen, ...) plus Sesame's --config <konnectd.cfg>,
--log-format text|json, --data-dir and --storage. Precedence: flag > environment > konnectd.cfg
> default. Flags Sesame cannot honour are refused with a message.
`;

/** Options tests use to point Konnect's default locations elsewhere. */
export interface KonnectdCliOptions {
  readonly etcDir?: string;
  readonly systemDataDir?: string;
}

/** The `konnectd` command line (konnect-spec §1.1); returns the exit code. */
export async function konnectdCommand(
  argv: string[],
  io: CliIo,
  options: KonnectdCliOptions = {},
): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest, io, options);
    case 'check':
      // Loaded only here: it brings the LDAP client, which `serve builtin` does without.
      return (await import('./konnectd-check.js')).konnectdCheck(rest, io, options);
    case 'healthcheck':
      return healthcheck(rest, io, options);
    case 'version':
    case '--version':
      io.stdout.write(`konnectd (Sesame ${version()})\n`);
      return 0;
    case 'help':
    case '--help':
    case '-h':
    case undefined:
      io.stdout.write(konnectdUsage);
      return command === undefined ? 2 : 0;
    default:
      io.stderr.write(`konnectd: unknown command ${command}\n\n${konnectdUsage}`);
      return 2;
  }
}

async function serve(argv: string[], io: CliIo, options: KonnectdCliOptions): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(konnectdUsage);
    return 0;
  }
  let loaded;
  try {
    loaded = loadKonnectdConfig(argv, { env: io.env, cwd: io.cwd, ...options });
  } catch (error) {
    return reportStartError(error, io);
  }
  const { config, warnings, notes } = loaded;
  const log = createLogger(config);
  log.info({ version: version() }, 'serve start');
  for (const warning of warnings) log.warn(warning);
  for (const note of notes) log.info(note);
  if (config.signing.keys.length === 0 && generatedKeyPlace(config) === 'storage') {
    log.warn(
      'missing --signing-private-key parameter, using a generated key kept in the database, sealed with the instance secret (sesame keys rotates it)',
    );
  } else if (config.signing.keys.length === 0) {
    log.warn(
      { path: join(config.dataDir, 'keys') },
      'missing --signing-private-key parameter, using a generated key kept in the data directory',
    );
  }
  log.info(describeState(config));
  let app;
  const stopping = abortOnStopSignals(log);
  try {
    app = await startApp(config, log, { signal: stopping.signal });
  } catch (error) {
    const explained = explainStartError(error, config, 'konnectd');
    log.fatal({ err: error }, explained ?? 'failed to start');
    io.stderr.write(`konnectd: ${explained ?? (error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  } finally {
    stopping.dispose();
  }
  if (app === null) return 0;
  log.info('serve started');
  log.info({ listenAddr: `${config.listen.host}:${config.listen.port}` }, 'starting http listener');
  await runUntilSignalled(app, log, () => log.info({ issuer: config.issuer }, 'ready to handle requests'));
  return 0;
}

/** Usage and refusals exit 2, configuration problems 1; anything else is unexpected. */
function reportStartError(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.stderr.write(`konnectd serve: ${error.message}\n(see: konnectd help)\n`);
    return 2;
  }
  if (error instanceof RefusedError) {
    for (const problem of error.problems) io.stderr.write(`konnectd: ${problem}\n`);
    io.stderr.write('konnectd: not starting.\n');
    return 2;
  }
  if (error instanceof ConfigError) {
    io.stderr.write(`konnectd: the configuration has ${error.problems.length} problem(s); not starting:\n`);
    for (const problem of error.problems) io.stderr.write(`  ${problem}\n`);
    return 1;
  }
  throw error;
}

/** `konnectd healthcheck`: GET /health-check of a running instance; 0 on 200, else 1. */
async function healthcheck(argv: string[], io: CliIo, options: KonnectdCliOptions): Promise<number> {
  let url: string;
  try {
    url = healthCheckUrl(argv, { env: io.env, cwd: io.cwd, ...options });
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr.write(`konnectd healthcheck: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: 'manual' });
    await response.body?.cancel();
    if (response.status === 200) return 0;
    io.stderr.write(`konnectd healthcheck: ${url} answered ${response.status}\n`);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    io.stderr.write(`konnectd healthcheck: ${url} failed (${cause ?? (error as Error).message})\n`);
  }
  return 1;
}
