import type { StorageErrorKind } from '../types.js';

/**
 * SQLSTATEs of a transaction that lost to a concurrent one and may simply be run again:
 * serialization_failure and deadlock_detected.
 */
const RETRYABLE = new Set(['40001', '40P01']);

/** unique_violation and foreign_key_violation: what the SQLite engine reports as 'conflict'. */
const CONFLICT = new Set(['23505', '23503']);

/** data_corrupted and index_corrupted. */
const CORRUPT = new Set(['XX001', 'XX002']);

/**
 * Maps an error of `pg` to a storage error kind: constraint violations are 'conflict', damaged
 * data 'corrupt', a lost serialization or deadlock check (40001, 40P01) that kept losing
 * 'contended' — a race, not an outage — and everything else 'unavailable': a refused or dropped
 * connection (ECONNREFUSED, "Connection terminated"), the server shutting down (57P01–57P03),
 * any connection exception (08xxx), too many connections (53300), a timeout.
 */
export function classifyPostgresError(error: unknown): StorageErrorKind {
  const code = sqlState(error);
  if (CONFLICT.has(code)) return 'conflict';
  if (CORRUPT.has(code)) return 'corrupt';
  if (RETRYABLE.has(code)) return 'contended';
  return 'unavailable';
}

/** Whether the transaction that failed with `error` may be run again as it was. */
export function isRetryablePostgresError(error: unknown): boolean {
  return RETRYABLE.has(sqlState(error));
}

/** `pg` errors from the server carry the SQLSTATE as `code`; socket errors carry `ECONN…`. */
function sqlState(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
}
