import { signOutConfirmPage, signedOutPage } from '../../views/index.js';
import { OAuthError } from '../../oauth/errors.js';
import { matchPostLogoutRedirectUri } from '../../oauth/redirect-uri.js';
import { buildAuthorizationResponse } from '../../oauth/response-mode.js';
import { resolveClient } from '../../clients/implicit-trust.js';
import { relaxationsFor } from '../../clients/relaxations.js';
import type { Client } from '../../clients/types.js';
import type { IdTokenHint } from '../../tokens/types.js';
import { queueBackchannelLogout } from '../../logout/queue-backchannel-logout.js';
import type { BrowserDeps, EndpointRequest, EndpointResponse, Params } from '../types.js';
import { optionalParam, rejectRepeatedParams } from '../params.js';
import { paths } from '../paths.js';
import { brandingOf, localeOf, pageResponse } from '../pages.js';
import {
  checkCsrf,
  clearBrowserState,
  clearSessionCookie,
  csrfFor,
  currentSession,
} from '../signin/browser-session.js';

const PURPOSE = 'endsession';
const CARRIED = ['id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id', 'ui_locales'] as const;

interface EndSessionRequest {
  readonly hint: IdTokenHint | null;
  readonly client: Client | null;
  /** Verified against the client's registration. */
  readonly postLogoutRedirectUri: string | null;
  readonly state: string | null;
  readonly carried: Record<string, string>;
}

/**
 * OpenID Connect RP-Initiated Logout 1.0 at `/signin/v1/identifier/_/endsession`.
 * A valid `id_token_hint` for the current session ends it at once; otherwise the user
 * confirms with a CSRF-protected form. Only a post_logout_redirect_uri registered for the
 * hinted client is followed (on scheme+host+path under Konnect compatibility); `state` is
 * added to its query and its fragment kept, as Kopano Meet expects
 * (`…/meet/?state=X#oidc-endsession-callback`, kopano-meet.md req. 30). The hint may have
 * expired (req. 31). Without a usable URI the signed-out page is shown.
 */
export async function handleEndSession(req: EndpointRequest, deps: BrowserDeps): Promise<EndpointResponse> {
  const params = req.method === 'POST' ? req.body : req.query;
  const request = await parse(params, deps);
  const session = await currentSession(req, deps);
  const confirmed = req.method === 'POST' && req.body.has('csrf');
  if (confirmed) checkCsrf(req, deps, PURPOSE);

  const hintMatches = session !== null && request.hint !== null && hintIsFor(request.hint, session.id);
  if (session && !hintMatches && !confirmed) {
    const csrf = csrfFor(req, deps, PURPOSE);
    const page = signOutConfirmPage({
      locale: localeOf(req),
      action: paths.endSession,
      branding: brandingOf(deps.config),
      csrfToken: csrf.token,
      hiddenFields: request.carried,
      clientName: request.client?.name ?? null,
    });
    const targets = request.postLogoutRedirectUri ? [new URL(request.postLogoutRedirectUri).origin] : [];
    return pageResponse(page, { cookies: csrf.cookies, formTargets: targets });
  }
  if (session) {
    await deps.sessions.end(session.id);
    deps.log.info({ sid: session.id }, 'signed out');
    await queueBackchannelLogout(deps, session);
  }
  const cookies = [clearSessionCookie(deps), ...clearBrowserState(deps)];
  if (request.postLogoutRedirectUri) {
    // `state` joins the URI's query before its fragment, encoded as authorization responses
    // are (`%20`: oidc-client decodes with decodeURIComponent, which leaves `+` alone).
    const response = buildAuthorizationResponse(request.postLogoutRedirectUri, 'query', {
      state: request.state ?? undefined,
    });
    if (response.kind !== 'redirect') throw new Error('handleEndSession: a query response is a redirect');
    return { kind: 'redirect', location: response.location, cookies };
  }
  return pageResponse(signedOutPage({ locale: localeOf(req), branding: brandingOf(deps.config) }), {
    cookies,
  });
}

/** The hint belongs to this browser's session (its `sid`), so no confirmation is needed. */
function hintIsFor(hint: IdTokenHint, sessionId: string): boolean {
  return hint.sid !== null && hint.sid === sessionId;
}

async function parse(params: Params, deps: BrowserDeps): Promise<EndSessionRequest> {
  rejectRepeatedParams(params, CARRIED);
  const hintToken = optionalParam(params, 'id_token_hint');
  const hint = hintToken ? await deps.tokens.verifyIdTokenHint(hintToken) : null;
  if (hintToken && !hint)
    throw new OAuthError('invalid_request', 'id_token_hint is not a valid ID token of this provider.');
  const clientId = optionalParam(params, 'client_id');
  if (hint && clientId !== undefined && clientId !== hint.aud) {
    throw new OAuthError('invalid_request', 'client_id does not match the id_token_hint.');
  }
  const uri = optionalParam(params, 'post_logout_redirect_uri') ?? null;
  await deps.clients.catchUp?.(hint?.aud ?? clientId ?? '');
  const client = resolveClient(
    deps.clients,
    hint?.aud ?? clientId ?? '',
    uri ?? undefined,
    deps.config.issuer,
    deps.config.compat,
  );
  if (
    uri !== null &&
    (client === null ||
      !matchPostLogoutRedirectUri(client, uri, {
        ignoreQuery: relaxationsFor(client, deps.config.compat).redirectUriIgnoresQuery,
      }))
  ) {
    throw new OAuthError(
      'invalid_request',
      'The address to return to after signing out is not registered for this application.',
      { detail: `post_logout_redirect_uri ${uri.slice(0, 300)} for client ${client?.id ?? '(none)'}` },
    );
  }
  const carried: Record<string, string> = {};
  for (const name of CARRIED) {
    const value = optionalParam(params, name);
    if (value !== undefined) carried[name] = value;
  }
  return { hint, client, postLogoutRedirectUri: uri, state: optionalParam(params, 'state') ?? null, carried };
}
