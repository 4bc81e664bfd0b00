import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config/types.js';

/**
 * The instance secret (32 random bytes) that keys CSRF tokens, kept in
 * `<dataDir>/secret.key` (0600) so that forms keep working across restarts, and shared by
 * instances that share the data directory.
 */
export async function loadOrCreateSecret(dataDir: string): Promise<Uint8Array> {
  const path = join(dataDir, 'secret.key');
  try {
    const existing = await readFile(path);
    if (existing.length === 32) return existing;
    throw new Error(`${path} must hold exactly 32 bytes (it holds ${existing.length})`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32);
  try {
    await writeFile(path, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    // Another instance created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFile(path);
    throw error;
  }
}

/**
 * The instance secret `Config.instanceSecret` describes (konnect-spec §1.3, §6): konnectd's
 * `--encryption-secret` file, which must hold exactly 32 raw bytes; a random secret for this
 * process only (konnectd without a secret file: sign-in forms open across a restart, or
 * served by another instance, must be reloaded); or, by default, `<dataDir>/secret.key`.
 *
 * @throws Error naming the file when it cannot be read or does not hold exactly 32 bytes.
 */
export async function loadInstanceSecret(
  config: Pick<Config, 'dataDir' | 'instanceSecret'>,
  log: Logger,
): Promise<Uint8Array> {
  const source = config.instanceSecret;
  if (source === undefined) return loadOrCreateSecret(config.dataDir);
  if (source.kind === 'ephemeral') {
    // Konnect made up a secret per start, which breaks every open sign-in form on a restart
    // and between instances; Sesame keeps the generated one in the data directory instead.
    log.warn(
      { file: join(config.dataDir, 'secret.key') },
      'missing --encryption-secret parameter, using a generated secret kept in the data directory',
    );
    return loadOrCreateSecret(config.dataDir);
  }
  log.info({ file: source.path }, 'loading encryption secret from file');
  let secret: Buffer;
  try {
    secret = await readFile(source.path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`encryption secret ${source.path}: cannot read the file (${reason})`, { cause: error });
  }
  if (secret.length !== 32) {
    throw new Error(
      `encryption secret ${source.path}: holds ${secret.length} bytes; exactly 32 are required`,
    );
  }
  return secret;
}

/**
 * The instance secret as `loadInstanceSecret` would find it, without creating one: for a
 * command that only reads (`sesame check --compare`). null when there is none yet, or when it
 * is not exactly 32 bytes.
 */
export async function readInstanceSecret(
  config: Pick<Config, 'dataDir' | 'instanceSecret'>,
): Promise<Uint8Array | null> {
  const source = config.instanceSecret;
  const path = source?.kind === 'file' ? source.path : join(config.dataDir, 'secret.key');
  try {
    const secret = await readFile(path);
    return secret.length === 32 ? secret : null;
  } catch {
    return null;
  }
}
