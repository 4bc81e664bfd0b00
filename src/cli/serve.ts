import type { Logger } from 'pino';
import { ConfigError } from '../config/errors.js';
import type { LocatedConfig } from '../config/locate.js';
import type { Config } from '../config/types.js';
import { createLogger } from '../log.js';
import type { App } from '../app.js';
import type { DemoInfo } from '../demo.js';
import { DemoRefusedError } from '../demo-guard.js';
import type { CliIo } from './io.js';
import { loadCommandConfig } from './load-config.js';
import { runUntilSignalled } from './run-server.js';
import { abortOnStopSignals, startApp } from './start-app.js';
import { describeState, explainStartError } from './start-error.js';

/**
 * `sesame serve [--config sesame.yaml]`: runs the provider until SIGINT/SIGTERM; SIGHUP
 * reloads the client registry. Without `--config` it loads the file `SESAME_CONFIG` names, else
 * `./sesame.yaml` when there is one; the log says which file was loaded, or that there was none. A demo that would go into a
 * real instance's data is refused: the message goes to stderr and the exit code is 1. A
 * PostgreSQL database that cannot be reached is waited for (`startApp`); "ready to handle
 * requests" is logged once storage and the directory answer (`runUntilSignalled`).
 */
export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--config' || arg === '-c') file = argv[++i];
    else if (arg.startsWith('--config=')) file = arg.slice('--config='.length);
    else {
      io.stderr.write(`sesame serve: unknown argument ${arg}\nusage: sesame serve [--config sesame.yaml]\n`);
      return 2;
    }
  }
  if (argv.includes('--config') && file === undefined) {
    io.stderr.write('sesame serve: --config needs a file\n');
    return 2;
  }
  let loaded;
  try {
    loaded = loadCommandConfig(file, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`sesame: the configuration has ${error.problems.length} problem(s); not starting:\n`);
      for (const problem of error.problems) io.stderr.write(`  ${problem}\n`);
      return 1;
    }
    throw error;
  }
  const { config, warnings, located, configuringSettings } = loaded;
  const log = createLogger(config);
  logConfigSource(log, located, config, configuringSettings);
  for (const warning of warnings) log.warn(warning);
  log.info(describeState(config));
  let app: App | null;
  const stopping = abortOnStopSignals(log);
  try {
    app = await startApp(config, log, { signal: stopping.signal });
  } catch (error) {
    const explained =
      error instanceof DemoRefusedError ? error.message : explainStartError(error, config, 'sesame');
    if (explained === null) throw error;
    log.fatal({ err: error }, explained);
    io.stderr.write(`sesame: ${explained}\n`);
    return 1;
  } finally {
    stopping.dispose();
  }
  if (app === null) return 0;
  await runUntilSignalled(app, log, (address) => {
    log.info({ listen: address, issuer: config.issuer }, 'ready to handle requests');
    if (app.demo) io.stdout.write(demoBanner(config.issuer, app.demo));
  });
  return 0;
}

/** One info line: the file the configuration came from, or that there was none and whether that is a demo. */
function logConfigSource(
  log: Logger,
  located: LocatedConfig,
  config: Config,
  settings: readonly string[],
): void {
  switch (located.kind) {
    case 'given':
      log.info({ file: located.file }, 'loaded configuration file');
      return;
    case 'env':
      log.info(
        { file: located.file },
        'loaded configuration file named by SESAME_CONFIG (no --config given)',
      );
      return;
    case 'found':
      log.info(
        { file: located.file },
        'loaded configuration file from the working directory (no --config given)',
      );
      return;
    case 'none': {
      const mode = config.demo
        ? 'a development instance with a demo user and client'
        : settings.length > 0
          ? `not a demo, because ${settings.join(', ')} ${settings.length === 1 ? 'is' : 'are'} set`
          : 'not a demo (SESAME_DEMO=false)';
      log.info(
        { looked: located.looked },
        `no configuration file (no --config, no SESAME_CONFIG, no sesame.yaml in the working directory): defaults and SESAME_* settings, ${mode}`,
      );
    }
  }
}

function demoBanner(issuer: string, demo: DemoInfo): string {
  return [
    '',
    `Sesame is running at ${issuer} (development instance).`,
    '',
    `  Demo user:      ${demo.username}`,
    `  Password:       ${demo.password}`,
    `  Demo client:    ${demo.clientId}`,
    `  Client secret:  ${demo.clientSecret}`,
    `  Redirect URI:   ${demo.redirectUri}`,
    `  Clients file:   ${demo.registrationFile}`,
    '',
    'Open this URL in a browser to try a sign-in:',
    '',
    `  ${demo.loginUrl}`,
    '',
    `Discovery: ${issuer}/.well-known/openid-configuration`,
    '',
  ].join('\n');
}
