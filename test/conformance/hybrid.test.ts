/**
 * The Hybrid OP plan (`oidcc-hybrid-certification-test-plan`), its three response types
 * against one Sesame, with the suite's second client, which authenticates at the token
 * endpoint with client_secret_post as registered.
 */
import { conformancePlan } from './plan.js';
import { POST_CLIENT, sharedOp } from './harness.js';
import { implicitHybridModules } from './modules/implicit-hybrid.js';

const op = sharedOp();

for (const responseType of ['code id_token', 'code token', 'code id_token token']) {
  conformancePlan(`Hybrid OP (${responseType})`, `hybrid-${responseType.replaceAll(' ', '-')}`, (module) =>
    implicitHybridModules(module, op, { client: POST_CLIENT, responseType }),
  );
}
