import { OAuthError } from '../../oauth/errors.js';
import { resolveClient } from '../../clients/implicit-trust.js';
import { verifyRequestObject } from '../../tokens/request-object.js';
import type { Deps, Params } from '../types.js';
import { optionalParam, rejectRepeatedParams, requiredParam } from '../params.js';

/** What a verified request object contributed beyond plain parameters. */
export interface RequestObject {
  /** Signed with a key the client registered (not `alg: none`). */
  readonly signed: boolean;
  /** Its `claims` member, as JSON; undefined when it had none. */
  readonly claims: unknown;
}

/** Members of a request object that are not authorization request parameters (OIDC Core §6.1). */
const NOT_PARAMETERS = new Set([
  'iss',
  'aud',
  'exp',
  'iat',
  'nbf',
  'jti',
  'client_id',
  'request',
  'request_uri',
]);

export interface ApplyOptions {
  /**
   * The parameters were pushed (RFC 9126): response_type may be in the object alone, as RFC
   * 9126 §3 wants every authorization parameter of a pushed request object inside it.
   */
  readonly pushed?: boolean;
}

/**
 * Applies a request object passed by value (OIDC Core §6.1, §6.3): verifies it with the keys
 * the client registered (tokens/request-object.ts) and returns the parameters with the
 * object's members in place of the query's. `response_type` must be in the query (§6.1) and
 * agree with the object's — unless the request was pushed (`options.pushed`).
 * Without a `request` parameter the parameters are returned unchanged.
 *
 * @throws OAuthError `invalid_request` for an unknown client (shown as a page: nothing is
 *   verified yet), `invalid_request_object` for an object that does not verify or disagrees
 *   with the query (the caller may redirect it once the query's redirect_uri is verified).
 */
export async function applyRequestObject(
  raw: Params,
  deps: Deps,
  options: ApplyOptions = {},
): Promise<{ params: Params; requestObject: RequestObject | null }> {
  rejectRepeatedParams(raw, ['request', 'client_id']);
  const jwt = optionalParam(raw, 'request');
  if (jwt === undefined) return { params: raw, requestObject: null };
  const clientId = requiredParam(raw, 'client_id');
  // OIDC Core §6.1: response_type and client_id travel in the query even with a request object.
  const responseType = optionalParam(raw, 'response_type');
  const redirectUri = optionalParam(raw, 'redirect_uri');
  const client = resolveClient(deps.clients, clientId, redirectUri, deps.config.issuer, deps.config.compat);
  if (client === null) {
    throw new OAuthError(
      'invalid_request',
      'The application that sent you here is not registered with this sign-in service.',
      { detail: `unknown client_id ${clientId.slice(0, 200)}` },
    );
  }
  // RFC 9126 §3: a pushed request object may carry every parameter, response_type included.
  if (responseType === undefined && options.pushed !== true) {
    throw new OAuthError(
      'invalid_request_object',
      'response_type must be sent outside the request object too',
    );
  }
  const verified = await verifyRequestObject(jwt, client, {
    issuer: deps.config.issuer,
    now: deps.clock.now(),
  });
  const params = new Map(raw);
  params.delete('request');
  for (const [name, value] of Object.entries(verified.payload)) {
    if (NOT_PARAMETERS.has(name) || name === 'claims') continue;
    const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
    if (text === null) continue;
    if (name === 'response_type' && responseType !== undefined && responseType !== text) {
      throw new OAuthError('invalid_request_object', 'response_type differs from the request object');
    }
    params.set(name, [text]);
  }
  if ('claims' in verified.payload) params.delete('claims');
  return { params, requestObject: { signed: verified.signed, claims: verified.payload['claims'] } };
}
