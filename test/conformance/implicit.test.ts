/** The Implicit OP plan (`oidcc-implicit-certification-test-plan`), both response types. */
import { conformancePlan } from './plan.js';
import { BASIC_CLIENT, sharedOp } from './harness.js';
import { implicitHybridModules } from './modules/implicit-hybrid.js';

const op = sharedOp();

conformancePlan('Implicit OP (id_token)', 'implicit-id-token', (module) =>
  implicitHybridModules(module, op, { client: BASIC_CLIENT, responseType: 'id_token' }),
);
conformancePlan('Implicit OP (id_token token)', 'implicit-id-token-token', (module) =>
  implicitHybridModules(module, op, { client: BASIC_CLIENT, responseType: 'id_token token' }),
);
