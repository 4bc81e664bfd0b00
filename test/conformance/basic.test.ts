/**
 * The Basic OP plan (`oidcc-basic-certification-test-plan`) for both of its client
 * authentication variants, against one Sesame. Its request-object modules are in
 * basic-request-objects.test.ts.
 */
import { conformancePlan } from './plan.js';
import { BASIC_CLIENT, POST_CLIENT, sharedOp, type Variant } from './harness.js';
import { basicModulesA } from './modules/basic-a.js';
import { basicModulesB } from './modules/basic-b.js';

const op = sharedOp();

const variants: [string, string, Variant][] = [
  ['Basic OP (client_secret_basic)', 'basic-secret-basic', { client: BASIC_CLIENT, responseType: 'code' }],
  ['Basic OP (client_secret_post)', 'basic-secret-post', { client: POST_CLIENT, responseType: 'code' }],
];
for (const [plan, file, variant] of variants) {
  conformancePlan(plan, file, (module) => {
    basicModulesA(module, op, variant);
    basicModulesB(module, op, variant);
  });
}
