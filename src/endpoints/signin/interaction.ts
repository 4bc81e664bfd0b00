import { OAuthError } from '../../oauth/errors.js';
import { matchRedirectUri } from '../../oauth/redirect-uri.js';
import { resolveClient } from '../../clients/implicit-trust.js';
import { relaxationsFor } from '../../clients/relaxations.js';
import { authorizationRequestFrom, type AuthorizationRequest } from '../authorize/request.js';
import type { Client } from '../../clients/types.js';
import type { InteractionRecord } from '../../storage/types.js';
import type { BrowserDeps, EndpointRequest } from '../types.js';

export interface LoadedInteraction {
  readonly record: InteractionRecord;
  readonly request: AuthorizationRequest;
  readonly client: Client;
}

/** The `interaction` parameter of a page request (query on GET, form on POST), if any. */
export function interactionIdOf(req: EndpointRequest): string | null {
  const values = req.method === 'POST' ? req.body.get('interaction') : req.query.get('interaction');
  return values?.length === 1 && values[0] !== '' ? (values[0] as string) : null;
}

/** Loads a pending authorization; an expired or unknown one is explained on the error page. */
export async function loadInteraction(id: string, deps: BrowserDeps): Promise<LoadedInteraction> {
  const record = await deps.storage.interactions.get(id, deps.clock.now());
  if (!record) {
    throw new OAuthError(
      'invalid_request',
      'This sign-in request has expired or was already used. Go back to the application and start again.',
    );
  }
  const request = authorizationRequestFrom(record.request);
  await deps.clients.catchUp?.(request.clientId);
  const client = resolveClient(
    deps.clients,
    request.clientId,
    request.redirectUri,
    deps.config.issuer,
    deps.config.compat,
  );
  if (!client)
    throw new OAuthError('invalid_request', 'The application that sent you here is no longer registered.');
  // The registry may have been reloaded since the request arrived: a redirect URI removed
  // meanwhile (say, a compromised one) must not receive the code or an error.
  if (
    !matchRedirectUri(client, request.redirectUri, {
      ignoreQuery: relaxationsFor(client, deps.config.compat).redirectUriIgnoresQuery,
    })
  ) {
    throw new OAuthError(
      'invalid_request',
      'The address the application asked to return to is no longer registered for it.',
    );
  }
  return { record, request, client };
}

/** Origins a page of this interaction may finally send the browser to (CSP form-action). */
export function formTargetsOf(request: AuthorizationRequest): string[] {
  return [new URL(request.redirectUri).origin];
}
