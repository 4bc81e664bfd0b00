import { StorageError } from '../storage/types.js';
import { OAuthError } from './errors.js';

/** Seconds a client is asked to wait (`Retry-After`, RFC 9110 §10.2.3) while storage is down. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * True for the error storage throws when the database cannot be reached (`StorageError`
 * 'unavailable'); a race lost to concurrent writers ('contended') is not an outage.
 */
export function isStorageOutage(error: unknown): error is StorageError {
  return error instanceof StorageError && error.kind === 'unavailable';
}

/**
 * The 503 answer to a request that found storage unavailable (RFC 6749 §4.1.2.1, §5.2
 * `temporarily_unavailable`); the storage error's message stays in the log.
 */
export function storageUnavailable(error: StorageError): OAuthError {
  return new OAuthError(
    'temporarily_unavailable',
    'The service is temporarily unavailable; try again in a few seconds.',
    { status: 503, detail: error.message },
  );
}
