import { signedOutPage } from '../../views/index.js';
import { endUserSessions } from '../../logout/end-user-sessions.js';
import type { BrowserDeps, EndpointRequest, EndpointResponse } from '../types.js';
import { paths } from '../paths.js';
import { brandingOf, localeOf, pageResponse } from '../pages.js';
import {
  checkCsrf,
  clearBrowserState,
  clearSessionCookie,
  currentSession,
} from '../signin/browser-session.js';
import { purposes } from './account-response.js';

/**
 * POST `/signin/v1/welcome/sign-out-everywhere`: ends every session of the signed-in user, this
 * browser's included, queues the back-channel logout of each (OpenID Connect Back-Channel
 * Logout 1.0 §2.5) and shows the signed-out page. Without a session, the sign-in page.
 */
export async function submitSignOutEverywhere(
  req: EndpointRequest,
  deps: BrowserDeps,
): Promise<EndpointResponse> {
  checkCsrf(req, deps, purposes.signOutEverywhere);
  const session = await currentSession(req, deps);
  if (session === null) return { kind: 'redirect', location: paths.signIn };
  await endUserSessions(deps, session.userId);
  deps.log.info({ sid: session.id }, 'signed out everywhere');
  const cookies = [clearSessionCookie(deps), ...clearBrowserState(deps)];
  return pageResponse(signedOutPage({ locale: localeOf(req), branding: brandingOf(deps.config) }), {
    cookies,
  });
}
