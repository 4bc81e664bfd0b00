import { trustedOrigins } from '../../http/origins.js';
import type { Deps, EndpointRequest, EndpointResponse } from '../types.js';
import { browserStateCookieName } from './browser-state-cookie.js';
import { checkSessionCsp, checkSessionPage } from './page.js';

/**
 * GET `/konnect/v1/session/check-session.html`: the OP iframe of OpenID Connect Session
 * Management 1.0 §3.3 (`check_session_iframe`, kopano-meet.md req. 33; konnect-spec §4.9).
 * Served only with `config.sessionManagement`. Relying parties embed it, so it is frameable,
 * but only by the issuer's origin and the `origins` of the clients registered at the time of
 * the request.
 */
export async function handleCheckSession(_req: EndpointRequest, deps: Deps): Promise<EndpointResponse> {
  const https = deps.config.issuer.startsWith('https:');
  const issuerOrigin = new URL(deps.config.issuer).origin;
  const ancestors = trustedOrigins(deps.config.issuer, deps.clients).filter((o) => o !== issuerOrigin);
  return {
    kind: 'html',
    status: 200,
    body: checkSessionPage(browserStateCookieName(https)),
    headers: { 'content-security-policy': checkSessionCsp(ancestors) },
    frameable: true,
  };
}
