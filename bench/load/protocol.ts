import type { LoadBounds, LoadTarget, RunResult, ScenarioId } from '../scenarios/plan.js';

/** Messages from the orchestrator to the load generator, in this order. */
export type ToLoadGenerator =
  | {
      readonly type: 'prepare';
      readonly target: LoadTarget;
      readonly scenario: ScenarioId;
      readonly bounds: LoadBounds;
    }
  | { readonly type: 'go' };

/** Messages from the load generator: `ready` after preparing, then `result`; `error` ends it early. */
export type FromLoadGenerator =
  | { readonly type: 'ready'; readonly prepareSeconds: number; readonly warmup: RunResult }
  | { readonly type: 'result'; readonly result: RunResult }
  | { readonly type: 'error'; readonly message: string };
