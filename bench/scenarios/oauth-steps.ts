import { createHash, randomBytes } from 'node:crypto';
import type { Answer, CookieJar, HttpClient } from '../load/http-client.js';
import type { EndpointName, LoadTarget, TargetInstance } from './plan.js';

/** The steps of the code flow the scenarios share (OIDC Core §3.1), as a relying party makes them. */

export interface AuthorizationRequest {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
}

/** What a token response held that the scenarios go on with. */
export interface TokenAnswer {
  readonly accessToken: string;
  readonly refreshToken: string | null;
  /** JWS-signed tokens in the response (access, ID and refresh token, whichever are JWTs). */
  readonly signatures: number;
}

export function newRequest(): AuthorizationRequest {
  return {
    state: randomBytes(12).toString('base64url'),
    nonce: randomBytes(12).toString('base64url'),
    verifier: randomBytes(32).toString('base64url'),
  };
}

/** The URL of `endpoint` at `instance`. @throws TypeError when the target has no such endpoint. */
export function urlOf(instance: TargetInstance, endpoint: EndpointName): string {
  const url = instance.urls[endpoint];
  if (url === undefined) throw new TypeError(`instance ${instance.name} has no ${endpoint} endpoint`);
  return url;
}

export function clientOf(target: LoadTarget): NonNullable<LoadTarget['client']> {
  if (target.client === null) throw new TypeError('this target has no client');
  return target.client;
}

/** response_type=code, PKCE S256, state, nonce, scope openid (or `extra`'s). */
export function authorizationUrl(
  target: LoadTarget,
  instance: TargetInstance,
  request: AuthorizationRequest,
  extra: Readonly<Record<string, string>> = {},
): string {
  const client = clientOf(target);
  const query = new URLSearchParams({
    client_id: client.id,
    redirect_uri: client.redirectUri,
    response_type: 'code',
    scope: 'openid',
    state: request.state,
    nonce: request.nonce,
    code_challenge: createHash('sha256').update(request.verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  });
  return `${urlOf(instance, 'authorize')}?${query}`;
}

/** Authorize with the session in `jar`; the code of the redirect to the client (302 or 303). */
export async function authorizeWithSession(
  http: HttpClient,
  target: LoadTarget,
  instance: TargetInstance,
  jar: CookieJar,
  request: AuthorizationRequest,
  extra: Readonly<Record<string, string>> = {},
): Promise<string> {
  const authorized = await http.send('GET', authorizationUrl(target, instance, request, extra), {
    cookie: jar.header(),
  });
  jar.store(authorized);
  const location = authorized.headers.location;
  if ((authorized.status !== 302 && authorized.status !== 303) || location === undefined) {
    throw new Error(
      `authorize at ${instance.name} answered ${authorized.status}${location ? ` to ${cut(location)}` : ''}`,
    );
  }
  return readCode(target, location, request.state);
}

/** The code from a redirect to the client, whose state must be ours (RFC 6749 §4.1.2). */
export function readCode(target: LoadTarget, location: string, state: string): string {
  if (!location.startsWith(`${clientOf(target).redirectUri}?`))
    throw new Error(`redirected to ${cut(location)}`);
  const query = new URL(location).searchParams;
  const error = query.get('error');
  if (error !== null)
    throw new Error(`authorization refused: ${error} ${query.get('error_description') ?? ''}`);
  const code = query.get('code');
  if (code === null) throw new Error('redirect without a code');
  if (query.get('state') !== state) throw new Error('redirect with another state');
  return code;
}

/** POSTs `form` to the token endpoint with client_secret_basic; the answer, which must be 200. */
export async function tokenRequest(
  http: HttpClient,
  target: LoadTarget,
  instance: TargetInstance,
  form: Readonly<Record<string, string>>,
): Promise<Answer> {
  const { id, secret } = clientOf(target);
  const basic = Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
  const answer = await http.send(
    'POST',
    urlOf(instance, 'token'),
    { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    new URLSearchParams(form).toString(),
  );
  if (answer.status !== 200)
    throw new Error(`token at ${instance.name} answered ${answer.status}: ${cut(answer.body)}`);
  return answer;
}

/** Redeems `code` (RFC 6749 §4.1.3, PKCE) and checks the tokens against `nonce`. */
export async function redeemCode(
  http: HttpClient,
  target: LoadTarget,
  instance: TargetInstance,
  code: string,
  request: AuthorizationRequest,
): Promise<TokenAnswer> {
  const answer = await tokenRequest(http, target, instance, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: clientOf(target).redirectUri,
    code_verifier: request.verifier,
  });
  return checkTokens(target, answer.body, request.nonce);
}

/**
 * An access token of type Bearer, and an ID token for this client with `nonce` when one is
 * given, or without one when null (OIDC Core §3.1.3.3, §12.2); `idToken: false` expects none.
 * Signatures are not checked: that would be the load generator's CPU.
 */
export function checkTokens(
  target: LoadTarget,
  body: string,
  nonce: string | null,
  idToken = true,
): TokenAnswer {
  const tokens = JSON.parse(body) as Record<string, unknown>;
  if (typeof tokens.access_token !== 'string' || tokens.access_token === '')
    throw new Error('no access_token');
  if (typeof tokens.token_type !== 'string' || tokens.token_type.toLowerCase() !== 'bearer')
    throw new Error('token_type is not Bearer');
  if (idToken) {
    if (typeof tokens.id_token !== 'string') throw new Error('no id_token');
    const claims = jwtClaims(tokens.id_token);
    if (claims === null) throw new Error('id_token is not a JWT');
    if (nonce !== null && claims.nonce !== nonce) throw new Error('id_token with another nonce');
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(clientOf(target).id)) throw new Error('id_token for another audience');
  }
  const signed = ['access_token', 'id_token', 'refresh_token'].filter((name) => {
    const value = tokens[name];
    return typeof value === 'string' && jwtClaims(value) !== null;
  });
  return {
    accessToken: tokens.access_token,
    refreshToken: typeof tokens.refresh_token === 'string' ? tokens.refresh_token : null,
    signatures: signed.length,
  };
}

/** The payload of a JWS in compact form with an `alg` other than none; null for anything else. */
function jwtClaims(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString()) as { alg?: unknown };
    if (typeof header.alg !== 'string' || header.alg === 'none') return null;
    return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export function cut(text: string): string {
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}
