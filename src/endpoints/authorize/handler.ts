import { isOAuthError } from '../../oauth/errors.js';
import { catchUpOnClient } from '../../clients/catch-up.js';
import type { BrowserDeps, EndpointRequest, EndpointResponse, Params } from '../types.js';
import { checkClientAndRedirect, parseAuthorizationRequest } from './parse.js';
import { applyRequestObject, type RequestObject } from './request-object.js';
import { asAuthorizationError, continueAuthorization } from './flow.js';
import { respondWithError } from './respond.js';
import { currentSession } from '../signin/browser-session.js';
import { refuseUnpushedRequest, takePushedRequest } from '../pushed-authorization/at-authorize.js';

/**
 * The authorization endpoint (RFC 6749 §3.1, OIDC Core §3.1.2, §3.2.2, §3.3.2), GET and POST
 * at `/signin/v1/identifier/_/authorize`: take a pushed request (RFC 9126 §4), apply a
 * request object, verify the client and redirect_uri (errors shown as a page), validate the
 * rest (errors redirected to the client), then continue the flow.
 */
export async function handleAuthorize(req: EndpointRequest, deps: BrowserDeps): Promise<EndpointResponse> {
  const sent = req.method === 'POST' ? req.body : req.query;
  await catchUpOnClient(sent.get('client_id'), deps);
  // --- Pushed authorization requests (RFC 9126 §4, endpoints/pushed-authorization/) ---
  // A request_uri from the PAR endpoint stands for the parameters pushed there; a client
  // that must push is refused here when it did not.
  const pushed = await takePushedRequest(sent, deps);
  if (pushed === null) {
    const refused = refuseUnpushedRequest(sent, deps);
    if (refused !== null) return refused;
  }
  const raw = pushed ?? sent;
  // --- end of pushed authorization requests ---
  let params: Params;
  let requestObject: RequestObject | null;
  try {
    ({ params, requestObject } = await applyRequestObject(raw, deps, { pushed: pushed !== null }));
  } catch (error) {
    // A request object that does not verify is answered at the query's redirect_uri when
    // that one is registered for the client; otherwise on the error page.
    if (!isOAuthError(error) || error.code !== 'invalid_request_object') throw error;
    const { target } = checkClientAndRedirect(raw, deps);
    deps.log.info({ clientId: target.clientId, detail: error.detail }, 'request object refused');
    return respondWithError(target, deps, error);
  }
  const { client, target } = checkClientAndRedirect(params, deps);
  // From here on the redirect_uri is verified: every failure is answered there, never as a
  // page, so a silent prompt=none request always gets its answer (kopano-meet.md req. 26).
  let request;
  let session;
  try {
    request = await parseAuthorizationRequest(params, client, target, deps, requestObject);
    session = await currentSession(req, deps);
  } catch (error) {
    return respondWithError(target, deps, asAuthorizationError(error, deps));
  }
  return continueAuthorization(
    {
      request,
      interactionId: null,
      authenticatedInInteraction: false,
      consentedInInteraction: false,
      clientAddress: req.clientAddress,
    },
    session,
    deps,
  );
}
