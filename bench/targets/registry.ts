import { fastifyHelloTarget } from './fastify-hello.js';
import { oidcProviderTarget } from './oidc-provider.js';
import { sesameTargets } from './sesame.js';
import type { Target } from './types.js';

/** Every target the harness can run, in the default order: Sesame's, the peer, the Fastify limit. */
export const allTargets: readonly Target[] = [...sesameTargets, oidcProviderTarget, fastifyHelloTarget];
