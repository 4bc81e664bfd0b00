/**
 * How Sesame delivers logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.5, §2.7): the
 * timeouts, the retry schedule and its bounds. One place, so the worker and its tests agree.
 */
export const deliveryPolicy = Object.freeze({
  /** How long one POST may take, headers and body, before it counts as failed. */
  timeoutMs: 5_000,
  /** The first retry waits this long; every further one twice as long as the one before. */
  firstRetryMs: 2_000,
  /** No wait between two attempts is longer. */
  maxRetryMs: 60 * 60 * 1000,
  /** After this many failed attempts the delivery is given up. */
  maxAttempts: 30,
  /** A delivery not made this long after the logout is given up. */
  lifetimeMs: 24 * 60 * 60 * 1000,
  /**
   * A claimed delivery is not claimed again for this long (`claimDue`), so a worker that dies
   * mid-delivery leaves it to be retried, and never two at once. Longer than `timeoutMs`.
   */
  leaseMs: 30_000,
  /** At most this many deliveries are sent at once by one worker. */
  batchSize: 20,
  /** How often the worker looks for due deliveries. */
  pollIntervalMs: 1_000,
  /** At most this much of a failed response's body is read, for the log. */
  maxResponseBytes: 1_024,
});

/**
 * When the next attempt is due after `failedAttempts` failed ones (at least one), or null when
 * the delivery is to be given up: after `maxAttempts`, or when the next attempt would fall at or
 * after `expiresAt`. The waits grow exponentially — 2 s, 4 s, 8 s, … — up to one hour.
 */
export function nextAttemptAt(failedAttempts: number, now: number, expiresAt: number): number | null {
  if (!Number.isInteger(failedAttempts) || failedAttempts < 1) {
    throw new TypeError('failedAttempts must be a positive integer');
  }
  if (failedAttempts >= deliveryPolicy.maxAttempts) return null;
  // 2 ** 30 ms is far beyond the cap; clamping the exponent keeps the number finite and exact.
  const exponent = Math.min(failedAttempts - 1, 30);
  const wait = Math.min(deliveryPolicy.firstRetryMs * 2 ** exponent, deliveryPolicy.maxRetryMs);
  const at = now + wait;
  return at >= expiresAt ? null : at;
}
