import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets in constant time with respect to their content. Both sides are
 * hashed first so that differing lengths do not leak through an early return.
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
