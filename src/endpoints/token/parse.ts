import type { CompatRelaxations } from '../../config/types.js';
import { OAuthError } from '../../oauth/errors.js';
import { parseScope } from '../../oauth/scopes.js';
import { optionalParam, rejectRepeatedParams, requiredParam } from '../params.js';
import type { EndpointRequest, Params } from '../types.js';

/** Client credentials as presented, before authentication (RFC 6749 §2.3.1, RFC 7521 §4.2). */
export interface ClientCredentials {
  readonly authorization: string | undefined;
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  /** `client_assertion_type` (RFC 7521 §4.2). */
  readonly clientAssertionType?: string | undefined;
  /** `client_assertion`: a JWT for `private_key_jwt` or `client_secret_jwt` (RFC 7523 §2.2). */
  readonly clientAssertion?: string | undefined;
  /**
   * The path of the endpoint the credentials were presented to: an assertion's `aud` may name
   * its URL (RFC 7523 §3, RFC 9126 §2). Absent: the token endpoint.
   */
  readonly endpointPath?: string;
  /**
   * True when the parameters (these credentials among them) came from the URL query of an
   * empty POST, under `compat.lenientTokenRequests` (konnect-spec §9.2). Absent: the body.
   */
  readonly paramsFromQuery?: boolean;
}

/** RFC 6749 §4.1.3 with RFC 7636 §4.5. */
export interface AuthorizationCodeRequest {
  readonly grantType: 'authorization_code';
  readonly credentials: ClientCredentials;
  readonly code: string;
  readonly redirectUri: string;
  readonly codeVerifier: string | undefined;
}

/** RFC 6749 §6. */
export interface RefreshTokenRequest {
  readonly grantType: 'refresh_token';
  readonly credentials: ClientCredentials;
  readonly refreshToken: string;
  /** null when `scope` was omitted: the scopes of the original grant apply. */
  readonly scopes: readonly string[] | null;
}

/** RFC 6749 §4.4.2. */
export interface ClientCredentialsRequest {
  readonly grantType: 'client_credentials';
  readonly credentials: ClientCredentials;
  /** The requested scopes; empty when `scope` was omitted. */
  readonly scopes: readonly string[];
}

export type TokenRequest = AuthorizationCodeRequest | RefreshTokenRequest | ClientCredentialsRequest;

/** Every parameter the token endpoint recognises; each may occur at most once (RFC 6749 §3.1). */
const TOKEN_PARAMS = [
  'grant_type',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'scope',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
] as const;

/** No relaxation: parameters from the form body only. */
const STRICT: Pick<CompatRelaxations, 'lenientTokenRequests'> = Object.freeze({
  lenientTokenRequests: false,
  trustedClientsGetAllScopes: false,
});

/**
 * Turns a raw token request into a typed one. Parameters come from the form body only
 * (konnect-spec §4.6; RFC 6749 §3.2 requires POST with a form body); the query is ignored.
 *
 * Under `compat.lenientTokenRequests` (konnect-spec §9.2, a fetch-based Rocket.Chat that put
 * every field in the query of an empty-body POST), a request whose form body is empty takes
 * its parameters from the query instead, and says so in `credentials.paramsFromQuery` so the
 * use is logged. The two are never merged: a non-empty body means the query is ignored.
 *
 * @throws OAuthError `invalid_request` for a missing `grant_type` or a missing parameter that
 *   grant requires, or any recognised parameter sent twice; `unsupported_grant_type` for a
 *   grant other than `authorization_code`, `refresh_token` and `client_credentials`
 *   (RFC 6749 §5.2);
 *   `invalid_scope` for a malformed `scope`.
 */
export function parseTokenRequest(
  req: EndpointRequest,
  compat: Pick<CompatRelaxations, 'lenientTokenRequests'> = STRICT,
): TokenRequest {
  const fromQuery = compat.lenientTokenRequests && req.body.size === 0 && req.query.size > 0;
  const params = fromQuery ? req.query : req.body;
  rejectRepeatedParams(params, TOKEN_PARAMS);
  const grantType = requiredParam(params, 'grant_type');
  const credentials = parseCredentials(req, params, fromQuery);
  switch (grantType) {
    case 'authorization_code':
      return {
        grantType,
        credentials,
        code: requiredParam(params, 'code'),
        // OIDC Core §3.1.2.1 makes redirect_uri mandatory at authorize, so RFC 6749 §4.1.3
        // makes it mandatory here; refusing early keeps the code unconsumed.
        redirectUri: requiredParam(params, 'redirect_uri'),
        codeVerifier: optionalParam(params, 'code_verifier'),
      };
    case 'refresh_token': {
      const scope = optionalParam(params, 'scope');
      return {
        grantType,
        credentials,
        refreshToken: requiredParam(params, 'refresh_token'),
        scopes: scope === undefined ? null : parseScope(scope),
      };
    }
    case 'client_credentials':
      return { grantType, credentials, scopes: parseScope(optionalParam(params, 'scope')) };
    default:
      throw new OAuthError('unsupported_grant_type', 'grant_type is not supported', {
        detail: `grant_type ${JSON.stringify(grantType.slice(0, 100))}`,
      });
  }
}

/**
 * The credentials of RFC 6749 §2.3.1 and RFC 7521 §4.2, from the Authorization header or
 * `params` (the form body, or the query when {@link parseTokenRequest} took the parameters
 * from there), with the path they were presented to.
 */
export function parseCredentials(req: EndpointRequest, params: Params, fromQuery = false): ClientCredentials {
  return {
    authorization: req.headers['authorization'],
    clientId: optionalParam(params, 'client_id'),
    clientSecret: optionalParam(params, 'client_secret'),
    clientAssertionType: optionalParam(params, 'client_assertion_type'),
    clientAssertion: optionalParam(params, 'client_assertion'),
    endpointPath: req.path,
    ...(fromQuery ? { paramsFromQuery: true } : {}),
  };
}
