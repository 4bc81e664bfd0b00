import { OAuthError } from '../../oauth/errors.js';
import { matchRedirectUri } from '../../oauth/redirect-uri.js';
import { parseResponseMode, type ResponseMode } from '../../oauth/response-mode.js';
import { parseScope, grantableScopes, offeredScopes } from '../../oauth/scopes.js';
import { parsePrompt, parseMaxAge } from '../../oauth/prompt.js';
import { checkCodeChallenge } from '../../oauth/pkce.js';
import type { Client } from '../../clients/types.js';
import { resolveClient } from '../../clients/implicit-trust.js';
import { extraScopesOf, type Deps, type Params } from '../types.js';
import { optionalParam, rejectRepeatedParams, requiredParam } from '../params.js';
import type { AuthorizationRequest, VerifiedTarget } from './request.js';

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
    throw new OAuthError(
      'invalid_request',
      'The application that sent you here is not registered with this sign-in service.',
      {
        detail: `unknown client_id ${clientId.slice(0, 200)}`,
      },
    );
  }
  if (!matchRedirectUri(client, redirectUri, { ignoreQuery: deps.config.compat.redirectUriIgnoresQuery })) {
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

/** The response mode for error redirects: the requested one when valid, else the default. */
function lenientResponseMode(params: Params): ResponseMode {
  try {
    return parseResponseMode(optionalParam(params, 'response_mode'), 'code');
  } catch {
    return 'query';
  }
}

function lenientState(params: Params): string | null {
  const values = params.get('state');
  return values?.length === 1 && values[0] !== '' ? (values[0] as string) : null;
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
 * Step 2: the rest of the request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1).
 * Errors thrown here are not yet redirectable; the handler marks them so, since step 1 has
 * verified the target. Unknown parameters are ignored. Requested scopes that are not offered
 * (standard ones, the identity backend's extras, narrowed by `allowedScopes`; konnect-spec
 * §3.1, §4.11) are dropped silently.
 */
export function parseAuthorizationRequest(
  params: Params,
  client: Client,
  target: VerifiedTarget,
  deps: Deps,
): AuthorizationRequest {
  rejectRepeatedParams(params, SINGLE_VALUED);
  if (optionalParam(params, 'request') !== undefined) {
    throw new OAuthError('request_not_supported', 'request objects are not supported');
  }
  if (optionalParam(params, 'request_uri') !== undefined) {
    throw new OAuthError('request_uri_not_supported', 'request_uri is not supported');
  }
  if (optionalParam(params, 'registration') !== undefined) {
    throw new OAuthError('registration_not_supported', 'the registration parameter is not supported');
  }
  const responseType = requiredParam(params, 'response_type');
  if (responseType !== 'code') {
    throw new OAuthError('unsupported_response_type', 'only response_type=code is supported');
  }
  const responseMode = parseResponseMode(optionalParam(params, 'response_mode'), responseType);
  const requested = parseScope(requiredParam(params, 'scope'));
  if (!requested.includes('openid')) {
    throw new OAuthError('invalid_scope', 'the scope must include openid');
  }
  const challenge = checkCodeChallenge(
    optionalParam(params, 'code_challenge'),
    optionalParam(params, 'code_challenge_method'),
    client.codeChallengeMethods,
  );
  if (challenge === null && client.secret === null && !deps.config.compat.anySecretForSecretlessClients) {
    throw new OAuthError('invalid_request', 'a public client must use PKCE (code_challenge with S256)');
  }
  return {
    clientId: client.id,
    redirectUri: target.redirectUri,
    responseType: 'code',
    responseMode,
    scopes: grantableScopes(requested, offeredScopes(extraScopesOf(deps), deps.config.allowedScopes), {
      responseType,
    }),
    state: opaque(params, 'state'),
    nonce: opaque(params, 'nonce'),
    prompt: [...parsePrompt(optionalParam(params, 'prompt'))],
    maxAge: parseMaxAge(optionalParam(params, 'max_age')),
    codeChallenge: challenge?.challenge ?? null,
    codeChallengeMethod: challenge?.method ?? null,
    loginHint: optionalParam(params, 'login_hint')?.slice(0, 256) ?? null,
    uiLocales: optionalParam(params, 'ui_locales')?.slice(0, 256) ?? null,
  };
}

function opaque(params: Params, name: string): string | null {
  const value = optionalParam(params, name);
  if (value === undefined) return null;
  if (value.length > MAX_OPAQUE_LENGTH) {
    throw new OAuthError('invalid_request', `${name} is too long (at most ${MAX_OPAQUE_LENGTH} characters)`);
  }
  return value;
}
