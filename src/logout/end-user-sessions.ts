import type { Deps } from '../endpoints/types.js';
import { queueBackchannelLogout } from './queue-backchannel-logout.js';

export interface EndUserSessionsOptions {
  /** A session to leave running: the browser's own, after it changed the password. */
  readonly except?: string;
}

/**
 * Ends every live browser session of `userId` ("sign out everywhere", a changed password) and
 * queues the back-channel logout of each (OpenID Connect Back-Channel Logout 1.0 §2.5), as a
 * sign-out does for one. Grants and refresh tokens are left, as at sign-out. A session started
 * while this runs may survive. Resolves with the number of sessions ended.
 */
export async function endUserSessions(
  deps: Deps,
  userId: string,
  options: EndUserSessionsOptions = {},
): Promise<number> {
  const sessions = await deps.storage.sessions.listByUser(userId, deps.clock.now());
  let ended = 0;
  for (const session of sessions) {
    if (session.id === options.except) continue;
    await deps.storage.sessions.delete(session.id);
    await queueBackchannelLogout(deps, session);
    ended++;
  }
  if (ended > 0) deps.log.info({ userId, sessions: ended }, 'ended the sessions of a user');
  return ended;
}
