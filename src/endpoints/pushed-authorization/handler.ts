import { OAuthError } from '../../oauth/errors.js';
import { checkClientAndRedirect, parseAuthorizationRequest } from '../authorize/parse.js';
import { applyRequestObject } from '../authorize/request-object.js';
import { authenticateOrChallenge, NO_STORE_HEADERS } from '../token/authenticate-client.js';
import type { Deps, EndpointRequest, EndpointResponse, Params } from '../types.js';
import { parsePushedAuthorizationRequest } from './parse.js';
import {
  asParams,
  newPushedRequestUri,
  PUSHED_REQUEST_LIFETIME_SECONDS,
  pushedRequestKey,
  pushedRequestLimits,
} from './pushed-request.js';

/**
 * The pushed authorization request endpoint, `POST /konnect/v1/par` (RFC 9126). In order:
 * parse the form; authenticate the client as at the token endpoint (a public client by its
 * `client_id`, held to PKCE below like at authorize); check the request exactly as the
 * authorization endpoint will — a request object verified with the client's keys, the
 * redirect_uri registered, response type, scope, PKCE, hints — so that every error is answered
 * here as JSON (RFC 9126 §2.3) rather than in the browser; keep it under the hash of a new
 * `request_uri`; answer 201 `{request_uri, expires_in}` (§2.2).
 *
 * What is kept is the request as pushed (a request object still signed), so the authorization
 * endpoint checks it again with the registrations of that moment (§4: "as it would any other
 * authorization request").
 */
export async function handlePushedAuthorization(req: EndpointRequest, deps: Deps): Promise<EndpointResponse> {
  if (req.method !== 'POST') return methodNotAllowed();
  const pushed = parsePushedAuthorizationRequest(req);
  const authenticated = await authenticateOrChallenge(deps, pushed.credentials);
  if ('kind' in authenticated) return authenticated;
  const { client } = authenticated;
  // With Basic authentication the body need not name the client; the request must.
  const params: Record<string, string> = { ...pushed.params, client_id: client.id };
  await checkAsAuthorizationRequest(asParams(params), deps);

  const now = deps.clock.now();
  await rejectOverLimit(client.id, now, deps);
  const requestUri = newPushedRequestUri();
  await deps.storage.pushedRequests.create({
    requestUriHash: pushedRequestKey(requestUri),
    clientId: client.id,
    params,
    createdAt: now,
    expiresAt: now + PUSHED_REQUEST_LIFETIME_SECONDS * 1000,
  });
  deps.log.info({ clientId: client.id }, 'authorization request pushed');
  return {
    kind: 'json',
    status: 201,
    headers: NO_STORE_HEADERS,
    body: { request_uri: requestUri, expires_in: PUSHED_REQUEST_LIFETIME_SECONDS },
  };
}

/**
 * The authorization endpoint's own checks (authorize/handler.ts), run on the pushed request;
 * each failure is thrown as the OAuthError the endpoint would have sent the browser back with.
 */
async function checkAsAuthorizationRequest(params: Params, deps: Deps): Promise<void> {
  const { params: applied, requestObject } = await applyRequestObject(params, deps, { pushed: true });
  const { client, target } = checkClientAndRedirect(applied, deps);
  await parseAuthorizationRequest(applied, client, target, deps, requestObject);
}

/** RFC 9126 §2.3: POST only (RFC 9110 §15.5.6 wants `Allow`). */
function methodNotAllowed(): EndpointResponse {
  const error = new OAuthError('invalid_request', 'the pushed authorization endpoint accepts only POST', {
    status: 405,
  });
  return { kind: 'json', status: 405, headers: { ...NO_STORE_HEADERS, Allow: 'POST' }, body: error.toJSON() };
}

/**
 * RFC 9126 §2.3 lets the endpoint answer 429 when a client pushes too much: refuses a request
 * beyond {@link pushedRequestLimits}, logged at warn since it means a flood or a broken client.
 */
async function rejectOverLimit(clientId: string, now: number, deps: Deps): Promise<void> {
  const [ofClient, total] = await Promise.all([
    deps.storage.pushedRequests.countLive(now, clientId),
    deps.storage.pushedRequests.countLive(now),
  ]);
  if (ofClient < pushedRequestLimits.perClient && total < pushedRequestLimits.total) return;
  deps.log.warn({ clientId, ofClient, total }, 'pushed authorization request refused: too many pending');
  throw new OAuthError(
    'temporarily_unavailable',
    'too many pushed authorization requests are pending; retry later',
    {
      status: 429,
    },
  );
}
