import { OAuthError } from './errors.js';

/**
 * One requested claim (OpenID Connect Core §5.5.1): whether it is essential, and the value or
 * values the client would like it to have. A requested value is a wish about the user, never
 * a value Sesame releases (konnect-spec §4.4 [sec]).
 */
export type ClaimSpec = {
  readonly essential?: boolean;
  readonly value?: unknown;
  readonly values?: readonly unknown[];
};

/** The claims requested for one target: claim name → {@link ClaimSpec}, or null for "default". */
export type ClaimsMember = Readonly<Record<string, ClaimSpec | null>>;

/**
 * A validated `claims` request (OpenID Connect Core §5.5) plus Konnect's `passthru`
 * extension (kopano-meet.md req. 37–38). Plain JSON data, so it can be stored with a grant or
 * an interaction record as it is.
 */
export type ClaimsRequest = {
  readonly id_token?: ClaimsMember;
  readonly userinfo?: ClaimsMember;
  /** Konnect: application data carried into access tokens; trust it only from a signed request object. */
  readonly passthru?: unknown;
};

/** Limits on a claims request, so a stored request stays small. */
export const CLAIMS_REQUEST_LIMITS = Object.freeze({
  /** UTF-8 bytes of the JSON text. */
  maxBytes: 8 * 1024,
  /** Claims per member (`id_token`, `userinfo`). */
  maxClaims: 64,
  /** Characters per claim name. */
  maxNameLength: 256,
});

const MEMBERS = ['id_token', 'userinfo'] as const;
type MemberName = (typeof MEMBERS)[number];

/**
 * Parses and validates the `claims` query or form parameter (OpenID Connect Core §5.5), a
 * JSON object whose `id_token` and `userinfo` members map claim names to `null` or to
 * `{essential?, value?, values?}` — `{"id_token":{"name":null}}` as Kopano Meet sends it
 * (kopano-meet.md req. 13). Other top-level members are ignored except Konnect's `passthru`,
 * which is kept as given (drop it with {@link withoutPassthru} unless it came from a signed
 * request object). Members of a claim object other than the three above are ignored (§5.5.1).
 *
 * @throws OAuthError `invalid_request` (the caller decides where it is answered) when the text
 *   exceeds 8 KiB, is not JSON, or is not shaped as above: a member that is not an object,
 *   more than 64 claims in a member, a claim name that is empty or longer than 256
 *   characters, a claim that is neither null nor an object, a non-boolean `essential`, or a
 *   `values` that is not an array.
 */
export function parseClaimsParameter(text: string): ClaimsRequest {
  if (new TextEncoder().encode(text).length > CLAIMS_REQUEST_LIMITS.maxBytes) {
    throw invalid('claims is larger than 8 KiB', `${text.length} characters`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid('claims is not valid JSON', error instanceof Error ? error.message : undefined);
  }
  return checkClaimsRequest(parsed);
}

/**
 * Validates the `claims` member of a request object (OpenID Connect Core §6.1), which is
 * already JSON data, by the rules and limits of {@link parseClaimsParameter}.
 *
 * @throws OAuthError `invalid_request` as {@link parseClaimsParameter} does, and when the
 *   value cannot be serialised as JSON.
 */
export function readClaimsRequest(value: unknown): ClaimsRequest {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw invalid('claims is not JSON data', error instanceof Error ? error.message : undefined);
  }
  if (text === undefined) throw invalid('claims is not JSON data');
  return parseClaimsParameter(text);
}

/**
 * The claims request without `passthru`. Konnect honours `passthru` only inside a signed
 * request object (kopano-meet.md req. 37; konnect-spec §4.4), so everything else loses it.
 */
export function withoutPassthru(claims: ClaimsRequest): ClaimsRequest {
  if (!Object.hasOwn(claims, 'passthru')) return claims;
  return Object.freeze({
    ...(claims.id_token === undefined ? {} : { id_token: claims.id_token }),
    ...(claims.userinfo === undefined ? {} : { userinfo: claims.userinfo }),
  });
}

