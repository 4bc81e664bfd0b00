import { OAuthError, isOAuthError } from '../../oauth/errors.js';
import { matchRedirectUri } from '../../oauth/redirect-uri.js';
import { defaultResponseMode, parseResponseMode, type ResponseMode } from '../../oauth/response-mode.js';
import { nonceRequired, parseResponseType, returns, type ResponseType } from '../../oauth/response-type.js';
import { parseScope, grantableScopes, offeredScopes } from '../../oauth/scopes.js';
import { parsePrompt, parseMaxAge } from '../../oauth/prompt.js';
import { checkCodeChallenge } from '../../oauth/pkce.js';
import {
  parseClaimsParameter,
  readClaimsRequest,
  requestedSubject,
  withoutPassthru,
  type ClaimsRequest,
} from '../../oauth/claims-request.js';
import { approveGuestScopes, guestFromRequest } from '../../identity/guest/guest.js';
import type { Client } from '../../clients/types.js';
import { resolveClient } from '../../clients/implicit-trust.js';
import { closestClientIds, closestRedirectUri } from '../../oauth/refusal-hints.js';
import { DYNAMIC_CLIENT_ID_PREFIX } from '../../clients/dynamic-client.js';
import { relaxationsFor } from '../../clients/relaxations.js';
import { extraScopesOf, type Deps, type Params } from '../types.js';
import { optionalParam, rejectRepeatedParams, requiredParam } from '../params.js';
import type { AuthorizationRequest, VerifiedTarget } from './request.js';
import type { RequestObject } from './request-object.js';

/** Longest `state` / `nonce` accepted; long enough for any RP seen, short enough to store. */
const MAX_OPAQUE_LENGTH = 2048;

/**
 * Step 1 of the authorization endpoint: the client and its redirect_uri. Nothing is redirected
 * before both are verified (RFC 6749 §4.1.2.1); every error here is shown to the user.
 */
export function checkClientAndRedirect(
  params: Params,
  deps: Deps,
): { client: Client; target: VerifiedTarget } {
  rejectRepeatedParams(params, ['client_id', 'redirect_uri']);
  const clientId = requiredParam(params, 'client_id');
  const redirectUri = requiredParam(params, 'redirect_uri');
  const client = resolveClient(deps.clients, clientId, redirectUri, deps.config.issuer, deps.config.compat);
  if (client !== null && deps.clients.get(clientId) === null) {
    deps.log.warn(
      { relaxation: 'implicitTrustOnIssuerHost', client_id: clientId, redirect_uri: redirectUri },
      "Konnect compatibility: accepted an unregistered client because its redirect URI is on the issuer's origin — register it and turn compatibility off to require registration",
    );
  }
  if (!client) {
    warnRefused(deps, 'unknown client_id', clientId, redirectUri, () => ({
      // Dynamically registered ids are random: only the operator's own can be a typo's target.
      closest_client_ids: closestClientIds(
        clientId,
        deps.clients
          .all()
          .map((c) => c.id)
          .filter((id) => !id.startsWith(DYNAMIC_CLIENT_ID_PREFIX)),
      ),
    }));
    throw new OAuthError(
      'invalid_request',
      'The application that sent you here is not registered with this sign-in service.',
      {
        detail: `unknown client_id ${clientId.slice(0, 200)}`,
      },
    );
  }
  const { redirectUriIgnoresQuery } = relaxationsFor(client, deps.config.compat);
  if (!matchRedirectUri(client, redirectUri, { ignoreQuery: redirectUriIgnoresQuery })) {
    warnRefused(deps, 'redirect_uri not registered for the client', clientId, redirectUri, () => {
      const hint = closestRedirectUri(redirectUri, client.redirectUris);
      return {
        closest_registered: hint?.closest ?? null,
        difference: hint?.difference ?? 'the client registers no redirect_uri',
      };
    });
    throw new OAuthError(
      'invalid_request',
      'The address the application asked to return to is not registered for it.',
      {
        detail: `client ${clientId}: redirect_uri ${redirectUri.slice(0, 300)} not registered`,
      },
    );
  }
  return {
    client,
    target: { clientId, redirectUri, responseMode: lenientResponseMode(params), state: lenientState(params) },
  };
}

/**
 * An authorization request refused before its redirect_uri could be trusted: the user sees a
 * page, and the operator, who is the one who can mend the registration, gets a warning with
 * what was probably meant — once a minute per client and URI, however often it is sent. The
 * hint is worked out only for a line that is logged.
 */
function warnRefused(
  deps: Deps,
  reason: string,
  clientId: string,
  redirectUri: string,
  hint: () => Record<string, unknown>,
): void {
  const sentId = clientId.slice(0, 200);
  const sentUri = redirectUri.slice(0, 500);
  if (deps.warnings?.allows(`authorize refused: ${sentId} ${sentUri}`, deps.clock.now()) === false) return;
  deps.log.warn(
    { client_id: sentId, redirect_uri: sentUri, ...hint() },
    `authorization request refused: ${reason}`,
  );
}

