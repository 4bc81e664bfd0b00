import { isOAuthError } from '../../oauth/errors.js';
import type { BrowserDeps, EndpointRequest, EndpointResponse } from '../types.js';
import { checkClientAndRedirect, parseAuthorizationRequest } from './parse.js';
import { continueAuthorization } from './flow.js';
import { respondWithError } from './respond.js';
import { currentSession } from '../signin/browser-session.js';

/**
 * The authorization endpoint (RFC 6749 §3.1, OIDC Core §3.1.2), GET and POST at
 * `/signin/v1/identifier/_/authorize`: verify the client and redirect_uri (errors shown as a
 * page), validate the rest (errors redirected to the client), then continue the flow.
 */
export async function handleAuthorize(req: EndpointRequest, deps: BrowserDeps): Promise<EndpointResponse> {
  const params = req.method === 'POST' ? req.body : req.query;
  const { client, target } = checkClientAndRedirect(params, deps);
  let request;
  try {
    request = parseAuthorizationRequest(params, client, target, deps);
  } catch (error) {
    if (isOAuthError(error)) return respondWithError(target, deps.config.issuer, error);
    throw error;
  }
  const session = await currentSession(req, deps);
  return continueAuthorization(
    { request, interactionId: null, authenticatedInInteraction: false, consentedInInteraction: false },
    session,
    deps,
  );
}
