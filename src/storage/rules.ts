import type {
  PostalAddress,
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
  return byCodeUnits(a.key, b.key);
}

/**
 * Strings in UTF-16 code unit order (JavaScript's `<`): how engines sort lists of ids
 * (`grants.clientsOfSession`, `dynamicClients.list`) so that every engine returns one order.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const ADDRESS_MEMBERS = [
  'formatted',
  'street_address',
  'locality',
  'region',
  'postal_code',
  'country',
] as const;

/**
 * The address storage keeps for a user: the string members `PostalAddress` names (OIDC Core
 * §5.1.1), in that order; anything else is dropped, so every engine stores the same thing.
 */
export function keptAddress(address: PostalAddress): PostalAddress {
  const kept: Record<string, string> = {};
  for (const member of ADDRESS_MEMBERS) {
    const value: unknown = address[member];
    if (typeof value === 'string') kept[member] = value;
  }
  return kept;
}

/** Whether `value` is an address as `keptAddress` keeps them: an object of known string members. */
export function isKeptAddress(value: unknown): value is PostalAddress {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.entries(value).every(
    ([member, v]) => (ADDRESS_MEMBERS as readonly string[]).includes(member) && typeof v === 'string',
  );
}
