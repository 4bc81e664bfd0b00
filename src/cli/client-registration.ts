import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseRegistrationOnce } from '../clients/load-registration.js';
import { readRegistrationFile } from '../clients/read-registration-file.js';
import { RegistrationEditError } from '../clients/registration-edit.js';
import type { ParsedRegistration } from '../clients/registry-file.js';
import { loadKonnectdConfig } from '../config/konnect/load.js';
import type { Config } from '../config/types.js';
import { writeFileAtomically } from '../lib/atomic-write.js';
import { PRIVATE_FILE_MODE } from '../lib/private-files.js';
import { ArgsError } from './args.js';
import type { CliIo } from './io.js';
import { loadCommandConfig } from './load-config.js';

/** The options every `sesame client` command takes to find the configuration. */
export const TARGET_OPTIONS = { config: 'string', 'konnectd-config': 'string' } as const;

/** A problem the operator can fix; its message is printed as is and the command exits with 1. */
export class ClientCommandError extends Error {
  override name = 'ClientCommandError';
}

/** The configuration a command works on and the registration file it names. */
export interface RegistrationTarget {
  readonly config: Config;
  /** Absolute path of the registration file. */
  readonly file: string;
}

/**
 * The configuration `sesame serve` (or, with `--konnectd-config`, `konnectd serve --config …`)
 * would load, and its registration file.
 *
 * @throws ConfigError, konnectd's UsageError or RefusedError for a configuration that does not load.
 * @throws ClientCommandError when it names no registration file.
 */
export function loadTarget(
  options: { readonly config?: string; readonly 'konnectd-config'?: string },
  io: CliIo,
): RegistrationTarget {
  const cfg = options['konnectd-config'];
  if (cfg !== undefined && options.config !== undefined) {
    throw new ArgsError('give --config or --konnectd-config, not both');
  }
  const { config, warnings } =
    cfg === undefined
      ? loadCommandConfig(options.config, io)
      : loadKonnectdConfig(['--config', cfg], { env: io.env, cwd: io.cwd });
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
  if (config.registration === null) {
    throw new ClientCommandError(
      cfg === undefined
        ? 'the configuration names no registration file: add registration: ./identifier-registration.yaml to sesame.yaml'
        : `${cfg} names no registration file: set identifier_registration_conf`,
    );
  }
  return { config, file: config.registration };
}

/**
 * The registration file's text (null when it does not exist and need not) and what the
 * server would make of it; entries the server skips are reported as warnings.
 *
 * @throws RegistrationFileError when the server would refuse the file (unreadable, too large,
 *   not YAML of its shape).
 * @throws ClientCommandError when it must exist and does not.
 */
export async function loadRegistration(
  target: RegistrationTarget,
  io: CliIo,
  options: { readonly mustExist: boolean },
): Promise<{ text: string | null; parsed: ParsedRegistration }> {
  const exists = await stat(target.file).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  if (!exists) {
    if (options.mustExist) throw new ClientCommandError(`${target.file} does not exist (no clients yet)`);
    return { text: null, parsed: { clients: [], warnings: [], skipped: [], notes: [] } };
  }
  const text = await readRegistrationFile(target.file, target.config.limits.registrationFileBytes);
  const parsed = await parse(target, text);
  for (const message of parsed.skipped) io.stderr.write(`warning: ${message}\n`);
  return { text, parsed };
}

/**
 * Writes the edited registration file in place of the one read (`before`, null: none), once
 * the server would accept it and `check` passes, keeping the file's permissions (0600 for a
 * new file: it holds secrets). Returns what the server will load from it.
 *
 * @throws RegistrationEditError when the result would be refused or fails `check`.
 * @throws ConcurrentChangeError when the file changed since it was read.
 */
export async function writeRegistration(
  target: RegistrationTarget,
  io: CliIo,
  before: string | null,
  after: string,
  check: (parsed: ParsedRegistration) => void = () => undefined,
): Promise<ParsedRegistration> {
  const limit = target.config.limits.registrationFileBytes;
  if (Buffer.byteLength(after, 'utf8') > limit) {
    throw new RegistrationEditError(
      `the file would grow beyond limits.registration_file_bytes (${limit} bytes), which the server refuses`,
    );
  }
  const parsed = await parse(target, after);
  check(parsed);
  const written = await writeFileAtomically(target.file, after, {
    newFileMode: PRIVATE_FILE_MODE,
    expected: before,
  });
  if (dirname(written) !== dirname(target.file)) {
    io.stderr.write(
      `warning: ${target.file} is a link to ${written}, whose changes a running server may not notice: ` +
        'run sesame clients reload --force to apply it\n',
    );
  }
  return parsed;
}

async function parse(target: RegistrationTarget, text: string): Promise<ParsedRegistration> {
  return parseRegistrationOnce(text, target.file, {
    issuer: target.config.issuer,
    maxFileBytes: target.config.limits.registrationFileBytes,
  });
}
