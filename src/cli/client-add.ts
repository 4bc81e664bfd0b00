import { addClientEntry, entryIds, RegistrationEditError } from '../clients/registration-edit.js';
import { ArgsError, parseArgs } from './args.js';
import { formatAdded } from './client-output.js';
import { planClient } from './client-plan.js';
import {
  ClientCommandError,
  loadRegistration,
  loadTarget,
  TARGET_OPTIONS,
  writeRegistration,
} from './client-registration.js';
import type { CliIo } from './io.js';
import { presets } from './presets/all.js';
import type { Preset } from './presets/types.js';

/** The start of a registration file `sesame client add` creates. */
const NEW_FILE = `# Clients of this Sesame provider, in Kopano Konnect's identifier-registration.yaml format.
# Edit it by hand or with sesame client add|remove; a running server applies changes by itself.
`;

/** Client ids: printable ASCII without spaces (Konnect's include URLs, e.g. kpop-https://…). */
const CLIENT_ID = /^[\x21-\x7e]{1,200}$/;
/** What goes into a redirect URI path segment: Nextcloud's internal name, Rocket.Chat's service name. */
const PROVIDER_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * `sesame client add <preset> …`: registers the app with a new secret and prints what to
 * enter in it. Refuses an id the file already has.
 */
export async function addClient(argv: string[], io: CliIo, newSecret: () => string): Promise<number> {
  const { values: redirectUris, rest } = takeRepeated(argv, 'redirect-uri');
  const { options, positionals } = parseArgs(rest, {
    ...TARGET_OPTIONS,
    url: 'string',
    id: 'string',
    name: 'string',
    'provider-name': 'string',
    trusted: 'boolean',
    consent: 'boolean',
  } as const);
  const [presetName, extra] = positionals;
  if (presetName === undefined)
    throw new ArgsError(`which app? name a preset: ${[...presets.keys()].join(', ')}`);
  if (extra !== undefined) throw new ArgsError(`unexpected argument "${extra}"`);
  const preset = presets.get(presetName);
  if (preset === undefined) {
    throw new ArgsError(
      `there is no preset "${presetName}"; the presets are ${[...presets.keys()].join(', ')}`,
    );
  }
  if (options.trusted && options.consent) throw new ArgsError('give --trusted or --consent, not both');
  const isGeneric = preset.name === 'generic';
  if (isGeneric && redirectUris.length === 0) {
    throw new ArgsError("generic needs the app's redirect URI: --redirect-uri URI (once per URI)");
  }
  if (!isGeneric && redirectUris.length > 0) {
    throw new ArgsError(`--redirect-uri is for generic; ${preset.name}'s redirect URI comes from --url`);
  }
  if (!isGeneric && options.url === undefined) {
    throw new ArgsError(`${preset.name} needs the app's address: --url https://…`);
  }
  const url = options.url === undefined ? '' : appUrl(options.url);
  for (const uri of redirectUris) checkAbsolute(uri, '--redirect-uri');
  const providerName = options['provider-name'] ?? 'sesame';
  if (!PROVIDER_NAME.test(providerName)) {
    throw new ArgsError('--provider-name takes 1–64 letters, digits, ".", "_" or "-"');
  }
  const id = options.id ?? defaultId(preset, redirectUris);
  if (!CLIENT_ID.test(id)) throw new ArgsError('--id takes 1–200 printable characters without spaces');

  const target = loadTarget(options, io);
  const { text } = await loadRegistration(target, io, { mustExist: false });
  if (text !== null && entryIds(text).includes(id)) {
    throw new ClientCommandError(
      `${target.file} already has a client "${id}"; choose another id with --id, or remove it first: sesame client remove ${id}`,
    );
  }
  const plan = planClient(preset, target.config, {
    url,
    providerName,
    redirectUris,
    id,
    name: options.name ?? (isGeneric ? id : preset.clientName),
    trusted: options.trusted ? true : options.consent ? false : undefined,
    secret: newSecret(),
  });
  const comment = `${plan.entry['name']}: added by sesame client add ${preset.name}`;
  const after = addClientEntry(text ?? NEW_FILE, plan.entry, comment);
  await writeRegistration(target, io, text, after, (parsed) => {
    if (parsed.clients.some((client) => client.id === id)) return;
    const why = parsed.skipped.find((message) => message.includes(`client "${id}"`));
    throw new RegistrationEditError(
      `the server would skip the new client, so nothing was written: ${why ?? 'unknown reason'}`,
    );
  });
  for (const warning of plan.warnings) io.stderr.write(`warning: ${warning}\n`);
  io.stdout.write(formatAdded(preset, plan, target.file));
  return 0;
}

/** `--url`: an absolute http(s) URL without query, fragment or credentials; no trailing slash. */
function appUrl(value: string): string {
  const url = checkAbsolute(value, '--url');
  if (url.search !== '' || url.hash !== '')
    throw new ArgsError("--url takes the app's address, without ? or #");
  return url.toString().replace(/\/+$/, '');
}

function checkAbsolute(value: string, option: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ArgsError(`${option} "${value}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:' && option === '--url') {
    throw new ArgsError('--url must start with https:// (or http:// for a test setup)');
  }
  if (url.username !== '' || url.password !== '')
    throw new ArgsError(`${option} must not hold a user name or password`);
  return url;
}

/** generic: the first redirect URI's host, as Konnect setups name clients (`cloud.example.com`). */
function defaultId(preset: Preset, redirectUris: readonly string[]): string {
  const first = redirectUris[0];
  if (preset.name !== 'generic' || first === undefined) return preset.clientId;
  return new URL(first).hostname || preset.clientId;
}

/** Removes every `--name V` / `--name=V` from `argv`, returning the values in order. */
function takeRepeated(argv: readonly string[], name: string): { values: string[]; rest: string[] } {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith(`--${name}=`)) {
      values.push(arg.slice(name.length + 3));
    } else if (arg === `--${name}`) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--'))
        throw new ArgsError(`option --${name} needs a value`);
      values.push(value);
      i++;
    } else {
      rest.push(arg);
    }
  }
  return { values, rest };
}
