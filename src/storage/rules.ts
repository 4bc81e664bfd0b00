import type {
  AuthorizationCodeRecord,
  ConsumeCodeResult,
  GrantRecord,
  RefreshTokenRecord,
  RotateResult,
} from './types.js';

/**
 * The decisions every engine shares, as pure functions, so that memory, SQLite and PostgreSQL
 * agree on what a stored record means. Engines do the I/O and the atomic write.
 */

/** The result of `codes.consume` for a code that cannot be consumed, or null when it can. */
export function refuseConsume(code: AuthorizationCodeRecord | null, now: number): ConsumeCodeResult | null {
  if (code === null) return { kind: 'not_found' };
  // A replayed code is reported as reuse even after it expired: the caller must still revoke.
  if (code.consumedAt !== null) return { kind: 'reused', code };
  if (now >= code.expiresAt) return { kind: 'expired', code };
  return null;
}

/** What `refreshTokens.rotate` must do with the presented token. */
export type RotationPlan =
  | { readonly kind: 'answer'; readonly result: RotateResult }
  /** Mark the token rotated and store the successor. */
  | { readonly kind: 'rotate'; readonly previous: RefreshTokenRecord }
  /** Withdraw `previous.replacedBy`, point the token at the new successor and store it. */
  | { readonly kind: 'grace'; readonly previous: RefreshTokenRecord };

/**
 * Classifies a rotation attempt. `successor` is the token `token.replacedBy` names (null when
 * absent). A successor that has itself been rotated proves the client did receive it, so a
 * retry within the grace window is then treated as reuse.
 */
export function planRotation(
  token: RefreshTokenRecord | null,
  grant: GrantRecord | null,
  successor: RefreshTokenRecord | null,
  now: number,
  graceMs: number,
): RotationPlan {
  if (token === null || grant === null || grant.revokedAt !== null) {
    return { kind: 'answer', result: { kind: 'not_found' } };
  }
  const previous = token;
  if (token.withdrawnAt !== null) return { kind: 'answer', result: { kind: 'reused', previous } };
  if (token.rotatedAt !== null) {
    const withinGrace = now - token.rotatedAt < graceMs;
    if (!withinGrace || (successor !== null && successor.rotatedAt !== null)) {
      return { kind: 'answer', result: { kind: 'reused', previous } };
    }
    if (now >= token.expiresAt) return { kind: 'answer', result: { kind: 'expired', previous } };
    return { kind: 'grace', previous };
  }
  if (now >= token.expiresAt) return { kind: 'answer', result: { kind: 'expired', previous } };
  return { kind: 'rotate', previous };
}

/** Case-insensitive key under which usernames are unique. */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}

/**
 * Throttle hits older than this are dropped by `purgeExpired`, whatever window the caller
 * counts over; sign-in throttle windows are minutes.
 */
export const THROTTLE_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * The order of `throttle.list`: UTF-16 code units, as JavaScript's `<` compares strings. Engines
 * sort with it rather than with SQL's ORDER BY, whose collation differs between SQLite (bytes)
 * and PostgreSQL (the database's locale).
 */
export function byThrottleKey(a: { readonly key: string }, b: { readonly key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