/**
 * The response mode for error redirects: the requested one when valid, else the default of
 * the requested response type (fragment for token-returning types, query otherwise).
 */
function lenientResponseMode(params: Params): ResponseMode {
  const type = lenientValue(params, 'response_type') ?? 'code';
  try {
    return parseResponseMode(lenientValue(params, 'response_mode'), type);
  } catch {
    return defaultResponseMode(type);
  }
}

function lenientState(params: Params): string | null {
  return lenientValue(params, 'state') ?? null;
}

function lenientValue(params: Params, name: string): string | undefined {
  const values = params.get(name);
  return values?.length === 1 && values[0] !== '' ? values[0] : undefined;
}

const SINGLE_VALUED = [
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'prompt',
  'max_age',
  'code_challenge',
  'code_challenge_method',
  'login_hint',
  'ui_locales',
  'id_token_hint',
  'display',
  'claims',
  'request',
  'request_uri',
  'registration',
] as const;

/**
 * Step 2: the rest of the request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1,
 * §3.2.2.1, §3.3.2.1, §5.5), after a request object's parameters replaced the query's.
 * The handler answers errors thrown here at the redirect_uri, which step 1 has verified.
 * Unknown parameters are ignored.
 *
 * Scopes: requested scopes that are not offered (standard ones, the identity backend's
 * extras, narrowed by `allowedScopes`; konnect-spec §3.1, §4.11) are dropped silently —
 * except that under `compat.trustedClientsGetAllScopes` a trusted client is granted every
 * scope it asks for (Konnect; Kopano Meet's `kopano/kwm`, kopano-meet.md req. 12).
 */
export async function parseAuthorizationRequest(
  params: Params,
  client: Client,
  target: VerifiedTarget,
  deps: Deps,
  requestObject: RequestObject | null = null,
): Promise<AuthorizationRequest> {
  rejectRepeatedParams(params, SINGLE_VALUED);
  if (optionalParam(params, 'request_uri') !== undefined) {
    throw new OAuthError('request_uri_not_supported', 'request_uri is not supported');
  }
  if (optionalParam(params, 'registration') !== undefined) {
    throw new OAuthError('registration_not_supported', 'the registration parameter is not supported');
  }
  const responseType = parseResponseType(requiredParam(params, 'response_type'));
  refuseUnsignedIdTokenHere(client, responseType);
  const responseMode = parseResponseMode(optionalParam(params, 'response_mode'), responseType);
  const requested = parseScope(requiredParam(params, 'scope'));
  if (!requested.includes('openid')) {
    throw new OAuthError('invalid_scope', 'the scope must include openid');
  }
  const nonce = opaque(params, 'nonce');
  if (nonce === null && nonceRequired(responseType)) {
    throw new OAuthError('invalid_request', `a nonce is required for response_type ${responseType}`);
  }
  const challenge = returns(responseType, 'code') ? checkPkce(params, client, deps) : null;
  const claims = claimsOf(params, requestObject);
  const requiredSubjects = await subjectsNamed(params, claims, deps);
  return {
    clientId: client.id,
    redirectUri: target.redirectUri,
    responseType,
    responseMode,
    scopes: userScopes(requested, client, responseType, deps),
    claims,
    state: opaque(params, 'state'),
    nonce,
    prompt: [...parsePrompt(optionalParam(params, 'prompt'))],
    maxAge: parseMaxAge(optionalParam(params, 'max_age')),
    codeChallenge: challenge?.challenge ?? null,
    codeChallengeMethod: challenge?.method ?? null,
    loginHint: optionalParam(params, 'login_hint')?.slice(0, 256) ?? null,
    uiLocales: optionalParam(params, 'ui_locales')?.slice(0, 256) ?? null,
    requiredSubjects,
    guest: guestOf(requested, claims, client, requestObject, deps),
  };
}

/**
 * OIDC Registration §2: `id_token_signed_response_alg` `none` is allowed only for a client
 * that gets no ID token from the authorization endpoint. Sesame enforces that here, for the
 * request, rather than at registration: `grant_types` of the registration file are not
 * enforced (konnect-spec §2.1), so only the response type actually asked for tells. Such a
 * client may use the code flow, where its ID tokens come unsigned from the token endpoint;
 * `id_token` and the hybrid types are refused `unauthorized_client` (RFC 6749 §4.1.2.1).
 *
 * @throws OAuthError `unauthorized_client`
 */
export function refuseUnsignedIdTokenHere(client: Client, responseType: ResponseType): void {
  if (client.idTokenSignedResponseAlg !== 'none' || !returns(responseType, 'id_token')) return;
  throw new OAuthError(
    'unauthorized_client',
    `the client is registered for unsigned ID tokens, which are never returned from the authorization endpoint: response_type ${responseType} is not allowed for it`,
    { detail: `client ${client.id}: id_token_signed_response_alg none with response_type ${responseType}` },
  );
}

