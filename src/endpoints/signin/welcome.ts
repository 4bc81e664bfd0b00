import { welcomePage } from '../../views/index.js';
import type { BrowserDeps, EndpointRequest, EndpointResponse } from '../types.js';
import { paths } from '../paths.js';
import { localeOf, pageResponse } from '../pages.js';
import { csrfFor, currentSession } from './browser-session.js';
import { userOf } from './user-display.js';

/**
 * GET `/signin/v1/welcome`, where kpop's app grid links to (kopano-meet.md §K,
 * konnect-spec §3): for a signed-in browser the welcome page naming the user, with a sign-out
 * form posting to the end-session endpoint; otherwise a redirect to the sign-in page.
 */
export async function showWelcome(req: EndpointRequest, deps: BrowserDeps): Promise<EndpointResponse> {
  const session = await currentSession(req, deps);
  if (session === null) return { kind: 'redirect', location: paths.signIn };
  return welcomeResponse(req, deps, session.userId);
}

/**
 * The welcome page for `userId`, who is signed in in this browser. Shared by the sign-in page,
 * which shows it when opened without an authorization request. An identity backend that is
 * down becomes the 503 error page.
 */
export async function welcomeResponse(
  req: EndpointRequest,
  deps: BrowserDeps,
  userId: string,
): Promise<EndpointResponse> {
  const { displayName } = await userOf(userId, deps);
  const csrf = csrfFor(req, deps, 'endsession');
  const page = welcomePage({
    locale: localeOf(req),
    userDisplayName: displayName,
    signOutAction: paths.endSession,
    csrfToken: csrf.token,
  });
  return pageResponse(page, { cookies: csrf.cookies });
}
