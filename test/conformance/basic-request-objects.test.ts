/**
 * The Basic OP plan's request-object and unsigned-ID-token modules, once per client
 * authentication method, against one OP that registers the clients they need.
 */
import { conformancePlan } from './plan.js';
import { sharedOp } from './harness.js';
import {
  requestObjectClients,
  requestObjectModules,
  requestObjectVariant,
} from './modules/basic-request-objects.js';

const op = sharedOp({ clients: requestObjectClients });

conformancePlan('Basic OP (client_secret_basic)', 'basic-request-objects-secret-basic', (m) =>
  requestObjectModules(m, op, requestObjectVariant('client_secret_basic')),
);
conformancePlan('Basic OP (client_secret_post)', 'basic-request-objects-secret-post', (m) =>
  requestObjectModules(m, op, requestObjectVariant('client_secret_post')),
);
