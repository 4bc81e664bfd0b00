import { chmod, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Config } from '../config/types.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { readInstanceSecret } from '../secrets.js';
import { openStorage } from '../storage/open.js';
import {
  exportKey,
  KeyRingRefusal,
  listKeys,
  retireKey,
  rotateKey,
  type KeyListing,
  type RingAccess,
} from '../tokens/key-ring-admin.js';
import { deliveryPolicy } from '../logout/delivery-policy.js';
import { keyGraceMs } from '../tokens/key-ring-state.js';
import { SealedKeyError } from '../tokens/sealed-key.js';
import { generatedKeyPlace } from '../tokens/shared-signing-key.js';
import { ArgsError, parseArgs } from './args.js';
import type { CliIo } from './io.js';
import { reportCommonError } from './command-errors.js';
import { loadCommandConfig } from './load-config.js';
import { textTable } from './text-table.js';

/** `signing.publish_delay` when a configuration does not say (konnectd's has no such setting). */
export const DEFAULT_PUBLISH_DELAY_SECONDS = 600;

const USAGE = `Usage:
  sesame keys list [--json] [--config FILE]
      the generated signing keys: which one signs, which are published and until when
  sesame keys rotate [--delay DURATION] [--config FILE]
      add a new key: published at once, signing after the delay (default signing.publish_delay,
      10m), so that apps which cache the JWKS (kwmserver refetches once a minute) know it first.
      The key it replaces stays published until no token it signed can be valid (the longest
      token lifetime, plus a minute), then every instance retires it by itself.
  sesame keys export <kid> --out FILE [--config FILE]
      write a key's private half as a PKCS#8 PEM file (mode 0600, never over an existing file),
      to move to key files: listed in signing.keys under the name signing-<alg>.pem, it keeps
      its kid, so apps' cached JWKS stay valid
  sesame keys retire <kid> [--force] [--config FILE]
      retire a key now: no longer published or trusted, its private key erased. A key that
      signs cannot be retired; a replaced one whose tokens may still be valid only with --force
      (for a key that leaked: those tokens then stop verifying). Retiring a key that waits to
      sign cancels that rotation.

Running instances follow within 5 seconds; no restart is needed. This is for keys Sesame
generates (no signing.keys configured; SQLite, or PostgreSQL with a shared secret.key). Key
files are rotated by hand: docs/operations.md says how.
`;

/** A problem the user can fix; its message is printed as is and the command exits with 1. */
class KeysCommandError extends Error {
  override name = 'KeysCommandError';
}

/**
 * `sesame keys list|rotate|retire` (issue 10): the ring of generated signing keys in the
 * configured storage (`tokens/key-ring.ts`). Resolves to the exit code: 0 on success, 1 on any
 * error (printed to stderr), 2 on a bad command line.
 */
