import { createHash } from 'node:crypto';
import { safeEqual } from '../lib/constant-time.js';
import { OAuthError } from './errors.js';

/** The transformations of RFC 7636 §4.2. */
export type CodeChallengeMethod = 'S256' | 'plain';

/** A validated `code_challenge` with the method it is to be verified with. */
export interface CodeChallenge {
  readonly challenge: string;
  readonly method: CodeChallengeMethod;
}

export interface CheckCodeChallengeOptions {
  /**
   * Konnect compatibility (konnect-spec §4.3): a challenge sent without a method is taken as
   * `S256` instead of RFC 7636's `plain`.
   */
  readonly compatS256Default?: boolean;
}

/** RFC 7636 §4.1: 43–128 characters of `ALPHA / DIGIT / "-" / "." / "_" / "~"`. */
const VERIFIER_FORMAT = /^[A-Za-z0-9\-._~]{43,128}$/;
/** RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is always 43 characters without padding. */
const S256_CHALLENGE_FORMAT = /^[A-Za-z0-9\-_]{43}$/;

/**
 * Validates `code_challenge` and `code_challenge_method` of an authorization request
 * (RFC 7636 §4.3, §4.4.1). Returns null when the request uses no PKCE at all; whether PKCE
 * is mandatory for a client is the caller's policy.
 *
 * A challenge without a method is RFC 7636's `plain`, accepted only when `allowedMethods`
 * lists `plain`; otherwise it is refused with "code_challenge_method is required", because
 * silently reading it as `plain` would weaken PKCE for clients that forgot the method.
 * With `compatS256Default` it is read as `S256`, as Konnect did.
 *
 * @throws OAuthError `invalid_request` (answered at the redirect_uri once the caller has
 *   verified it) for a method without a challenge, an unknown or
 *   disallowed method, or a malformed challenge.
 */
export function checkCodeChallenge(
  challenge: string | undefined,
  method: string | undefined,
  allowedMethods: readonly CodeChallengeMethod[],
  options: CheckCodeChallengeOptions = {},
): CodeChallenge | null {
  const hasChallenge = challenge !== undefined && challenge !== '';
  const hasMethod = method !== undefined && method !== '';
  if (!hasChallenge) {
    if (hasMethod)
      throw new OAuthError('invalid_request', 'code_challenge_method given without code_challenge');
    return null;
  }
  const resolved = resolveMethod(hasMethod ? method : undefined, allowedMethods, options);
  const format = resolved === 'S256' ? S256_CHALLENGE_FORMAT : VERIFIER_FORMAT;
  if (!format.test(challenge)) {
    throw new OAuthError('invalid_request', 'code_challenge is malformed', {
      detail: `method ${resolved}, length ${challenge.length}`,
    });
  }
  return { challenge, method: resolved };
}

/**
 * Checks a `code_verifier` against the stored challenge (RFC 7636 §4.6). False for a
 * malformed verifier (§4.1) or a mismatch; the comparison is constant-time.
 */
export function verifyCodeVerifier(
  verifier: string,
  challenge: string,
  method: CodeChallengeMethod,
): boolean {
  if (!VERIFIER_FORMAT.test(verifier)) return false;
  const derived = method === 'S256' ? s256(verifier) : verifier;
  return safeEqual(derived, challenge);
}

/**
 * The token endpoint's PKCE step (RFC 7636 §4.5–4.6) for a code issued with `challenge`
 * and `method` (both null when the authorization request used no PKCE).
 *
 * A verifier presented for a code issued without a challenge is refused too: accepting it
 * would let an attacker who strips the challenge from the authorization request downgrade
 * the flow unnoticed (OAuth 2.0 Security BCP, RFC 9700 §4.8.2).
 *
 * @throws OAuthError `invalid_grant` when the verifier is missing, unexpected or wrong.
 */
export function assertCodeVerifier(
  verifier: string | undefined,
  challenge: string | null,
  method: CodeChallengeMethod | null,
): void {
  const hasVerifier = verifier !== undefined && verifier !== '';
  if (challenge === null) {
    if (hasVerifier) {
      throw new OAuthError(
        'invalid_grant',
        'code_verifier given but the authorization request had no code_challenge',
      );
    }
    return;
  }
  if (!hasVerifier) throw new OAuthError('invalid_grant', 'code_verifier is required');
  if (!verifyCodeVerifier(verifier, challenge, method ?? 'S256')) {
    throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge');
  }
}

function resolveMethod(
  method: string | undefined,
  allowedMethods: readonly CodeChallengeMethod[],
  options: CheckCodeChallengeOptions,
): CodeChallengeMethod {
  if (method === undefined) {
    if (options.compatS256Default === true && allowedMethods.includes('S256')) return 'S256';
    if (allowedMethods.includes('plain')) return 'plain';
    throw new OAuthError('invalid_request', 'code_challenge_method is required');
  }
  if (method !== 'S256' && method !== 'plain') {
    throw new OAuthError('invalid_request', 'unsupported code_challenge_method', {
      detail: `method ${method}`,
    });
  }
  if (!allowedMethods.includes(method)) {
    throw new OAuthError('invalid_request', `code_challenge_method ${method} is not allowed`);
  }
  return method;
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
