import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** A random opaque token with `bytes` of entropy, base64url encoded. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A random UUID (v4), for stable record ids. */
export function randomId(): string {
  return randomUUID();
}

/**
 * SHA-256 of a secret token, base64url encoded. Stored instead of the token itself so a
 * database leak does not hand out working codes, refresh tokens or session ids.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
