import { buildAuthorizationResponse, withoutResponseParameters } from '../../oauth/response-mode.js';
import type { OAuthError } from '../../oauth/errors.js';
import { relaxationsFor } from '../../clients/relaxations.js';
import { browserState, originOf, sessionState } from '../../oauth/session-state.js';
import { browserStateCookie } from '../check-session/browser-state-cookie.js';
import type { CookieInstruction, Deps, EndpointResponse } from '../types.js';
import type { VerifiedTarget } from './request.js';
import { formPostResponse } from '../pages.js';

/**
 * Who the browser is signed in as once this response is sent, for OpenID Connect Session
 * Management: the public subject, or null for nobody.
 */
export interface BrowserOutcome {
  readonly subject: string | null;
}

/**
 * Sends the authorization response to the verified redirect_uri in the requested mode, with
 * `state` (RFC 6749 §4.1.2) and `iss` (RFC 9207). Under Konnect's relaxed redirect-URI
 * matching (never for a dynamically registered client), query parameters named like response
 * parameters are dropped from the redirect URI first, so a requester cannot place its own
 * `code` or `state` ahead of the real ones.
 *
 * With session management on and a `browser` outcome given, the response also sets the
 * browser-state cookie the check-session iframe reads, and a successful response carries
 * `session_state` (OIDC Session Management §3; Konnect's algorithm, kopano-meet.md req. 33).
 */
export function respondToClient(
  target: VerifiedTarget,
  deps: Deps,
  params: Readonly<Record<string, string | undefined>>,
  browser?: BrowserOutcome,
): EndpointResponse {
  const { issuer } = deps.config;
  const fields: Record<string, string | undefined> = { ...params, state: target.state ?? undefined };
  const cookies: CookieInstruction[] = [];
  if (deps.config.sessionManagement && browser !== undefined) {
    const state = browserState(browser.subject, issuer);
    cookies.push(browserStateCookie(state, issuer.startsWith('https:')));
    if (params.error === undefined) {
      fields.session_state = sessionState(target.clientId, originOf(target.redirectUri), state);
    }
  }
  fields.iss = issuer;
  // Under Konnect's relaxed matching the query was the requester's to choose (issue 7 item 5).
  const redirectUri = matchedIgnoringQuery(target, deps)
    ? withoutResponseParameters(target.redirectUri)
    : target.redirectUri;
  const response = buildAuthorizationResponse(redirectUri, target.responseMode, fields);
  const answer: EndpointResponse =
    response.kind === 'redirect'
      ? { kind: 'redirect', location: response.location }
      : formPostResponse(response.action, response.fields);
  return cookies.length === 0 ? answer : { ...answer, cookies: [...(answer.cookies ?? []), ...cookies] };
}

/**
 * Whether the target's redirect URI was matched under Konnect's relaxed matching: never for a
 * dynamically registered client. An implicitly trusted client, not in `deps.clients`, is
 * always one of the relaxation.
 */
function matchedIgnoringQuery(target: VerifiedTarget, deps: Deps): boolean {
  const client = deps.clients.get(target.clientId);
  const relaxations = client === null ? deps.config.compat : relaxationsFor(client, deps.config.compat);
  return relaxations.redirectUriIgnoresQuery;
}

/** An error response to the verified redirect_uri (RFC 6749 §4.1.2.1, §4.2.2.1). */
export function respondWithError(
  target: VerifiedTarget,
  deps: Deps,
  error: OAuthError,
  browser?: BrowserOutcome,
): EndpointResponse {
  return respondToClient(target, deps, { error: error.code, error_description: error.description }, browser);
}
