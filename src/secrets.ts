import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

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
