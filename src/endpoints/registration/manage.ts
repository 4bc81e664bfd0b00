import type { DynamicClientRegistry } from '../../clients/dynamic-client-registry.js';
import { ClientMetadataError } from '../../clients/dynamic-metadata-error.js';
import {
  checkClientMetadata,
  usesClientSecret,
  type DynamicClientMetadata,
} from '../../clients/dynamic-metadata.js';
import { safeEqual } from '../../lib/constant-time.js';
import { hashToken, randomToken } from '../../lib/ids.js';
import type { DynamicClientRecord } from '../../storage/types.js';
import type { Deps, EndpointRequest, EndpointResponse } from '../types.js';
import { answerRefusals, clientInformation } from './client-information.js';
import { metadataRules, readJsonBody } from './read-request.js';
import { authorizedClient, RegistrationTokenError } from './registration-token.js';

/** Fields the server sets, which an update must not send (RFC 7592 §2.2). */
const serverFields = [
  'registration_access_token',
  'registration_client_uri',
  'client_secret_expires_at',
  'client_id_issued_at',
];

/**
 * `/konnect/v1/register/<client_id>`: the client configuration endpoint (RFC 7592), each
 * request authenticated with the client's registration access token (see
 * {@link authorizedClient}):
 * - GET reads the registration (§2.1): 200 with the client information, without the secret,
 *   which Sesame keeps only as a hash.
 * - PUT replaces the metadata (§2.2) under the registration rules: fields left out are
 *   dropped. The secret is kept — Sesame does not rotate it, and a client cannot choose one —
 *   unless the client moves from a method without a secret to `client_secret_basic` or
 *   `client_secret_post`, when a new one is issued and shown in the answer; moving to `none`
 *   or `private_key_jwt` discards it.
 * - DELETE removes the client (§2.3): 204. Its grants are not revoked here (storage has no
 *   revocation per client), but nothing can use them once the client is gone: the token
 *   endpoint refuses an unknown client.
 *
 * GET and PUT rotate the registration access token (§2.1, §2.2): the client information
 * response must carry one (§3), and Sesame keeps only the hash of the current one, so each
 * answer issues a new token, and the one the request came with stops working. Every change is
 * made only while the stored token hash is still the one the request was authorized with
 * (`DynamicClientRegistry.update`, `.delete`), so of two requests with one token only the first
 * succeeds and the other gets 401, in this process or another sharing the database.
 */
export function manageClient(registry: DynamicClientRegistry) {
  return (req: EndpointRequest, deps: Deps): Promise<EndpointResponse> =>
    answerRefusals(deps, async () => {
      const record = await authorizedClient(req, registry);
      switch (req.method) {
        case 'GET':
          return readClient(deps, registry, record);
        case 'PUT':
          return updateClient(req, deps, registry, record);
        default:
          return deleteClient(req, deps, registry, record);
      }
    });
}

/** GET (RFC 7592 §2.1): the registration as stored, with a new registration access token. */
async function readClient(
  deps: Deps,
  registry: DynamicClientRegistry,
  record: DynamicClientRecord,
): Promise<EndpointResponse> {
  const registrationAccessToken = await rotateToken(deps, registry, record, {});
  return clientInformation(deps, { ...information(record), registrationAccessToken }, 200);
}

async function updateClient(
  req: EndpointRequest,
  deps: Deps,
  registry: DynamicClientRegistry,
  record: DynamicClientRecord,
): Promise<EndpointResponse> {
  const body = readJsonBody(req);
  checkUpdateRequest(body, record);
  const metadata = checkClientMetadata(body, metadataRules(deps));
  const newSecret = usesClientSecret(metadata) && record.secretHash === null ? randomToken(32) : undefined;
  const secretHash = !usesClientSecret(metadata)
    ? null
    : newSecret === undefined
      ? record.secretHash
      : hashToken(newSecret);
  const registrationAccessToken = await rotateToken(deps, registry, record, { metadata, secretHash });
  deps.log.info(
    { client_id: record.clientId, redirect_uris: metadata.redirect_uris, address: req.clientAddress },
    'dynamically registered client updated',
  );
  const info = { ...information({ ...record, metadata }), registrationAccessToken };
  return clientInformation(deps, newSecret === undefined ? info : { ...info, clientSecret: newSecret }, 200);
}

/**
 * Stores the record with `changes` and the hash of a new registration access token in place of
 * the one the request was authorized with, and returns the new token (RFC 7592 §2.1, §2.2).
 *
 * @throws RegistrationTokenError when the client was deleted or its token replaced meanwhile:
 *   the request's token is no longer valid.
 */
async function rotateToken(
  deps: Deps,
  registry: DynamicClientRegistry,
  record: DynamicClientRecord,
  changes: Partial<Pick<DynamicClientRecord, 'metadata' | 'secretHash'>>,
): Promise<string> {
  const token = randomToken(32);
  const rotated = await registry.update(
    { ...record, ...changes, registrationTokenHash: hashToken(token), updatedAt: deps.clock.now() },
    record.registrationTokenHash,
  );
  if (!rotated) {
    throw new RegistrationTokenError(
      `client "${record.clientId}" was deleted or its registration access token replaced meanwhile`,
      true,
    );
  }
  return token;
}

async function deleteClient(
  req: EndpointRequest,
  deps: Deps,
  registry: DynamicClientRegistry,
  record: DynamicClientRecord,
): Promise<EndpointResponse> {
  if (!(await registry.delete(record.clientId, record.registrationTokenHash))) {
    throw new RegistrationTokenError(
      `client "${record.clientId}" was deleted or its registration access token replaced meanwhile`,
      true,
    );
  }
  deps.log.info(
    { client_id: record.clientId, address: req.clientAddress },
    'dynamically registered client deleted',
  );
  return { kind: 'empty', status: 204, headers: { 'Cache-Control': 'no-store' } };
}

/**
 * RFC 7592 §2.2: the update names the client itself, sends none of the fields the server sets,
 * and a `client_secret` it sends is the client's current one.
 */
function checkUpdateRequest(body: unknown, record: DynamicClientRecord): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return; // checkClientMetadata refuses it
  const input = body as Record<string, unknown>;
  const sent = serverFields.find((name) => input[name] !== undefined);
  if (sent !== undefined) {
    throw new ClientMetadataError(
      'invalid_request',
      `${sent} is set by the server and must not be sent (RFC 7592 §2.2)`,
    );
  }
  if (input['client_id'] !== record.clientId) {
    throw new ClientMetadataError(
      'invalid_request',
      'client_id must be sent and be this client’s (RFC 7592 §2.2)',
    );
  }
  const secret = input['client_secret'];
  if (secret === undefined || secret === null) return;
  const matches =
    typeof secret === 'string' &&
    record.secretHash !== null &&
    safeEqual(hashToken(secret), record.secretHash);
  if (!matches) {
    throw new ClientMetadataError(
      'invalid_request',
      'client_secret is not this client’s secret; a client cannot choose its secret (RFC 7592 §2.2)',
    );
  }
}

/** The stored registration as client information; its metadata is what registration stored. */
function information(record: DynamicClientRecord): {
  clientId: string;
  metadata: DynamicClientMetadata;
  createdAt: number;
} {
  return {
    clientId: record.clientId,
    metadata: record.metadata as unknown as DynamicClientMetadata,
    createdAt: record.createdAt,
  };
}
