/**
 * What the SSO-flow scenario needs to know about a target, as plain data: it crosses from the
 * orchestrator to the load-generator process.
 */

/** One server's endpoints, as absolute URLs. */
export interface FlowInstance {
  readonly name: string;
  readonly authorize: string;
  readonly token: string;
}

/** How a virtual user signs in before the measured loop: `sesame-forms` is Sesame's sign-in page. */
export type SignInMethod = 'sesame-forms';

export interface SsoTarget {
  /**
   * The instances serving the target. Flow n is authorized at instance n mod N and its code
   * redeemed at instance n+1 mod N, so with two instances every code crosses to the other one;
   * virtual user v signs in at instance v mod N.
   */
  readonly instances: readonly FlowInstance[];
  readonly signIn: SignInMethod;
  /** A confidential client that skips consent; it authenticates with client_secret_basic. */
  readonly client: { readonly id: string; readonly secret: string; readonly redirectUri: string };
  readonly user: { readonly username: string; readonly password: string };
}

/** Bounds of one load run: the run ends at whichever of `flows` and `seconds` comes first. */
export interface LoadBounds {
  /** Virtual users, each running one flow at a time. */
  readonly concurrency: number;
  readonly flows: number;
  readonly seconds: number;
  /** Flows run (and checked) after sign-in and before the measured run; not counted. */
  readonly warmupFlows: number;
}

/** The outcome of the measured loop. */
export interface FlowRunResult {
  /** Flows that got a valid access token and ID token. */
  readonly succeeded: number;
  readonly failed: number;
  readonly seconds: number;
  /** Succeeded flows per second. */
  readonly flowsPerSecond: number;
  /** The distinct failure messages seen (at most a few), with how often each occurred. */
  readonly failures: readonly { readonly message: string; readonly count: number }[];
}