export async function keysCommand(argv: string[], io: CliIo, clock: Clock = systemClock): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'help' || sub === '--help' || rest.includes('--help')) {
    io.stdout.write(USAGE);
    return 0;
  }
  try {
    switch (sub) {
      case 'list':
        return await list(rest, io, clock);
      case 'rotate':
        return await rotate(rest, io, clock);
      case 'retire':
        return await retire(rest, io, clock);
      case 'export':
        return await exportCommand(rest, io, clock);
      case undefined:
        io.stderr.write(USAGE);
        return 2;
      default:
        io.stderr.write(`error: unknown command "keys ${sub}"\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ArgsError) {
      io.stderr.write(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (
      error instanceof KeysCommandError ||
      error instanceof KeyRingRefusal ||
      error instanceof SealedKeyError
    ) {
      io.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    const code = reportCommonError(error, io);
    if (code !== null) return code;
    throw error;
  }
}

async function list(argv: string[], io: CliIo, clock: Clock): Promise<number> {
  const { options, positionals } = parseArgs(argv, { config: 'string', json: 'boolean' } as const);
  if (positionals.length > 0) throw new ArgsError(`unexpected argument "${positionals[0]}"`);
  return withRing(options.config, io, clock, async (access) => {
    const keys = await listKeys(access);
    if (options.json === true) {
      io.stdout.write(
        `${JSON.stringify(
          keys.map((k) => jsonOf(k, access)),
          null,
          2,
        )}\n`,
      );
      return;
    }
    if (keys.length === 0) {
      io.stdout.write(`No ${access.alg} key yet: sesame serve generates the first one when it starts.\n`);
      return;
    }
    io.stdout.write(
      textTable(
        ['KID', 'STATUS', 'CREATED', 'SIGNS FROM', 'RETIRES'],
        keys.map((k) => [k.kid, k.status, iso(k.createdAt), iso(k.signsFrom), retiresText(k)]),
      ),
    );
  });
}

async function rotate(argv: string[], io: CliIo, clock: Clock): Promise<number> {
  const { options, positionals } = parseArgs(argv, { config: 'string', delay: 'string' } as const);
  if (positionals.length > 0) throw new ArgsError(`unexpected argument "${positionals[0]}"`);
  const delaySeconds = options.delay === undefined ? undefined : parseDuration(options.delay);
  if (delaySeconds === null) {
    throw new ArgsError(`--delay "${options.delay}" is not a duration such as 0, 90s, 10m or 1h`);
  }
  return withRing(options.config, io, clock, async (access, config) => {
    const seconds = delaySeconds ?? config.signing.publishDelay ?? DEFAULT_PUBLISH_DELAY_SECONDS;
    const key = await rotateKey(access, seconds * 1000);
    io.stdout.write(
      `Added ${access.alg} key ${key.kid}: published within 5 seconds, signing from ${iso(key.signsFrom)}.\n` +
        `The key it replaces stays published for ${Math.round(access.keepForMs / 1000)} s more, then retires by itself.\n`,
    );
  });
}

async function retire(argv: string[], io: CliIo, clock: Clock): Promise<number> {
  const { options, positionals } = parseArgs(argv, { config: 'string', force: 'boolean' } as const);
  const [kid, ...more] = positionals;
  if (kid === undefined || kid === '') throw new ArgsError('the kid of the key to retire is missing');
  if (more.length > 0) throw new ArgsError(`unexpected argument "${more[0]}"`);
  return withRing(options.config, io, clock, async (access) => {
    await retireKey(access, kid, { force: options.force === true });
    io.stdout.write(
      `Retired ${access.alg} key ${kid}; running instances stop trusting it within 5 seconds.\n`,
    );
  });
}

async function exportCommand(argv: string[], io: CliIo, clock: Clock): Promise<number> {
  const { options, positionals } = parseArgs(argv, { config: 'string', out: 'string' } as const);
  const [kid, ...more] = positionals;
  if (kid === undefined || kid === '') throw new ArgsError('the kid of the key to export is missing');
  if (more.length > 0) throw new ArgsError(`unexpected argument "${more[0]}"`);
  if (options.out === undefined || options.out === '') throw new ArgsError('--out FILE is missing');
  const out = resolve(io.cwd, options.out);
  return withRing(options.config, io, clock, async (access) => {
    const key = await exportKey(access, kid);
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    try {
      await writeFile(out, pem, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new KeysCommandError(
        code === 'EEXIST'
          ? `${out} exists already; choose a new file`
          : `cannot write ${out}: ${code ?? String(error)}`,
      );
    }
    await chmod(out, 0o600); // the umask may have narrowed but never widens; be explicit
    const keepsKid = `signing-${access.alg}.pem`;
    io.stdout.write(
      `Wrote ${access.alg} key ${kid} to ${out} (mode 0600).\n` +
        (basename(out) === keepsKid
          ? 'Listed in signing.keys under this name, it keeps its kid.\n'
          : `Rename it ${keepsKid} before listing it in signing.keys, or it is published under a kid taken from its file name.\n`),
    );
  });
}

/** Opens the configured storage's ring for the configured alg, or says why there is none. */
async function withRing(
  file: string | undefined,
  io: CliIo,
  clock: Clock,
  work: (access: RingAccess, config: Config) => Promise<void>,
): Promise<number> {
  const loaded = loadCommandConfig(file, io);
  for (const warning of loaded.warnings) io.stderr.write(`warning: ${warning}\n`);
  const { config } = loaded;
  if (config.signing.keys.length > 0) {
    throw new KeysCommandError(
      `the signing keys are files (signing.keys: ${config.signing.keys.join(', ')}); rotate those by hand, as docs/operations.md says`,
    );
  }
  if (generatedKeyPlace(config) !== 'storage') {
    throw new KeysCommandError(
      config.storage.kind === 'memory'
        ? 'memory storage keeps no keys between runs: there is nothing to rotate'
        : 'the generated key is kept in the data directory, not in storage (PostgreSQL without a shared secret): configure --encryption-secret or signing keys',
    );
  }
  const secret = await readInstanceSecret(config);
  if (secret === null) {
    throw new KeysCommandError(
      'no instance secret (secret.key) found for this configuration: run the command where sesame serve runs, with its configuration',
    );
  }
  const storage = await openStorage(config.storage);
  try {
    await work(
      {
        store: storage.generatedKeys,
        secret,
        clock,
        alg: config.signing.alg,
        keepForMs: keyGraceMs(config.lifetimes, deliveryPolicy.lifetimeMs),
      },
      config,
    );
    return 0;
  } finally {
    await storage.close();
  }
}

function jsonOf(key: KeyListing, access: RingAccess) {
  return {
    kid: key.kid,
    alg: access.alg,
    status: key.status,
    createdAt: iso(key.createdAt),
    signsFrom: iso(key.signsFrom),
    retiresAt: key.retiresAt === null ? null : iso(key.retiresAt),
  };
}

function retiresText(key: KeyListing): string {
  if (key.retiresAt === null) return '-';
  return key.status === 'retired' ? `retired ${iso(key.retiresAt)}` : iso(key.retiresAt);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