/**
 * RFC 7636 §4.3 for a response type that returns a code. A public client must use it, except
 * under Konnect compatibility (konnect-spec §2.4, §4.3) for a client of the registration file.
 */
function checkPkce(params: Params, client: Client, deps: Deps) {
  const challenge = checkCodeChallenge(
    optionalParam(params, 'code_challenge'),
    optionalParam(params, 'code_challenge_method'),
    client.codeChallengeMethods,
  );
  // A dynamically registered client keeps its secret only as `secretHash`: it is public
  // only when it has neither.
  const isPublic = client.secret === null && (client.secretHash ?? null) === null;
  const { anySecretForSecretlessClients } = relaxationsFor(client, deps.config.compat);
  if (challenge === null && isPublic && !anySecretForSecretlessClients) {
    throw new OAuthError('invalid_request', 'a public client must use PKCE (code_challenge with S256)');
  }
  return challenge;
}

/**
 * The claims request (OIDC Core §5.5): the request object's when it has one, else the
 * `claims` parameter. Konnect's `passthru` member is kept only from a signed request object
 * (kopano-meet.md req. 37).
 */
function claimsOf(params: Params, requestObject: RequestObject | null): ClaimsRequest | null {
  if (requestObject !== null && requestObject.claims !== undefined) {
    const claims = readClaimsRequest(requestObject.claims);
    return requestObject.signed ? claims : withoutPassthru(claims);
  }
  const text = optionalParam(params, 'claims');
  return text === undefined ? null : withoutPassthru(parseClaimsParameter(text));
}

/**
 * The subjects the request names: a verified `id_token_hint` (our signature; its expiry does
 * not matter, OIDC Core §3.1.2.1, kopano-meet.md req. 27) and a `sub` claim request.
 *
 * @throws OAuthError `invalid_request` for a hint that is not an ID token we signed (unsigned,
 *   foreign, tampered).
 */
async function subjectsNamed(params: Params, claims: ClaimsRequest | null, deps: Deps): Promise<string[]> {
  const subjects: string[] = [];
  const hintToken = optionalParam(params, 'id_token_hint');
  if (hintToken !== undefined) {
    const hint = await deps.tokens.verifyIdTokenHint(hintToken);
    if (hint === null) {
      throw new OAuthError(
        'invalid_request',
        'id_token_hint is not a valid ID token issued by this provider',
      );
    }
    subjects.push(hint.sub);
  }
  const sub = claims === null ? null : requestedSubject(claims);
  if (sub !== null) subjects.push(sub);
  return subjects;
}

/** The scopes a signed-in user's authorization may grant (see {@link parseAuthorizationRequest}). */
function userScopes(
  requested: readonly string[],
  client: Client,
  responseType: ResponseType,
  deps: Deps,
): string[] {
  const { allowedScopes } = deps.config;
  const offered =
    client.trusted && relaxationsFor(client, deps.config.compat).trustedClientsGetAllScopes
      ? allowedScopes && allowedScopes.length > 0
        ? ['openid', ...allowedScopes]
        : requested
      : offeredScopes(extraScopesOf(deps), allowedScopes);
  return grantableScopes(requested, offered, { responseType });
}

/**
 * A guest the client's signed request object describes (kopano-meet.md req. 38), with the
 * scopes a guest may be granted; null unless guests are allowed and the request asks for one.
 */
function guestOf(
  requested: readonly string[],
  claims: ClaimsRequest | null,
  client: Client,
  requestObject: RequestObject | null,
  deps: Deps,
): AuthorizationRequest['guest'] {
  if (!deps.config.allowClientGuests) return null;
  // The guest's values must come from the signed object itself, not from a `claims` query
  // parameter that a signed object without claims would leave in place.
  const signed = requestObject?.signed === true && requestObject.claims !== undefined;
  let record;
  try {
    record = guestFromRequest({ scopes: requested, claims, signed });
  } catch (error) {
    // As in Konnect (identity/managers/identifier.go), a guest request that does not hold up
    // leaves the request to the signed-in user, or to the sign-in page.
    if (!isOAuthError(error)) throw error;
    deps.log.warn(
      { clientId: client.id, error: error.code, detail: error.description },
      'guest request refused',
    );
    return null;
  }
  if (record === null) return null;
  const backendScopes = offeredScopes(deps.identity.extraScopes ?? []);
  return { record, scopes: approveGuestScopes(requested, client, backendScopes) };
}

function opaque(params: Params, name: string): string | null {
  const value = optionalParam(params, name);
  if (value === undefined) return null;
  if (value.length > MAX_OPAQUE_LENGTH) {
    throw new OAuthError('invalid_request', `${name} is too long (at most ${MAX_OPAQUE_LENGTH} characters)`);
  }
  return value;
}
