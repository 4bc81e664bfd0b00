import { open } from 'node:fs/promises';
import { RegistrationFileError } from './registration-error.js';

/** The `sesame.yaml` key that sets the largest registration file accepted. */
const registrationFileBytesKey = 'limits.registration_file_bytes';

/**
 * Reads a registration file as UTF-8, never holding more than `maxBytes + 1` bytes of it: a
 * file whose size (as `fstat` reports it) is above `maxBytes` is refused before anything is
 * read, and one that yields more than `maxBytes` anyway (it grew meanwhile, or it is a device
 * or a pipe whose size says nothing) is refused at that point.
 *
 * @throws RegistrationFileError naming the file and why: unreadable (with the error code), or
 *   too large (with its size, the limit and the key that raises it).
 */
export async function readRegistrationFile(file: string, maxBytes: number): Promise<string> {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new TypeError(`maxBytes must be a non-negative integer, not ${maxBytes}`);
  }
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw unreadable(file, { code: 'EISDIR' });
    const size = stats.size;
    if (size > maxBytes) throw tooLarge(file, `is ${size} bytes`, maxBytes);
    let buffer = Buffer.alloc(size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        // Larger than fstat said (it grew, or it is a device or a pipe): go on up to the limit.
        if (length > maxBytes) throw tooLarge(file, `holds more than ${maxBytes} bytes`, maxBytes);
        const grown = Buffer.alloc(Math.min(Math.max(2 * length, 65536), maxBytes + 1));
        buffer.copy(grown);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) return buffer.toString('utf8', 0, length);
      length += bytesRead;
    }
  } catch (error) {
    if (error instanceof RegistrationFileError) throw error;
    throw unreadable(file, error);
  } finally {
    await handle.close();
  }
}

function tooLarge(file: string, what: string, maxBytes: number): RegistrationFileError {
  return new RegistrationFileError([
    `${file}: the registration file ${what}, more than the ${maxBytes} bytes accepted; ` +
      `raise ${registrationFileBytesKey} in sesame.yaml to accept a larger file`,
  ]);
}

function unreadable(file: string, error: unknown): RegistrationFileError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new RegistrationFileError([`${file}: cannot read the registration file (${code})`]);
}
