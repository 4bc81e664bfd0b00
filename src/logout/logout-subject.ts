import { relaxationsFor } from '../clients/relaxations.js';
import type { Client } from '../clients/types.js';
import { publicSubjectOf, RAW_SUB_SCOPE } from '../endpoints/grant-subject.js';
import { extraScopesOf, type Deps } from '../endpoints/types.js';

/**
 * The `sub` a logout token for `client` carries (OpenID Connect Back-Channel Logout 1.0
 * §2.4): the `sub` of the ID tokens the client received for user `userId`, or null when Sesame
 * cannot tell which subject that was — a wrong `sub` could make a relying party miss the
 * session, while `sid`, always present, is enough on its own.
 *
 * ID tokens carry the public subject unless their grant included `konnect/raw_sub`
 * (DESIGN.md "Subjects"), and storage names the clients of a session, not their scopes. So the
 * public subject is sent only when no grant of the client can have included that scope:
 * nothing offers it (no backend or identifier-scopes.yaml scope of that name, and the client
 * is not trusted under `trustedClientsGetAllScopes`), or the client is not trusted — so it was
 * granted no scope beyond the user's remembered consent — and that consent lacks it.
 */
export async function logoutSubjectFor(deps: Deps, userId: string, client: Client): Promise<string | null> {
  const offered = extraScopesOf(deps).includes(RAW_SUB_SCOPE);
  if (client.trusted) {
    const anyScope = relaxationsFor(client, deps.config.compat).trustedClientsGetAllScopes;
    return offered || anyScope ? null : publicSubjectOf(userId, deps);
  }
  if (!offered) return publicSubjectOf(userId, deps);
  const consent = await deps.storage.consents.get(userId, client.id);
  if (consent === null || consent.scopes.includes(RAW_SUB_SCOPE)) return null;
  return publicSubjectOf(userId, deps);
}
