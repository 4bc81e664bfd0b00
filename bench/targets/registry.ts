import { sesameTargets } from './sesame.js';
import type { Target } from './types.js';

/**
 * Every target the harness can run, in the default order. A peer provider (issue 11: panva's
 * oidc-provider) is one more `Target` here, with its own sign-in method in the scenario.
 */
export const allTargets: readonly Target[] = [...sesameTargets];
