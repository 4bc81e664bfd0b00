import type { BrowserDeps, EndpointRequest, EndpointResponse } from '../types.js';
import { paths } from '../paths.js';
import { accountResponse } from '../account/account-response.js';
import { parseNotice } from '../account/parse.js';
import { currentSession } from './browser-session.js';

/**
 * GET `/signin/v1/welcome`, where kpop's app grid links to (kopano-meet.md §K,
 * konnect-spec §3) and `/` leads: for a signed-in browser the account page (who is signed in,
 * the apps with access, the password form, signing out here or everywhere); otherwise a
 * redirect to the sign-in page, which shows the account page once signed in.
 */
export async function showWelcome(req: EndpointRequest, deps: BrowserDeps): Promise<EndpointResponse> {
  const session = await currentSession(req, deps);
  if (session === null) return { kind: 'redirect', location: paths.signIn };
  return accountResponse(req, deps, session.userId, { notice: parseNotice(req.query) });
}

/** GET `/`: browsers that open the issuer's address land on the account page. */
export async function showRoot(): Promise<EndpointResponse> {
  return { kind: 'redirect', location: paths.welcome };
}

/**
 * The account page for `userId`, who is signed in in this browser. Shared by the sign-in page,
 * which shows it when opened without an authorization request. An identity backend that is
 * down becomes the 503 error page.
 */
export function welcomeResponse(
  req: EndpointRequest,
  deps: BrowserDeps,
  userId: string,
): Promise<EndpointResponse> {
  return accountResponse(req, deps, userId);
}
