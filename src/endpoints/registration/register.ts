import type { DynamicClientRegistry } from '../../clients/dynamic-client-registry.js';
import { checkClientMetadata, usesClientSecret } from '../../clients/dynamic-metadata.js';
import { DYNAMIC_CLIENT_ID_PREFIX } from '../../clients/dynamic-client.js';
import type { ClientLookup } from '../../clients/types.js';
import { hashToken, randomToken } from '../../lib/ids.js';
import { OAuthError } from '../../oauth/errors.js';
import type { Deps, EndpointRequest, EndpointResponse } from '../types.js';
import { answerRefusals, clientInformation } from './client-information.js';
import { metadataRules, readJsonBody } from './read-request.js';

/** Dynamic client ids: `dyn-` and 128 random bits (22 base64url characters). */

/**
 * POST `/konnect/v1/register`: dynamic client registration (RFC 7591 §3; OpenID Connect Dynamic
 * Client Registration 1.0 §3), open to anyone while `allow_dynamic_client_registration` is on.
 * Steps: read the JSON body, check the metadata (`checkClientMetadata`), issue a random
 * `client_id`, a `client_secret` for a client that authenticates with one, and a registration
 * access token (RFC 7592 §3), store the client with both secrets hashed, and answer 201 with
 * the client information — the only time the secret and the token are shown.
 *
 * Refusals are 400 `invalid_redirect_uri`, `invalid_client_metadata`,
 * `unapproved_software_statement` or `invalid_request` (RFC 7591 §3.2.2); 503
 * `temporarily_unavailable` once {@link DynamicClientRegistry.full}.
 */
export function registerClient(registry: DynamicClientRegistry) {
  return (req: EndpointRequest, deps: Deps): Promise<EndpointResponse> =>
    answerRefusals(deps, async () => {
      const metadata = checkClientMetadata(readJsonBody(req), metadataRules(deps));
      refuseWhenFull(registry, deps);
      const now = deps.clock.now();
      const clientId = newClientId(deps.clients);
      const clientSecret = usesClientSecret(metadata) ? randomToken(32) : undefined;
      const registrationAccessToken = randomToken(32);
      await registry.create({
        clientId,
        metadata,
        secretHash: clientSecret === undefined ? null : hashToken(clientSecret),
        registrationTokenHash: hashToken(registrationAccessToken),
        createdAt: now,
        updatedAt: now,
      });
      deps.log.info(
        {
          client_id: clientId,
          client_name: metadata.client_name,
          redirect_uris: metadata.redirect_uris,
          token_endpoint_auth_method: metadata.token_endpoint_auth_method,
          address: req.clientAddress,
        },
        'dynamically registered client',
      );
      return clientInformation(
        deps,
        {
          clientId,
          metadata,
          createdAt: now,
          ...(clientSecret === undefined ? {} : { clientSecret }),
          registrationAccessToken,
        },
        201,
      );
    });
}

function refuseWhenFull(registry: DynamicClientRegistry, deps: Deps): void {
  if (!registry.full) return;
  deps.log.warn(
    'dynamic client registration refused: the limit of dynamically registered clients is reached; delete unused ones or turn allow_dynamic_client_registration off',
  );
  throw new OAuthError('temporarily_unavailable', 'no more clients can be registered now');
}

/** A fresh id no client has, the registration file's included (its client would win). */
function newClientId(clients: ClientLookup): string {
  for (;;) {
    const id = DYNAMIC_CLIENT_ID_PREFIX + randomToken(16);
    if (clients.get(id) === null) return id;
  }
}
