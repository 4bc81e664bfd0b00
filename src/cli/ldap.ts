import { createHash } from 'node:crypto';
import pino from 'pino';
import { ldapConfigFromEnv } from '../config/ldap-env.js';
import { ConfigError } from '../config/errors.js';
import { createLdapBackend } from '../identity/ldap/index.js';
import { IdentityUnavailableError } from '../identity/types.js';
import { konnectSubject } from '../tokens/subject.js';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { cfgSettings, parseCfgFile } from '../config/konnect/cfg-file.js';
import { effectiveEnv } from '../config/konnect/env.js';
import { ArgsError, parseArgs } from './args.js';
import type { CliIo } from './io.js';

const USAGE = `Usage:
  sesame ldap whois <username> [--config konnectd.cfg] [--insecure] [--nextcloud-provider NAME]

Looks the user up in the directory configured by the LDAP_* (or CLOUDRON_LDAP_*)
environment variables — and the ldap_* keys of a konnectd.cfg given with --config —
exactly as sign-in does, and prints the raw id and the \`sub\`
Sesame will issue — the same value Kopano Konnect issued for that user. With
--nextcloud-provider, also prints the Nextcloud user id that Social Login derives from it.
`;

/**
 * `sesame ldap whois`: checks, before switching from Konnect, that subjects will match
 * (konnect-spec §5.1, §9.1). Exit codes: 0 found, 1 no such user, 2 configuration or
 * directory problem.
 */
export async function ldapCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'whois' || rest.includes('--help')) {
    (sub === undefined || sub === 'help' || rest.includes('--help') ? io.stdout : io.stderr).write(USAGE);
    return sub === 'whois' || sub === 'help' ? 0 : 2;
  }
  let username: string;
  let options;
  try {
    const parsed = parseArgs(rest, {
      insecure: 'boolean',
      'nextcloud-provider': 'string',
      config: 'string',
    } as const);
    options = parsed.options;
    if (parsed.positionals.length !== 1) throw new ArgsError('expected exactly one <username>');
    username = parsed.positionals[0] as string;
  } catch (error) {
    if (!(error instanceof ArgsError)) throw error;
    io.stderr.write(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  let env: Readonly<Record<string, string | undefined>> = io.env;
  let insecure = options.insecure === true;
  if (typeof options.config === 'string') {
    const path = resolve(io.cwd, options.config);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      io.stderr.write(
        `error: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`,
      );
      return 2;
    }
    let fromFile;
    try {
      fromFile = cfgSettings(parseCfgFile(path, text), 'ldap');
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const problem of error.problems) io.stderr.write(`error: ${problem}\n`);
      return 2;
    }
    env = effectiveEnv(io.env, fromFile.env);
    insecure ||= fromFile.settings.get('insecure')?.value === true;
  }
  let loaded;
  try {
    loaded = ldapConfigFromEnv(env, { insecureTls: insecure });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write('error: the LDAP environment is not valid:\n');
    for (const problem of error.problems) io.stderr.write(`  - ${problem}\n`);
    return 2;
  }
  for (const warning of loaded.warnings) io.stderr.write(`warning: ${warning}\n`);
  const backend = createLdapBackend(
    loaded.config,
    pino({ level: 'warn' }, io.stderr as NodeJS.WritableStream),
  );
  try {
    const identity = await backend.findByUsername(username);
    if (identity === null) {
      io.stderr.write(
        `No single entry with ${loaded.config.attributes.login}=${username} under ${loaded.config.baseDn}.\n`,
      );
      return 1;
    }
    const sub = konnectSubject(identity.id, backend.subjectNamespace);
    const lines: [string, string][] = [
      ['username', identity.username],
      ['raw id', identity.id],
      ['sub', sub],
      ['name', identity.name ?? ''],
      ['email', identity.email ?? ''],
      ['groups', (identity.groups ?? []).join(', ')],
    ];
    const provider = options['nextcloud-provider'];
    if (typeof provider === 'string') lines.push(['nextcloud uid', nextcloudUid(provider, sub)]);
    for (const [label, value] of lines) io.stdout.write(`${`${label}:`.padEnd(15)}${value}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof IdentityUnavailableError)) throw error;
    io.stderr.write(`error: the directory cannot be reached: ${error.message}\n`);
    return 2;
  } finally {
    await backend.close();
  }
}

/**
 * The user id Nextcloud Social Login gives a custom OIDC user (konnect-spec §9.1):
 * `<provider>-<sub>`, or `<provider>-md5(sub)` when that is longer than 64 characters or has
 * characters outside `[A-Za-z0-9_.@-]` — always the case for Konnect's 94-character subs.
 */
export function nextcloudUid(provider: string, sub: string): string {
  const plain = `${provider}-${sub}`;
  if (plain.length <= 64 && /^[A-Za-z0-9_.@-]+$/.test(plain)) return plain;
  return `${provider}-${createHash('md5').update(sub).digest('hex')}`;
}
