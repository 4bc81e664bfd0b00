import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { Storage } from '../storage/types.js';
import type { ClientLookup } from '../clients/types.js';
import type { RegistrySummary } from '../clients/registry-digest.js';
import type { TokenService } from '../tokens/types.js';
import type { IdentityBackend } from '../identity/types.js';
import type { Clock } from '../lib/clock.js';
import type { ScopeDefinitions } from '../clients/scopes-file.js';
import type { SessionManager } from '../sessions/session-manager.js';
import type { LoginThrottle } from './signin/throttle.js';
import type { WarningGate } from '../lib/warning-gate.js';
import type { StorageHealth } from './health-check/storage-health.js';
import type { Metrics } from '../metrics/metrics.js';
import type { IdentityHealth } from './health-check/identity-health.js';
import type { UserCache } from './userinfo/user-cache.js';

/**
 * Request parameters as they arrived: every value of a repeated name is kept, so `parse.ts`
 * can reject duplicates (RFC 6749 §3.1: parameters must not be included more than once).
 */
export type Params = ReadonlyMap<string, readonly string[]>;

/** A framework-free view of an HTTP request, built by `http/` for the endpoints. */
export interface EndpointRequest {
  readonly method: string;
  /** The URL path, without the query. */
  readonly path: string;
  readonly query: Params;
  /** Form body (application/x-www-form-urlencoded); empty map when there was none. */
  readonly body: Params;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly cookies: Readonly<Record<string, string | undefined>>;
  /** The client's address, after trusted-proxy handling. */
  readonly clientAddress: string;
}

export interface CookieInstruction {
  readonly name: string;
  /** null clears the cookie. */
  readonly value: string | null;
  /** Seconds; omitted: a browser-session cookie. */
  readonly maxAge?: number;
  readonly path?: string;
  /** Absent: true. False only for a cookie a page's script must read (the browser-state cookie). */
  readonly httpOnly?: boolean;
  /**
   * Absent: `lax`. `none` is sent only with `Secure`, so `http/` writes it as `lax` when the
   * issuer is http (browsers drop `SameSite=None` cookies without `Secure`).
   */
  readonly sameSite?: 'lax' | 'strict' | 'none';
}

interface ResponseCommon {
  readonly headers?: Readonly<Record<string, string>>;
  readonly cookies?: readonly CookieInstruction[];
  /**
   * The response may be shown in another site's frame: `http/` leaves out its
   * `X-Frame-Options: DENY`, and the response's own CSP `frame-ancestors` must say who may
   * embed it. Only the check-session iframe (OpenID Connect Session Management 1.0 §3.3).
   */
  readonly frameable?: true;
}

/** What an endpoint answers; `http/` turns it into a Fastify reply. */
export type EndpointResponse =
  | (ResponseCommon & { readonly kind: 'json'; readonly status: number; readonly body: unknown })
  | (ResponseCommon & { readonly kind: 'redirect'; readonly location: string })
  | (ResponseCommon & { readonly kind: 'html'; readonly status: number; readonly body: string })
  | (ResponseCommon & {
      readonly kind: 'text';
      readonly status: number;
      /** Text, or the bytes of a binary file (an image). */
      readonly body: string | Uint8Array;
      readonly contentType: string;
    })
  | (ResponseCommon & { readonly kind: 'empty'; readonly status: number });

/** Everything an endpoint may use; built once by `app.ts`. */
export interface Deps {
  readonly config: Config;
  readonly storage: Storage;
  readonly clients: ClientLookup;
  readonly tokens: TokenService;
  readonly identity: IdentityBackend;
  readonly clock: Clock;
  readonly log: Logger;
  /** Konnect's identifier-scopes.yaml, when configured: extra scopes and their descriptions. */
  readonly scopeDefinitions?: ScopeDefinitions;
  /** The registration file's clients in force, as `/health-check` reports them (issue 9). */
  readonly registry?: { readonly summary: RegistrySummary };
  /** Rate-limits the warnings of refusals (one per key per minute); absent, every one is logged. */
  readonly warnings?: WarningGate;
  /** What is counted for operators (`metrics/`); absent, nothing is (`noMetrics`). */
  readonly metrics?: Metrics;
  /**
   * The users userinfo read in the last seconds (`userinfo/user-cache.ts`); absent, every
   * userinfo request reads the identity backend.
   */
  readonly userinfoUsers?: UserCache;
}

/**
 * Scopes offered beyond the standard ones: the identity backend's (e.g. `konnect/id`) and
 * those defined in identifier-scopes.yaml (konnect-spec §2.6).
 */
export function extraScopesOf(deps: Deps): string[] {
  return [...(deps.identity.extraScopes ?? []), ...(deps.scopeDefinitions?.scopes ?? []).map((s) => s.id)];
}

/** What the browser-facing endpoints need on top of {@link Deps}. */
export interface BrowserDeps extends Deps {
  readonly sessions: SessionManager;
  readonly throttle: LoginThrottle;
  /** Key for the CSRF tokens of every form (HMAC-SHA256). */
  readonly csrfKey: Uint8Array;
  /** Rate-limits the warnings of refusals (one per key per minute), for this app. */
  readonly warnings: WarningGate;
  /** Whether storage answers: fed by requests that find it down, read by `/health-check`. */
  readonly storageHealth: StorageHealth;
  /**
   * Whether the identity backend's own dependency (LDAP) answers, read by `/health-check`;
   * absent or null when it has none (built-in users live in storage).
   */
  readonly identityHealth?: IdentityHealth | null;
}
