import type { Client } from '../clients/types.js';
import { idTokenUserClaims } from '../oauth/claims.js';
import type { ClaimsMember, ClaimsRequest } from '../oauth/claims-request.js';
import { konnectIdentityClaims } from '../identity/konnect-identity-claims.js';
import type { GrantRecord } from '../storage/types.js';
import type { Deps } from './types.js';
import { publicSubject, userSubjectWith, type GrantSubject } from './grant-subject.js';

export interface MintInput {
  readonly client: Client;
  readonly subject: GrantSubject;
  readonly grant: GrantRecord;
  /** Scopes of the new tokens. */
  readonly scopes: readonly string[];
  /** ms */
  readonly authTime: number;
  readonly nonce: string | null;
  readonly sessionId: string | null;
  /** Mint an access token; default true. */
  readonly accessToken?: boolean;
  /** Mint an ID token; default: when `openid` is among the scopes. */
  readonly idToken?: boolean;
  /** The authorization code issued alongside (hybrid flow), for `c_hash`. */
  readonly code?: string | null;
  /**
   * Put every claim of the granted scopes into the ID token: for `response_type=id_token`,
   * where no access token is ever issued (OIDC Core §5.4). Default false.
   */
  readonly scopeClaimsInIdToken?: boolean;
}

export interface MintedTokens {
  readonly accessToken: string | null;
  readonly idToken: string | null;
}

/**
 * Mints the access token and the ID token of one grant, at the token endpoint or — for the
 * implicit and hybrid flows — at the authorization endpoint (OIDC Core §3.1.3.3, §3.2.2.5,
 * §3.3.2.5, §12.2).
 *
 * - The access token's format is the token service's (`rfc9068`, or `konnect` with
 *   `kc.identity`, `kc.provider` and `kc.authorizedClaims`, kopano-meet.md req. 21). Its `sub`
 *   is the public subject, except in the Konnect format, where it equals the ID token's
 *   (req. 22: kwmserver compares them, and `konnect/raw_sub` makes the ID token's raw).
 * - The ID token carries `at_hash` / `c_hash` for what is issued with it, and user claims
 *   only as OIDC Core §5.4–§5.5 allow: those requested for the ID token in the claims request
 *   that a granted scope covers, or — when no access token is issued at all
 *   (`response_type=id_token`) — every claim of the granted scopes. Values come from the
 *   identity only, never from the request.
 */
export async function mintTokens(deps: Deps, input: MintInput): Promise<MintedTokens> {
  const { identity, namespace, guest } = input.subject;
  const claims = (input.grant.claims ?? null) as ClaimsRequest | null;
  const publicSub = publicSubject(identity, namespace);
  const idSub = userSubjectWith(identity, publicSub, input.scopes);
  const accessToken =
    input.accessToken === false
      ? null
      : await deps.tokens.mintAccessToken({
          sub: publicSub,
          clientId: input.client.id,
          scopes: [...input.scopes],
          grantId: input.grant.id,
          konnect: {
            sub: idSub,
            identity: konnectIdentityClaims(identity, guest),
            provider: namespace,
            authorizedClaims: authorizedClaims(claims, guest !== null),
          },
        });
  const wantIdToken = input.idToken ?? input.scopes.includes('openid');
  if (!wantIdToken || !input.scopes.includes('openid')) return { accessToken, idToken: null };
  const idToken = await deps.tokens.mintIdToken({
    sub: idSub,
    aud: input.client.id,
    authTime: Math.floor(input.authTime / 1000),
    nonce: input.nonce,
    sid: input.sessionId,
    accessToken,
    code: input.code ?? null,
    alg: input.client.idTokenSignedResponseAlg,
    extra: idTokenUserClaims(identity, input.scopes, claims, {
      allScopeClaims: input.scopeClaimsInIdToken === true,
    }),
  });
  return { accessToken, idToken };
}

/**
 * `kc.authorizedClaims` (Konnect claims.go): the claims request as authorized. For a guest it
 * is the signed request, whose `passthru` and values kwmserver reads (kopano-meet.md req. 38).
 * For a user, the `value`s a request carried are left out: they came from the request, not
 * from the user, and nothing signed by Sesame should repeat them as if they were claims.
 */
function authorizedClaims(claims: ClaimsRequest | null, guest: boolean): ClaimsRequest | null {
  if (claims === null || guest) return claims;
  const strip = (member: ClaimsMember | undefined): ClaimsMember | undefined =>
    member === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(member).map(([name, spec]) => [
            name,
            spec?.essential === undefined ? null : { essential: spec.essential },
          ]),
        );
  const result: Record<string, unknown> = {};
  const idToken = strip(claims.id_token);
  const userinfo = strip(claims.userinfo);
  if (userinfo !== undefined) result['userinfo'] = userinfo;
  if (idToken !== undefined) result['id_token'] = idToken;
  if (claims.passthru !== undefined) result['passthru'] = claims.passthru;
  return result as ClaimsRequest;
}
