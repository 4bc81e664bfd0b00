import type { AccessTokenFormat } from '../config/types.js';
import { randomToken } from '../lib/ids.js';
import type { AccessTokenClaims, AccessTokenInput } from './types.js';

/** The formats `createTokenService` accepts (kopano-meet.md req. 21; DESIGN.md). */
export const accessTokenFormats: readonly AccessTokenFormat[] = ['rfc9068', 'konnect'];

/** Claims every access token of either format must carry, checked before the format's own. */
export const commonAccessTokenClaims = ['iss', 'sub', 'aud', 'jti', 'iat', 'exp', 'grant_id'];

/**
 * The JWT header `typ` and the claims, `iss`, `iat` and `exp` aside, of an access token in
 * `format`:
 *
 * - `rfc9068` (RFC 9068 §2.2): `typ: "at+jwt"`; `sub`, `aud` and `client_id` (the client id),
 *   `scope`, `grant_id`, `jti`.
 * - `konnect` (konnect:claims.go:28-59, oidc/provider/tokens.go makeAccessToken;
 *   kopano-meet.md req. 21): `typ: "JWT"`; `sub`, `aud` as a string, `jti`,
 *   `kc.isAccessToken: true`, `kc.authorizedScopes` in scope order, `kc.authorizedClaims`
 *   when not null, `kc.identity`, `kc.provider`, and Sesame's `grant_id` and `client_id`
 *   (libkcoidc ignores claims it does not know).
 *
 * `jti` is 18 random bytes: 24 characters, like Konnect's (konnect-spec §4.7).
 * Throws TypeError on programmer misuse: an empty `sub`, `clientId` or `grantId`, or the
 * `konnect` format without `input.konnect`, an identity that is not an object or an empty
 * provider.
 */
export function accessTokenContents(
  input: AccessTokenInput,
  format: AccessTokenFormat,
): { readonly typ: string; readonly payload: Record<string, unknown> } {
  requireText('sub', input.sub);
  requireText('clientId', input.clientId);
  requireText('grantId', input.grantId);
  const jti = randomToken(18);
  if (format === 'rfc9068') {
    return {
      typ: 'at+jwt',
      payload: {
        sub: input.sub,
        aud: input.clientId,
        client_id: input.clientId,
        scope: input.scopes.join(' '),
        grant_id: input.grantId,
        jti,
      },
    };
  }
  const { konnect } = input;
  if (konnect === undefined) throw new TypeError('a konnect-format access token needs input.konnect');
  if (!isObject(konnect.identity)) throw new TypeError('konnect.identity must be an object');
  requireText('konnect.provider', konnect.provider);
  requireText('konnect.sub', konnect.sub);
  return {
    typ: 'JWT',
    payload: {
      sub: konnect.sub,
      aud: input.clientId,
      jti,
      'kc.isAccessToken': true,
      'kc.authorizedScopes': [...input.scopes],
      ...(konnect.authorizedClaims === null || konnect.authorizedClaims === undefined
        ? {}
        : { 'kc.authorizedClaims': konnect.authorizedClaims }),
      'kc.identity': konnect.identity,
      'kc.provider': konnect.provider,
      grant_id: input.grantId,
      client_id: input.clientId,
    },
  };
}

/**
 * The claims of a signature-checked, unexpired token of ours (see `verifyAccessToken`) if it
 * is an access token in either format, else null. The format follows from the header:
 *
 * - `typ` `at+jwt`: RFC 9068; `client_id` and `scope` are strings and `aud` is or contains
 *   `client_id`.
 * - `typ` `JWT` or absent: Konnect; `kc.isAccessToken` is `true`, `kc.authorizedScopes` is an
 *   array of strings, `aud` is a string, and `client_id`, if present, equals it.
 *
 * An ID token never qualifies: it has no `grant_id` and no `kc.isAccessToken`.
 */
export function readAccessTokenClaims(
  typ: string | undefined,
  payload: Readonly<Record<string, unknown>>,
): AccessTokenClaims | null {
  const { sub, aud, grant_id: grantId, jti, iat, exp } = payload;
  if (
    !isText(sub) ||
    !isText(grantId) ||
    !isText(jti) ||
    typeof iat !== 'number' ||
    typeof exp !== 'number'
  ) {
    return null;
  }
  const common = { sub, grantId, jti, iat, exp };
  const kind = typ === undefined ? 'jwt' : typ.toLowerCase().replace(/^application\//, '');
  if (kind === 'at+jwt') {
    const { client_id: clientId, scope } = payload;
    if (!isText(clientId) || typeof scope !== 'string') return null;
    if (!(aud === clientId || (Array.isArray(aud) && aud.includes(clientId)))) return null;
    const scopes = scope.split(' ').filter((s) => s !== '');
    return { ...common, clientId, scopes, format: 'rfc9068' };
  }
  if (kind === 'jwt') {
    const scopes = payload['kc.authorizedScopes'];
    if (payload['kc.isAccessToken'] !== true || !isText(aud)) return null;
    if (!Array.isArray(scopes) || !scopes.every((s): s is string => typeof s === 'string')) return null;
    if (payload.client_id !== undefined && payload.client_id !== aud) return null;
    return { ...common, clientId: aud, scopes: [...scopes], format: 'konnect' };
  }
  return null;
}

/** Programmer misuse, not peer input: an empty subject or audience must never be signed. */
export function requireText(name: string, value: string): void {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
