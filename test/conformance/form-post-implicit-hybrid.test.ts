/**
 * The Form Post Implicit and Hybrid OP plans (`oidcc-formpost-implicit-certification-test-plan`,
 * `oidcc-formpost-hybrid-certification-test-plan`): every module of those plans with
 * `response_mode=form_post`, for all five response types.
 */
import { conformancePlan } from './plan.js';
import { BASIC_CLIENT, POST_CLIENT, sharedOp } from './harness.js';
import { implicitHybridModules } from './modules/implicit-hybrid.js';

const op = sharedOp();

for (const responseType of ['id_token', 'id_token token']) {
  conformancePlan(
    `Form Post Implicit OP (${responseType})`,
    `form-post-implicit-${responseType.replaceAll(' ', '-')}`,
    (module) =>
      implicitHybridModules(module, op, { client: BASIC_CLIENT, responseType, responseMode: 'form_post' }),
  );
}
for (const responseType of ['code id_token', 'code token', 'code id_token token']) {
  conformancePlan(
    `Form Post Hybrid OP (${responseType})`,
    `form-post-hybrid-${responseType.replaceAll(' ', '-')}`,
    (module) =>
      implicitHybridModules(module, op, { client: POST_CLIENT, responseType, responseMode: 'form_post' }),
  );
}
