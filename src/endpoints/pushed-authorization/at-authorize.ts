import { OAuthError } from '../../oauth/errors.js';
import { checkClientAndRedirect } from '../authorize/parse.js';
import { respondWithError } from '../authorize/respond.js';
import { rejectRepeatedParams, requiredParam } from '../params.js';
import type { Deps, EndpointResponse, Params } from '../types.js';
import { asParams, isPushedRequestUri, pushedRequestKey } from './pushed-request.js';

/**
 * The authorization endpoint's side of RFC 9126 §4: a `request_uri` the PAR endpoint handed
 * out stands for the parameters pushed there. Returns them — the pushed request is taken, so
 * it serves once, and only by the client that pushed it — or null when the request carries
 * no such `request_uri` (any other `request_uri` is left to the endpoint, which answers
 * `request_uri_not_supported`).
 *
 * Of the request's own parameters only `client_id` counts, and it must name the client that
 * pushed. Every other one is ignored, as RFC 9126 §4 builds the request as RFC 9101 §5 does,
 * where the authorization server "MUST only use the parameters" of the request object —
 * here, of the pushed request. Refusing them instead would break clients that repeat
 * `response_type` and `scope` for OpenID Connect (OIDC Core §6.2), and using them would let
 * whoever builds the URL change a request its client authenticated.
 *
 * @throws OAuthError shown as a page, since no redirect_uri is verified yet:
 *   `invalid_request` without a single `client_id`; `invalid_request_uri` for a request_uri
 *   unknown, expired, already used, or pushed by another client (which leaves it usable by
 *   the client that pushed it).
 */
export async function takePushedRequest(query: Params, deps: Deps): Promise<Params | null> {
  const values = query.get('request_uri');
  // Repeated or foreign request_uri values are refused by the authorization endpoint itself.
  if (values?.length !== 1 || values[0] === undefined || !isPushedRequestUri(values[0])) return null;
  const requestUri = values[0];
  rejectRepeatedParams(query, ['client_id']);
  const clientId = requiredParam(query, 'client_id');
  // Taken only for the client named, so a request_uri presented with another client_id stays
  // usable by the client that pushed it.
  const pushed = await deps.storage.pushedRequests.take(
    pushedRequestKey(requestUri),
    clientId,
    deps.clock.now(),
  );
  if (pushed === null) {
    throw new OAuthError(
      'invalid_request_uri',
      'This sign-in request has expired, was already used, or was made by another application. Go back to the application and try again.',
      {
        detail: `client ${clientId.slice(0, 200)}: request_uri unknown, expired, used or pushed by another client`,
      },
    );
  }
  const ignored = [...query.keys()].filter((name) => name !== 'client_id' && name !== 'request_uri');
  if (ignored.length > 0) {
    deps.log.debug({ clientId, ignored: ignored.slice(0, 20) }, 'parameters beside a pushed request ignored');
  }
  return asParams(pushed.params);
}

/**
 * RFC 9126 §5–6, §4: a client registered with `require_pushed_authorization_requests` must
 * push every authorization request; one that arrives directly is refused `invalid_request`.
 * Like every error at the authorization endpoint, that goes to the request's redirect_uri once
 * it is verified, and is a page before. Returns null for every other client; nothing else
 * makes PAR mandatory.
 */
export function refuseUnpushedRequest(query: Params, deps: Deps): EndpointResponse | null {
  const ids = query.get('client_id');
  const client = ids?.length === 1 && ids[0] !== undefined ? deps.clients.get(ids[0]) : null;
  if (client === null || !client.requirePushedAuthorizationRequests) return null;
  const { target } = checkClientAndRedirect(query, deps);
  deps.log.info({ clientId: client.id }, 'authorization request refused: the client must push it');
  return respondWithError(
    target,
    deps,
    new OAuthError('invalid_request', 'this client must send its authorization requests through PAR'),
  );
}
