import type { Prompt } from '../../oauth/prompt.js';
import type { ResponseMode } from '../../oauth/response-mode.js';
import type { ResponseType } from '../../oauth/response-type.js';
import type { CodeChallengeMethod } from '../../oauth/pkce.js';
import type { ClaimsRequest } from '../../oauth/claims-request.js';
import type { GuestRecord } from '../../storage/types.js';

/**
 * A validated authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, §3.2.2.1,
 * §3.3.2.1), after a request object's parameters replaced the query's (§6.1). It is stored
 * as JSON in the interaction record while the user signs in, so it holds plain data only.
 */
export interface AuthorizationRequest {
  readonly clientId: string;
  /** Verified against the client's registration. */
  readonly redirectUri: string;
  readonly responseType: ResponseType;
  readonly responseMode: ResponseMode;
  /** The scopes that may be granted to a signed-in user (others dropped), in request order. */
  readonly scopes: readonly string[];
  /**
   * The claims request (OIDC Core §5.5). Konnect's `passthru` member survives only from a
   * signed request object (kopano-meet.md req. 37). Values in it never become a user's claims.
   */
  readonly claims: ClaimsRequest | null;
  readonly state: string | null;
  readonly nonce: string | null;
  readonly prompt: readonly Prompt[];
  /** Seconds. */
  readonly maxAge: number | null;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: CodeChallengeMethod | null;
  readonly loginHint: string | null;
  readonly uiLocales: string | null;
  /**
   * Subjects the response must be for: the `sub` of a verified `id_token_hint` and a `sub`
   * value in the claims request (OIDC Core §3.1.2.1, §3.1.2.2). Each may be the public
   * (hashed) subject or, under `konnect/raw_sub`, the raw one. Empty: anyone.
   */
  readonly requiredSubjects: readonly string[];
  /**
   * A Konnect guest described by the client's signed request object, with the scopes a guest
   * is granted (kopano-meet.md req. 38). Used only when no user is signed in and guests are
   * allowed. Null otherwise.
   */
  readonly guest: { readonly record: GuestRecord; readonly scopes: readonly string[] } | null;
}

/** Where errors may be sent once the client and redirect_uri are verified. */
export interface VerifiedTarget {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly responseMode: ResponseMode;
  readonly state: string | null;
}

/**
 * Reads an AuthorizationRequest back from an interaction record. Records written before a
 * field existed get its neutral value, so an upgrade does not break sign-ins under way.
 */
export function authorizationRequestFrom(stored: Readonly<Record<string, unknown>>): AuthorizationRequest {
  const request = stored as unknown as Partial<AuthorizationRequest>;
  return {
    ...(request as AuthorizationRequest),
    claims: request.claims ?? null,
    requiredSubjects: request.requiredSubjects ?? [],
    guest: request.guest ?? null,
  };
}
