/** What a new registration would take away from the clients in force. */
export interface ClientLoss {
  /** Ids in force that the new registration no longer has, in their order. */
  readonly removed: readonly string[];
  /** How many clients are in force. */
  readonly before: number;
  /** How many the new registration has. */
  readonly after: number;
}

/**
 * Whether a reload looks like a truncated or emptied file rather than an edit: it would leave
 * no clients where there were some, or remove more than half of them and at least 3 at once
 * (clients renamed count as removed). Returns the loss when it is suspect, else null.
 */
export function suspectLoss(current: Iterable<string>, next: Iterable<string>): ClientLoss | null {
  const kept = new Set(next);
  const ids = [...current];
  const removed = ids.filter((id) => !kept.has(id));
  const before = ids.length;
  const after = kept.size;
  const suspect = before > 0 && (after === 0 || (removed.length >= 3 && removed.length * 2 > before));
  return suspect ? { removed, before, after } : null;
}
