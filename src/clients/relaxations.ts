import type { CompatRelaxations } from '../config/types.js';
import { isDynamicClient } from './dynamic-client.js';
import type { Client } from './types.js';

/** Every relaxation off: the strict behaviour of `sesame serve`. */
export const NO_RELAXATIONS: CompatRelaxations = Object.freeze({
  anySecretForSecretlessClients: false,
  redirectUriIgnoresQuery: false,
  implicitTrustOnIssuerHost: false,
  lenientTokenRequests: false,
  trustedClientsGetAllScopes: false,
});

/**
 * The Konnect-compatibility relaxations (DESIGN.md) that apply to `client`: the configured
 * ones for a client of the registration file (or an implicitly trusted one), none for a
 * dynamically registered client (RFC 7591). The relaxations exist for the known clients
 * Konnect deployments registered in a file; anyone may register a client dynamically, so such
 * a client always gets the strict behaviour. Every decision made for a specific client reads
 * its relaxations through here, never `config.compat` directly.
 */
export function relaxationsFor(client: Client, compat: CompatRelaxations): CompatRelaxations {
  return isDynamicClient(client) ? NO_RELAXATIONS : compat;
}
