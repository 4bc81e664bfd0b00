/**
 * The Form Post Basic OP plan (`oidcc-formpost-basic-certification-test-plan`): every module
 * of the Basic plan with `response_mode=form_post`, for both client authentication variants.
 */
import { conformancePlan } from './plan.js';
import { BASIC_CLIENT, POST_CLIENT, sharedOp, type Variant } from './harness.js';
import { basicModulesA } from './modules/basic-a.js';
import { basicModulesB } from './modules/basic-b.js';
import {
  requestObjectClients,
  requestObjectModules,
  requestObjectVariant,
} from './modules/basic-request-objects.js';

const op = sharedOp({ clients: requestObjectClients });

const variants: [string, string, Variant, Variant][] = [
  [
    'Form Post Basic OP (client_secret_basic)',
    'form-post-basic-secret-basic',
    { client: BASIC_CLIENT, responseType: 'code', responseMode: 'form_post' },
    { ...requestObjectVariant('client_secret_basic'), responseMode: 'form_post' },
  ],
  [
    'Form Post Basic OP (client_secret_post)',
    'form-post-basic-secret-post',
    { client: POST_CLIENT, responseType: 'code', responseMode: 'form_post' },
    { ...requestObjectVariant('client_secret_post'), responseMode: 'form_post' },
  ],
];
for (const [plan, file, variant, requestObjectsVariant] of variants) {
  conformancePlan(plan, file, (module) => {
    basicModulesA(module, op, variant);
    basicModulesB(module, op, variant);
    requestObjectModules(module, op, requestObjectsVariant);
  });
}
