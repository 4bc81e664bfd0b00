import type { StorageErrorKind } from '../storage/types.js';

/**
 * How a password sign-in (`POST /signin/v1/identifier`) ended: `success` (a session was
 * started); `wrong_credentials` (unknown user, wrong password or an empty field — one answer
 * for all, as on the page); `throttled` (refused by the throttle before the password was
 * checked); `unavailable` (the identity backend could not be asked, e.g. LDAP down).
 */
export const SIGN_IN_OUTCOMES = ['success', 'wrong_credentials', 'throttled', 'unavailable'] as const;
export type SignInOutcome = (typeof SIGN_IN_OUTCOMES)[number];

/**
 * How tokens were obtained: a token endpoint grant (RFC 6749 §4.1.3, §4.4, §6), or `implicit`
 * for tokens the authorization endpoint returns itself (implicit and hybrid flows, OIDC Core
 * §3.2, §3.3).
 */
export const TOKEN_GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'implicit',
] as const;
export type TokenGrantType = (typeof TOKEN_GRANT_TYPES)[number];

/** The sign-in throttle's limits, as `throttle` in sesame.yaml names them. */
export const THROTTLE_TRIP_LIMITS = ['account_address', 'account', 'address'] as const;
export type ThrottleTripLimit = (typeof THROTTLE_TRIP_LIMITS)[number];

/**
 * A directory operation, from a fixed name at its call site, never from input: `user_search`
 * and `group_search` on the service connection (opening it, when needed, included) and
 * `user_bind`, the password check on a connection of its own.
 */
export type LdapOperation = string;

/**
 * Why a directory operation failed: `unavailable` — unreachable, timed out, or answering that it
 * cannot serve now (an outage); `refused` — any other result code the directory answered with.
 * Rejected user credentials are an answer, not an error.
 */
export type LdapErrorKind = 'unavailable' | 'refused';

/** A storage failure: its `StorageError` kind, or `other` for anything else thrown. */
export type StorageErrorLabel = StorageErrorKind | 'other';

/** What a registration file reload did (`clients/registry.ts`). */
export type RegistryReloadOutcome =
  /** The file's clients are in force. */
  | 'applied'
  /** The file could not be read or parsed; the last good clients stay. */
  | 'refused'
  /** The watcher found a file that drops most clients and waits for the operator's confirmation. */
  | 'held_back';

/** What started a reload: the file watcher, or the operator (SIGHUP, `sesame clients reload`). */
export type RegistryReloadTrigger = 'watch' | 'explicit';

/** One answered HTTP request. */
export interface HttpRequestSample {
  readonly method: string;
  /** The route pattern (`/konnect/v1/token`), never the raw URL; `unmatched` when no route matched. */
  readonly route: string;
  readonly status: number;
  readonly seconds: number;
}

/**
 * What Sesame counts for operators (docs/operations.md, "Metrics"). Every label value comes
 * from a closed set — route patterns, outcomes, grant types — never from a request, so the
 * number of series stays bounded. Implementations must not throw: a metric never fails a request.
 */
export interface Metrics {
  httpRequest(sample: HttpRequestSample): void;
  signIn(outcome: SignInOutcome): void;
  tokensIssued(grantType: TokenGrantType): void;
  /** A throttle limit tripped: the first refusal of one key within the window. */
  throttleTrip(limit: ThrottleTripLimit): void;
  /** A directory operation finished, with the error it failed with, if any. */
  ldapOperation(operation: LdapOperation, seconds: number, error: LdapErrorKind | null): void;
  /** A storage call finished; `operation` is `<store>.<method>`, e.g. `grants.get`. */
  storageOperation(operation: string, seconds: number, error: StorageErrorLabel | null): void;
  registryReload(outcome: RegistryReloadOutcome, trigger: RegistryReloadTrigger): void;
  /** The number of registration file clients in force, after a load. */
  registryClients(count: number): void;
}

/** Counts nothing: what runs when metrics are off, and in tests that do not look at them. */
export const noMetrics: Metrics = Object.freeze({
  httpRequest() {},
  signIn() {},
  tokensIssued() {},
  throttleTrip() {},
  ldapOperation() {},
  storageOperation() {},
  registryReload() {},
  registryClients() {},
});

/** Seconds since `started` (a `performance.now()` reading): durations use the monotonic timer, not the clock. */
export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}
