import { randomId } from '../lib/ids.js';
import type { Deps } from '../endpoints/types.js';
import type { SessionRecord } from '../storage/types.js';
import { deliveryPolicy } from './delivery-policy.js';
import { logoutSubjectFor } from './logout-subject.js';

/**
 * Tells every client the ended browser session signed in to that it ended (OpenID Connect
 * Back-Channel Logout 1.0 §2.3, §2.5): for each client with a grant made in `session` that
 * registered a `backchannel_logout_uri`, mints a logout token (`sid` always, `sub` when
 * certain, see `logoutSubjectFor`) and queues its delivery in storage, due at once. The
 * delivery worker (`delivery-worker.ts`) sends it; nothing here touches the network, so the
 * user's response never waits on a client. Call it after the session has ended.
 *
 * Nothing is revoked: Back-Channel Logout ends the relying parties' sessions, not their
 * grants. Sesame issues refresh tokens only with `offline_access`, and §2.7 says those normally
 * should not be revoked at logout; they stay valid, as they did at sign-out before.
 *
 * Never throws: the user is signed out whatever happens here, so a failure is logged at warn.
 * Resolves with the number of deliveries queued.
 */
export async function queueBackchannelLogout(deps: Deps, session: SessionRecord): Promise<number> {
  try {
    const clientIds = await deps.storage.grants.clientsOfSession(session.id);
    let queued = 0;
    for (const clientId of clientIds) {
      await deps.clients.catchUp?.(clientId);
      const client = deps.clients.get(clientId);
      const uri = client?.backchannelLogoutUri ?? null;
      if (client === null || uri === null) continue;
      const logoutToken = await deps.tokens.mintLogoutToken({
        aud: client.id,
        sid: session.id,
        sub: await logoutSubjectFor(deps, session.userId, client),
        alg: client.idTokenSignedResponseAlg,
      });
      const now = deps.clock.now();
      await deps.storage.backchannelDeliveries.enqueue({
        id: randomId(),
        clientId: client.id,
        uri,
        logoutToken,
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
        expiresAt: now + deliveryPolicy.lifetimeMs,
      });
      queued++;
    }
    if (queued > 0) deps.log.debug({ sid: session.id, clients: queued }, 'back-channel logout queued');
    return queued;
  } catch (err) {
    deps.log.warn({ err, sid: session.id }, 'back-channel logout could not be queued');
    return 0;
  }
}
