import type { FlowRunResult, LoadBounds, SsoTarget } from '../scenarios/sso-flow-plan.js';

/** Messages from the orchestrator to the load generator, in this order. */
export type ToLoadGenerator =
  | { readonly type: 'prepare'; readonly target: SsoTarget; readonly bounds: LoadBounds }
  | { readonly type: 'go' };

/** Messages from the load generator: `ready` after preparing, then `result`; `error` ends it early. */
export type FromLoadGenerator =
  | { readonly type: 'ready'; readonly signInSeconds: number; readonly warmup: FlowRunResult }
  | { readonly type: 'result'; readonly result: FlowRunResult }
  | { readonly type: 'error'; readonly message: string };