/**
 * The subject the client asked for with a string `value` for `sub` in `id_token` or
 * `userinfo`: the request may then only succeed for that user (OpenID Connect Core
 * §3.1.2.2, §5.5.1). Null when no such value is given (a `sub` with `null`, no value or a
 * non-string value asks for nothing in particular).
 *
 * @throws OAuthError `invalid_request` when `id_token` and `userinfo` ask for different subjects.
 */
export function requestedSubject(claims: ClaimsRequest | null): string | null {
  if (claims === null) return null;
  const inIdToken = requestedStringValue(claims.id_token, 'sub');
  const inUserinfo = requestedStringValue(claims.userinfo, 'sub');
  if (inIdToken !== null && inUserinfo !== null && inIdToken !== inUserinfo) {
    throw invalid('claims asks for two different sub values');
  }
  return inIdToken ?? inUserinfo;
}

/** The claim names requested in `member`, in request order (none for a null request). */
export function requestedClaimNames(claims: ClaimsRequest | null, member: MemberName): string[] {
  const requested = claims?.[member];
  return requested === undefined ? [] : Object.keys(requested);
}

/**
 * The string `value` requested for `name` in `member`, or null (absent, null spec, no value,
 * or not a string). Only for callers that may lawfully use a requested value — see
 * `identity/guest/` — never to release a user claim.
 */
export function requestedStringValue(member: ClaimsMember | undefined, name: string): string | null {
  if (member === undefined || !Object.hasOwn(member, name)) return null;
  const value = member[name]?.value;
  return typeof value === 'string' ? value : null;
}

function checkClaimsRequest(parsed: unknown): ClaimsRequest {
  if (!isObject(parsed)) throw invalid('claims must be a JSON object');
  const request: { -readonly [K in keyof ClaimsRequest]: ClaimsRequest[K] } = {};
  for (const member of MEMBERS) {
    if (Object.hasOwn(parsed, member)) request[member] = checkMember(parsed[member], member);
  }
  if (Object.hasOwn(parsed, 'passthru')) request.passthru = parsed['passthru'];
  return Object.freeze(request);
}

function checkMember(value: unknown, member: MemberName): ClaimsMember {
  if (!isObject(value)) throw invalid(`claims.${member} must be a JSON object`);
  const entries = Object.entries(value);
  if (entries.length > CLAIMS_REQUEST_LIMITS.maxClaims) {
    throw invalid(`claims.${member} requests more than ${CLAIMS_REQUEST_LIMITS.maxClaims} claims`);
  }
  // Object.fromEntries defines own properties, so a claim named __proto__ stays a plain claim.
  return Object.freeze(
    Object.fromEntries(entries.map(([name, spec]) => [name, checkSpec(spec, member, name)])),
  );
}

function checkSpec(value: unknown, member: MemberName, name: string): ClaimSpec | null {
  const detail = `claim ${JSON.stringify(name.slice(0, 100))}`;
  if (name.length === 0 || name.length > CLAIMS_REQUEST_LIMITS.maxNameLength) {
    const limit = CLAIMS_REQUEST_LIMITS.maxNameLength;
    throw invalid(
      `claims.${member} has a claim name that is empty or longer than ${limit} characters`,
      detail,
    );
  }
  if (value === null) return null;
  if (!isObject(value)) throw invalid(`each claim in claims.${member} must be null or a JSON object`, detail);
  const spec: { -readonly [K in keyof ClaimSpec]: ClaimSpec[K] } = {};
  if (Object.hasOwn(value, 'essential')) {
    if (typeof value['essential'] !== 'boolean') {
      throw invalid(`essential in claims.${member} must be true or false`, detail);
    }
    spec.essential = value['essential'];
  }
  if (Object.hasOwn(value, 'value')) spec.value = value['value'];
  if (Object.hasOwn(value, 'values')) {
    const values = value['values'];
    if (!Array.isArray(values)) throw invalid(`values in claims.${member} must be an array`, detail);
    spec.values = values;
  }
  return Object.freeze(spec);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(description: string, detail?: string): OAuthError {
  return new OAuthError('invalid_request', description, detail === undefined ? {} : { detail });
}
