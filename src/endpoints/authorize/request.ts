import type { Prompt } from '../../oauth/prompt.js';
import type { ResponseMode } from '../../oauth/response-mode.js';
import type { CodeChallengeMethod } from '../../oauth/pkce.js';

/**
 * A validated authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1). It is stored as
 * JSON in the interaction record while the user signs in, so it holds plain data only.
 */
export interface AuthorizationRequest {
  readonly clientId: string;
  /** Verified against the client's registration. */
  readonly redirectUri: string;
  readonly responseType: 'code';
  readonly responseMode: ResponseMode;
  /** The scopes that may be granted (unknown ones already dropped), in request order. */
  readonly scopes: readonly string[];
  readonly state: string | null;
  readonly nonce: string | null;
  readonly prompt: readonly Prompt[];
  /** Seconds. */
  readonly maxAge: number | null;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: CodeChallengeMethod | null;
  readonly loginHint: string | null;
  readonly uiLocales: string | null;
}

/** Where errors may be sent once the client and redirect_uri are verified. */
export interface VerifiedTarget {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly responseMode: ResponseMode;
  readonly state: string | null;
}

/** Reads an AuthorizationRequest back from an interaction record. */
export function authorizationRequestFrom(stored: Readonly<Record<string, unknown>>): AuthorizationRequest {
  return stored as unknown as AuthorizationRequest;
}
