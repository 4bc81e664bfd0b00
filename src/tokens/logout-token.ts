import { compactVerify, errors, type JWSHeaderParameters } from 'jose';
import type { KeyObject } from 'node:crypto';
import { randomToken } from '../lib/ids.js';
import { requireText } from './access-token-formats.js';
import { keyFitsAlg, signingAlgs } from './key-algs.js';
import type { LogoutTokenClaims, VerificationKey } from './types.js';

/** The `typ` header of a logout token (OpenID Connect Back-Channel Logout 1.0 §2.4). */
export const LOGOUT_TOKEN_TYPE = 'logout+jwt';

/** The member of `events` that makes a JWT a logout token (Back-Channel Logout 1.0 §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * Seconds a logout token is valid. Back-Channel Logout 1.0 §2.4 recommends a short lifetime
 * (about two minutes); a delivery retried later sends a token minted afresh.
 */
export const LOGOUT_TOKEN_LIFETIME_SECONDS = 120;

/**
 * The claims of a logout token other than `iss`, `iat` and `exp` (Back-Channel Logout 1.0
 * §2.4): `aud` (the client id), `jti` (the given one, else 18 random bytes), `events` with the
 * back-channel logout event as an empty object, `sid`, and `sub` when known. Never `nonce`,
 * which §2.4 forbids so a logout token can never pass for an ID token.
 *
 * Throws TypeError on programmer misuse: an empty `aud` or `sid`, or an empty `sub` or `jti`.
 */
export function logoutTokenPayload(claims: LogoutTokenClaims): Record<string, unknown> {
  requireText('aud', claims.aud);
  requireText('sid', claims.sid);
  if (claims.sub !== null) requireText('sub', claims.sub);
  if (claims.jti !== undefined) requireText('jti', claims.jti);
  return {
    aud: claims.aud,
    jti: claims.jti ?? randomToken(18),
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    sid: claims.sid,
    ...(claims.sub === null ? {} : { sub: claims.sub }),
  };
}

/**
 * Reads back a logout token Sesame minted — signed by one of `keys`, `typ: logout+jwt`, our
 * `iss`, the logout event, `aud`, `sid` and `jti` — so that a delivery retried after its expiry
 * can be sent as a fresh token for the same event (same `jti`, `aud`, `sub`, `sid`, `alg`).
 * Expiry is not checked: that is the point. Null for anything else.
 */
export async function readLogoutToken(
  token: string,
  ctx: { readonly issuer: string; readonly keys: readonly VerificationKey[] },
): Promise<LogoutTokenClaims | null> {
  let header: JWSHeaderParameters;
  let claims: unknown;
  try {
    const result = await compactVerify(token, ourKey(ctx.keys), { algorithms: [...signingAlgs] });
    header = result.protectedHeader;
    claims = JSON.parse(new TextDecoder().decode(result.payload));
  } catch {
    return null;
  }
  if (header.typ !== LOGOUT_TOKEN_TYPE || typeof claims !== 'object' || claims === null) return null;
  const c = claims as Record<string, unknown>;
  const events = c.events as Record<string, unknown> | undefined;
  if (c.iss !== ctx.issuer || typeof events !== 'object' || events === null) return null;
  if (!(BACKCHANNEL_LOGOUT_EVENT in events)) return null;
  if (!isText(c.aud) || !isText(c.sid) || !isText(c.jti)) return null;
  if (c.sub !== undefined && !isText(c.sub)) return null;
  return { aud: c.aud, sid: c.sid, sub: c.sub ?? null, jti: c.jti, alg: header.alg ?? null };
}

/** Picks our key by the header's kid, and only when that key can make the header's alg. */
function ourKey(keys: readonly VerificationKey[]) {
  return (header: JWSHeaderParameters): KeyObject => {
    const key = keys.find((k) => k.kid === header.kid);
    if (key === undefined || header.alg === undefined || !keyFitsAlg(key.publicKey, header.alg)) {
      throw new errors.JWKSNoMatchingKey();
    }
    return key.publicKey;
  };
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
