import { ClientMetadataError } from '../../clients/dynamic-metadata-error.js';
import { usesClientSecret, type DynamicClientMetadata } from '../../clients/dynamic-metadata.js';
import { endpointUrl, paths } from '../paths.js';
import type { Deps, EndpointResponse } from '../types.js';
import { RegistrationTokenError } from './registration-token.js';

/** RFC 7591 §3.2.1, RFC 7592 §3: registration responses carry credentials and must not be cached. */
const NO_STORE: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
});

export interface ClientInformation {
  readonly clientId: string;
  readonly metadata: DynamicClientMetadata;
  /** ms */
  readonly createdAt: number;
  /** Shown once, when issued; Sesame keeps only its hash. */
  readonly clientSecret?: string;
  /**
   * Issued for this response (RFC 7592 §3: every client information response carries one);
   * Sesame keeps only its hash, so it is shown once.
   */
  readonly registrationAccessToken: string;
}

/** Where a client manages its registration (RFC 7592 §3 `registration_client_uri`). */
export function registrationClientUri(issuer: string, clientId: string): string {
  return endpointUrl(issuer, `${paths.registration}/${encodeURIComponent(clientId)}`);
}

/**
 * The client information response (RFC 7591 §3.2.1, RFC 7592 §3): `client_id`,
 * `client_id_issued_at`, for a client with a secret `client_secret_expires_at: 0` (it never
 * expires), `registration_access_token` (always a newly issued one) and
 * `registration_client_uri`, the registered metadata, and the secret only when it has just
 * been issued — Sesame keeps hashes and cannot show it again.
 */
export function clientInformation(deps: Deps, info: ClientInformation, status: 200 | 201): EndpointResponse {
  return {
    kind: 'json',
    status,
    headers: NO_STORE,
    body: {
      client_id: info.clientId,
      ...(info.clientSecret === undefined ? {} : { client_secret: info.clientSecret }),
      client_id_issued_at: Math.floor(info.createdAt / 1000),
      ...(usesClientSecret(info.metadata) ? { client_secret_expires_at: 0 } : {}),
      registration_access_token: info.registrationAccessToken,
      registration_client_uri: registrationClientUri(deps.config.issuer, info.clientId),
      ...info.metadata,
    },
  };
}

/**
 * Runs a registration handler and answers its refusals: refused metadata 400 with the codes of
 * RFC 7591 §3.2.2, a missing or wrong registration access token 401 `invalid_token` with a
 * Bearer challenge (RFC 6750 §3.1). Anything else goes on to the error boundary.
 */
export async function answerRefusals(
  deps: Deps,
  handle: () => Promise<EndpointResponse>,
): Promise<EndpointResponse> {
  try {
    return await handle();
  } catch (error) {
    if (error instanceof ClientMetadataError) {
      deps.log.debug({ error: error.code, detail: error.description }, 'client registration refused');
      return { kind: 'json', status: 400, headers: NO_STORE, body: error.toJSON() };
    }
    if (error instanceof RegistrationTokenError) {
      deps.log.info({ detail: error.detail }, 'client configuration request refused');
      const challenge = error.presented
        ? 'Bearer realm="sesame", error="invalid_token"'
        : 'Bearer realm="sesame"';
      return {
        kind: 'json',
        status: 401,
        headers: { ...NO_STORE, 'WWW-Authenticate': challenge },
        body: {
          error: 'invalid_token',
          error_description: 'a valid registration access token for this client is required',
        },
      };
    }
    throw error;
  }
}
