import { OAuthError } from './errors.js';

/** The `prompt` values of OpenID Connect Core §3.1.2.1. */
export type Prompt = 'none' | 'login' | 'consent' | 'select_account';

const PROMPTS: ReadonlySet<string> = new Set<Prompt>(['none', 'login', 'consent', 'select_account']);

/**
 * Parses `prompt` (OpenID Connect Core §3.1.2.1): a space-separated set. Absent or blank ⇒
 * the empty set.
 *
 * @throws OAuthError `invalid_request` for an unknown value, or `none` combined with any
 *   other value (§3.1.2.1); answered at the redirect_uri once the caller has verified it.
 */
export function parsePrompt(value: string | undefined): ReadonlySet<Prompt> {
  const prompts = new Set<Prompt>();
  for (const token of (value ?? '').split(/ +/)) {
    if (token === '') continue;
    if (!PROMPTS.has(token)) {
      throw new OAuthError('invalid_request', 'unsupported prompt value', {
        detail: `prompt ${token.slice(0, 100)}`,
      });
    }
    prompts.add(token as Prompt);
  }
  if (prompts.has('none') && prompts.size > 1) {
    throw new OAuthError('invalid_request', 'prompt=none cannot be combined with other prompt values');
  }
  return prompts;
}

/**
 * Parses `max_age` (OpenID Connect Core §3.1.2.1): seconds, a non-negative integer in
 * decimal. Absent ⇒ null.
 *
 * @throws OAuthError `invalid_request` for anything else (signs, fractions, exponents,
 *   blanks, values beyond `Number.MAX_SAFE_INTEGER`).
 */
export function parseMaxAge(value: string | undefined): number | null {
  if (value === undefined) return null;
  const seconds = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(seconds)) {
    throw new OAuthError('invalid_request', 'max_age must be a non-negative integer');
  }
  return seconds;
}

export interface InteractionInput {
  readonly prompt: ReadonlySet<Prompt>;
  /** Seconds, from {@link parseMaxAge}. */
  readonly maxAge: number | null;
  /** The browser's current session, if any; `authTime` in ms. */
  readonly session: { readonly authTime: number } | null;
  /** ms */
  readonly now: number;
  /** A stored consent of this user for this client covers every requested scope. */
  readonly consentGiven: boolean;
  /** The client is trusted (no consent page unless `prompt=consent`). */
  readonly trusted: boolean;
  /**
   * The user signed in or picked their account within this very interaction. The login and
   * account-choice steps are then done; without this flag `prompt=login`, `max_age=0` and
   * `prompt=select_account` would send the user round in circles.
   */
  readonly authenticatedInInteraction?: boolean;
  /** The user answered the consent page within this interaction (ends `prompt=consent`). */
  readonly consentedInInteraction?: boolean;
  /**
   * The session's user is the one the request asks for (`id_token_hint`, a `sub` claim
   * request; Core §3.1.2.1, §3.1.2.2). Default true. A session of another user is not usable.
   */
  readonly subjectMatches?: boolean;
}

export type InteractionDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'login' }
  | { readonly kind: 'select_account' }
  | { readonly kind: 'consent' }
  | { readonly kind: 'error'; readonly error: OAuthError };

/**
 * What the authorization endpoint must do next (OpenID Connect Core §3.1.2.3, §3.1.2.6;
 * konnect-spec §4.4, §4.11):
 *
 * 1. Authentication. A session counts only while its `auth_time` is no older than `max_age`
 *    seconds (`max_age=0` always asks for a fresh sign-in, Core §3.1.2.1, errata) and its
 *    user is the one the request names (`subjectMatches`). `prompt=none` without a usable
 *    session ⇒ error `login_required`. Otherwise no usable session or `prompt=login` ⇒
 *    `login`; `prompt=select_account` with a session ⇒ `select_account`. A user who signs in
 *    within the interaction as someone other than the one named ⇒ error `login_required`, as
 *    Konnect answered (konnect-spec §4.4).
 * 2. Consent, needed when `prompt=consent`, or when the client is not trusted and no stored
 *    consent covers the scopes. `prompt=none` ⇒ error `consent_required`, else `consent`.
 * 3. Otherwise `none`: issue the response.
 *
 * Errors are returned, not thrown: the caller has verified the redirect_uri by then and
 * answers them there.
 */
export function decideInteraction(input: InteractionInput): InteractionDecision {
  const { prompt } = input;
  const silent = prompt.has('none');
  const subjectMatches = input.subjectMatches !== false;
  if (input.authenticatedInInteraction === true) {
    if (!subjectMatches)
      return error('login_required', 'the signed-in user is not the one the request asked for');
  } else {
    const usable =
      input.session !== null &&
      subjectMatches &&
      !authTooOld(input.session.authTime, input.maxAge, input.now);
    if (silent) {
      if (!usable) return error('login_required', 'the user is not signed in');
    } else if (!usable || prompt.has('login')) {
      return { kind: 'login' };
    } else if (prompt.has('select_account')) {
      return { kind: 'select_account' };
    }
  }
  const consentNeeded =
    input.consentedInInteraction !== true &&
    (prompt.has('consent') || (!input.trusted && !input.consentGiven));
  if (consentNeeded) {
    return silent
      ? error('consent_required', 'the user has not consented to this client')
      : { kind: 'consent' };
  }
  return { kind: 'none' };
}

/** Core §3.1.2.1: re-authenticate when more than `maxAge` seconds have passed. */
function authTooOld(authTime: number, maxAge: number | null, now: number): boolean {
  if (maxAge === null) return false;
  if (maxAge === 0) return true;
  return Math.floor((now - authTime) / 1000) > maxAge;
}

function error(code: 'login_required' | 'consent_required', description: string): InteractionDecision {
  return { kind: 'error', error: new OAuthError(code, description) };
}
