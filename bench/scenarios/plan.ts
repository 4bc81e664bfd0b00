/**
 * What the scenarios need to know about a target, and what they report, as plain data: it
 * crosses from the orchestrator to the load-generator process.
 */

/**
 * The scenarios, in the order each target runs them. Requests: `discovery`, `jwks`,
 * `userinfo`, `client-credentials`, `code-exchange` (codes made beforehand, only the token
 * requests measured), `refresh`; flows: `sso-flow` (authorize with a session → code → token),
 * `sign-in-flow` (the same from a fresh browser, through the sign-in form); `hello` is the
 * bare-Fastify limit's one request.
 */
export const SCENARIOS = [
  'discovery',
  'jwks',
  'userinfo',
  'client-credentials',
  'code-exchange',
  'refresh',
  'sso-flow',
  'sign-in-flow',
  'hello',
] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

/** Every scenario a provider runs: all but the bare-Fastify `hello`. */
export const PROVIDER_SCENARIOS: readonly ScenarioId[] = SCENARIOS.filter((s) => s !== 'hello');

/** Scenarios whose unit is a whole flow, bounded by `LoadBounds.flows`; the others by `requests`. */
export const FLOW_SCENARIOS: ReadonlySet<ScenarioId> = new Set(['sso-flow', 'sign-in-flow', 'code-exchange']);

export type EndpointName = 'discovery' | 'jwks' | 'authorize' | 'token' | 'userinfo' | 'hello';

/** One server's endpoints, as absolute loopback URLs; a target lists those it has. */
export interface TargetInstance {
  readonly name: string;
  readonly urls: Readonly<Partial<Record<EndpointName, string>>>;
}

export interface LoadTarget {
  /**
   * The instances serving the target. Flow n is authorized at instance n mod N and its code
   * redeemed at instance n+1 mod N, so with two instances every code crosses to the other one;
   * virtual user v signs in at instance v mod N; requests go to instance n mod N.
   */
  readonly instances: readonly TargetInstance[];
  /** A confidential client that skips consent; it authenticates with client_secret_basic. */
  readonly client: { readonly id: string; readonly secret: string; readonly redirectUri: string } | null;
  readonly user: { readonly username: string; readonly password: string } | null;
  /**
   * Authorization parameters that get a refresh token: `scope` with `offline_access`, plus
   * whatever else the provider asks for it (oidc-provider: `prompt=consent`, OIDC Core §11).
   */
  readonly offlineAccess: Readonly<Record<string, string>>;
}

/** Bounds of one load run: a run ends at whichever of its count and `seconds` comes first. */
export interface LoadBounds {
  /** Virtual users, each with one request or flow in flight at a time. */
  readonly concurrency: number;
  /** Measured requests per run of a request scenario. */
  readonly requests: number;
  /** Measured flows (or codes redeemed) per run of a flow scenario. */
  readonly flows: number;
  readonly seconds: number;
  /** Requests or flows run (and checked) after preparing and before the measured run. */
  readonly warmup: number;
}

/** The outcome of one measured loop. */
export interface RunResult {
  /** Requests (or flows) that got the answer the scenario checks for. */
  readonly succeeded: number;
  readonly failed: number;
  readonly seconds: number;
  /** Succeeded requests (or flows) per second. */
  readonly perSecond: number;
  /** The distinct failure messages seen (at most a few), with how often each occurred. */
  readonly failures: readonly { readonly message: string; readonly count: number }[];
  /** Token scenarios: JWS-signed tokens in one successful response (counted, not assumed); else null. */
  readonly signaturesPerResponse: number | null;
  /** `refresh`: whether every refresh returned a new refresh token (true), none did (false); else null. */
  readonly rotates: boolean | null;
}
