import type { ClientLookup } from './types.js';

/**
 * `ClientLookup.catchUp` for a request's `client_id` parameter, when it was sent exactly once; a
 * missing or repeated one is left to the endpoint's own checks, which refuse it.
 */
export async function catchUpOnClient(
  sent: readonly string[] | undefined,
  deps: { readonly clients: ClientLookup },
): Promise<void> {
  const [clientId, ...more] = sent ?? [];
  if (clientId !== undefined && more.length === 0) await deps.clients.catchUp?.(clientId);
}
