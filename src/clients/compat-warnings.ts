import type { CompatRelaxations } from '../config/types.js';
import type { Client } from './types.js';

export interface CompatWarning {
  readonly relaxation: keyof CompatRelaxations | 'insecureWithoutRedirectUris';
  readonly message: string;
}

/**
 * What the Konnect-compatibility relaxations (DESIGN.md) loosen for this client, each with
 * how to tighten it, so the start-up log says who depends on which relaxation. Also warns
 * about an `insecure` client without redirect URIs, which Konnect let redirect anywhere
 * (konnect-spec §2.2) and Sesame lets redirect nowhere.
 */
export function compatWarnings(client: Client, compat: CompatRelaxations): CompatWarning[] {
  const warnings: CompatWarning[] = [];
  if (compat.anySecretForSecretlessClients && client.secret === null) {
    warnings.push({
      relaxation: 'anySecretForSecretlessClients',
      message: `client "${client.id}" has no secret, so Konnect compatibility accepts any client_secret for it — set a secret to require it`,
    });
  }
  if (compat.redirectUriIgnoresQuery && client.redirectUris.length > 0) {
    warnings.push({
      relaxation: 'redirectUriIgnoresQuery',
      message: `redirect URIs of client "${client.id}" are matched ignoring the requested query (Konnect compatibility) — turn compatibility off to require exact matches`,
    });
  }
  if (compat.trustedClientsGetAllScopes && client.trusted) {
    warnings.push({
      relaxation: 'trustedClientsGetAllScopes',
      message: `trusted client "${client.id}" is granted every scope it requests, unknown ones included (Konnect compatibility) — turn compatibility off to grant only the scopes Sesame offers`,
    });
  }
  if (client.insecure && client.redirectUris.length === 0) {
    warnings.push({
      relaxation: 'insecureWithoutRedirectUris',
      message: `client "${client.id}" is insecure without redirect_uris: Konnect accepted any redirect URI for it, Sesame accepts none — list its redirect_uris`,
    });
  }
  return warnings;
}
