import type { Storage } from '../storage/types.js';

/**
 * Withdraws a user's consent for a client (`sesame user revoke`, the account page's "Remove
 * access"): the consent is forgotten, so the consent page shows again at the client's next
 * request, and every grant of the user for the client is revoked — its refresh tokens at once,
 * its access tokens at their next check against the grant (userinfo, introspection). Idempotent.
 */
export async function withdrawConsent(
  storage: Pick<Storage, 'consents' | 'grants'>,
  userId: string,
  clientId: string,
  now: number,
): Promise<void> {
  await storage.consents.delete(userId, clientId);
  await storage.grants.revokeForUserClient(userId, clientId, now);
}
