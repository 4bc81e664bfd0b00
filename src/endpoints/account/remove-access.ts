import { withdrawConsent } from '../../oauth/withdraw-consent.js';
import type { BrowserDeps, EndpointRequest, EndpointResponse } from '../types.js';
import { paths } from '../paths.js';
import { checkCsrf, currentSession } from '../signin/browser-session.js';
import { purposes } from './account-response.js';
import { parseRemoveAccess } from './parse.js';

/**
 * POST `/signin/v1/welcome/remove-access`: the signed-in user withdraws their consent for
 * `client_id` — the consent is forgotten and the app's grants, refresh and access tokens for
 * the user are revoked (`withdrawConsent`, as `sesame user revoke` does) — and returns to the
 * account page. Without a session, the sign-in page.
 */
export async function submitRemoveAccess(req: EndpointRequest, deps: BrowserDeps): Promise<EndpointResponse> {
  checkCsrf(req, deps, purposes.removeAccess);
  const form = parseRemoveAccess(req.body);
  const session = await currentSession(req, deps);
  if (session === null) return { kind: 'redirect', location: paths.signIn };
  await withdrawConsent(deps.storage, session.userId, form.clientId, deps.clock.now());
  deps.log.info({ sid: session.id, client: form.clientId }, 'access removed on the account page');
  return { kind: 'redirect', location: `${paths.welcome}?done=access_removed` };
}
