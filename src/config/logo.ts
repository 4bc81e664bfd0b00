import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';

/** Largest logo file accepted (`branding.logo`), bytes: a header image, not a photo. */
export const LOGO_MAX_BYTES = 256 * 1024;

const TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

/** A logo file that passed {@link readLogo}'s checks. */
export interface Logo {
  readonly bytes: Buffer;
  readonly contentType: string;
}

/**
 * Reads a logo file and checks it is what its name says — PNG, SVG, JPEG or WebP by its first
 * bytes — and at most {@link LOGO_MAX_BYTES}. Returns the problem as a sentence otherwise.
 */
export function readLogo(path: string): Logo | string {
  const contentType = TYPES[extname(path).toLowerCase()];
  if (contentType === undefined) return 'must be a .png, .svg, .jpg, .jpeg or .webp file';
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return `file not found: ${path}`;
    size = stat.size;
  } catch {
    return `file not found: ${path}`;
  }
  if (size > LOGO_MAX_BYTES) return `${path} is ${size} bytes; a logo may have at most ${LOGO_MAX_BYTES}`;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  if (!looksLike(contentType, bytes)) return `${path} is not a ${contentType.slice('image/'.length)} image`;
  return { bytes, contentType };
}

function looksLike(contentType: string, bytes: Buffer): boolean {
  switch (contentType) {
    case 'image/png':
      return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case 'image/jpeg':
      return bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]));
    case 'image/webp':
      return bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP';
    default:
      return /<svg[\s>]/.test(bytes.toString('utf8'));
  }
}
