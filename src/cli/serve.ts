import { loadConfig } from '../config/load.js';
import { ConfigError } from '../config/errors.js';
import { createLogger } from '../log.js';
import { createApp } from '../app.js';
import type { DemoInfo } from '../demo.js';
import type { CliIo } from './io.js';
import { runUntilSignalled } from './run-server.js';

/** `sesame serve [--config sesame.yaml]`: runs the provider until SIGINT/SIGTERM; SIGHUP reloads the client registry. */
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
    loaded = loadConfig({ ...(file === undefined ? {} : { file }), env: io.env, cwd: io.cwd });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`sesame: the configuration has ${error.problems.length} problem(s); not starting:\n`);
      for (const problem of error.problems) io.stderr.write(`  ${problem}\n`);
      return 1;
    }
    throw error;
  }
  const { config, warnings } = loaded;
  const log = createLogger(config);
  for (const warning of warnings) log.warn(warning);
  const app = await createApp(config, log);
  await runUntilSignalled(app, log, (address) => {
    log.info({ listen: address, issuer: config.issuer }, 'ready to handle requests');
    if (app.demo) io.stdout.write(demoBanner(config.issuer, app.demo));
  });
  return 0;
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
