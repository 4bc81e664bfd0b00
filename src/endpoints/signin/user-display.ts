import { OAuthError } from '../../oauth/errors.js';
import { IdentityUnavailableError } from '../../identity/types.js';
import type { Deps } from '../types.js';

/** The signed-in user's names for a page; the backend being down is a 503 page. */
export async function userOf(
  userId: string,
  deps: Deps,
): Promise<{ displayName: string; username: string; email: string | null }> {
  try {
    const user = await deps.identity.getUser(userId);
    if (!user) return { displayName: '', username: '', email: null };
    return { displayName: user.name ?? user.username, username: user.username, email: user.email };
  } catch (error) {
    if (error instanceof IdentityUnavailableError) {
      // The backend logs the outage once, when it starts; one quiet line per request here.
      deps.log.debug({ reason: error.message }, 'identity backend unavailable on a sign-in page');
      throw new OAuthError(
        'temporarily_unavailable',
        'Sign-in is temporarily unavailable. Please try again shortly.',
      );
    }
    throw error;
  }
}

export async function displayNameOf(userId: string, deps: Deps): Promise<string> {
  return (await userOf(userId, deps)).displayName;
}
