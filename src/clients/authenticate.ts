import type { CompatRelaxations } from '../config/types.js';
import { safeEqual } from '../lib/constant-time.js';
import { OAuthError } from '../oauth/errors.js';
import { hashToken } from '../lib/ids.js';
import type { ClientAssertionMethod } from '../tokens/client-assertion.js';
import {
  readAssertion,
  readCredentials,
  type PresentedAssertion,
  type SecretCredentials,
} from './read-credentials.js';
import { relaxationsFor } from './relaxations.js';
import type { Client, ClientLookup } from './types.js';

/** Token endpoint authentication methods (RFC 7591 §2, OpenID Connect Core §9). */
export type ClientAuthMethod =
  'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';

export interface ClientCredentialsInput {
  /** The raw `Authorization` header, if any. */
  readonly authorization: string | undefined;
  /** `client_id` from the request body. */
  readonly clientId: string | undefined;
  /** `client_secret` from the request body; an empty value counts as absent. */
  readonly clientSecret: string | undefined;
  /** `client_assertion_type` from the body (RFC 7521 §4.2); empty or absent: none. */
  readonly clientAssertionType?: string | undefined;
  /** `client_assertion` from the body (RFC 7521 §4.2); empty or absent: none. */
  readonly clientAssertion?: string | undefined;
}

/**
 * Checks JWT client assertions (RFC 7523 §3) for {@link authenticateClient}, which decides
 * who may use them; the JOSE work and the `jti` replay check live behind it.
 */
export interface ClientAssertionVerifier {
  /** The client id the assertion claims (its unverified `sub`), to look the client up; null: none. */
  claimedClientId(assertion: string): string | null;
  /**
   * Verifies the assertion for `client` and records its `jti`; resolves to the method it
   * used. With `required`, an assertion of the other method is refused before any key is used.
   *
   * @throws OAuthError `invalid_client` when it does not hold up or was used before.
   */
  verify(
    assertion: string,
    client: Client,
    required: ClientAssertionMethod | null,
  ): Promise<ClientAssertionMethod>;
}

export interface AuthenticatedClient {
  readonly client: Client;
  /** How the client authenticated; `none` for a public client that sent no secret. */
  readonly method: ClientAuthMethod;
  /**
   * False when the client proved nothing but its id: method `none`, or a secret accepted for
   * a client that has none under `compat.anySecretForSecretlessClients` (konnect-spec §2.4).
   */
  readonly proved: boolean;
  /**
   * True when the Basic credentials came without the `Basic ` scheme, accepted only under
   * `compat.lenientTokenRequests` (konnect-spec §9.2); the caller logs each such use.
   */
  readonly schemelessBasic: boolean;
}

/** The registered `token_endpoint_auth_method` values that are enforced (see {@link authenticateClient}). */
const ENFORCED_METHODS: ReadonlySet<string> = new Set<ClientAssertionMethod>([
  'private_key_jwt',
  'client_secret_jwt',
]);

/**
 * Authenticates the client at the token endpoint (RFC 6749 §2.3.1, §3.2.1; RFC 7523 §2.2;
 * OIDC Core §9).
 *
 * - Credentials come from `Authorization: Basic base64(urlencode(id):urlencode(secret))`,
 *   from `client_id`/`client_secret` in the body, or from a JWT in `client_assertion` with
 *   `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`
 *   (`private_key_jwt` or `client_secret_jwt`, told apart by the JWT's alg). More than one
 *   method at once is `invalid_request` (RFC 6749 §2.3: one method per request); a body
 *   `client_id` beside a Basic header must name the same client, and beside an assertion
 *   its `sub`. An assertion without its type, with another type, or a type alone, is
 *   `invalid_request`.
 * - No client_id anywhere: `invalid_request` "client_id is missing" (konnect-spec §2.4).
 * - Unknown client, malformed Basic header, wrong or missing secret, an assertion that does
 *   not verify or is replayed: `invalid_client` (401).
 * - A public client (no secret registered) must not send a secret, unless
 *   `compat.anySecretForSecretlessClients`, which accepts any (konnect-spec §2.4).
 * - `Authorization: <base64(id:secret)>` without the `Basic ` scheme is `invalid_client`,
 *   unless `compat.lenientTokenRequests`, which reads it as Basic credentials and reports
 *   that in `schemelessBasic` (konnect-spec §9.2, a fetch-based Rocket.Chat).
 * - Neither relaxation applies to a dynamically registered client ({@link relaxationsFor}).
 * - A client registered with `token_endpoint_auth_method` `private_key_jwt` or
 *   `client_secret_jwt` may authenticate only that way: anything else, `none` included, is
 *   `invalid_client`, refused before a secret is compared or a key used. Other registered
 *   methods are not enforced, as in Konnect (konnect-spec §2.1): a client with a secret may
 *   use Basic or the body whatever it registered, and any client may use an assertion it can
 *   make — `private_key_jwt` with its registered `jwks`, `client_secret_jwt` with its secret.
 *
 * Secrets are compared in constant time — a dynamically registered client's (RFC 7591) as its
 * SHA-256 `secretHash`, which makes it confidential too. Never returns without a verified client.
 */
export async function authenticateClient(
  lookup: ClientLookup,
  input: ClientCredentialsInput,
  compat: CompatRelaxations,
  assertions: ClientAssertionVerifier,
): Promise<AuthenticatedClient> {
  const assertion = readAssertion(input);
  if (assertion !== null) return authenticateWithAssertion(lookup, assertion, assertions);
  const credentials = readCredentials(input, compat.lenientTokenRequests);
  const client = await findClient(lookup, credentials.id);
  const relaxations = relaxationsFor(client, compat);
  if (credentials.schemeless && !relaxations.lenientTokenRequests) {
    throw new OAuthError('invalid_client', 'client authentication failed', {
      detail: `client "${client.id}" sent an Authorization header without the Basic scheme; Konnect compatibility does not apply to a dynamically registered client`,
    });
  }
  const registered = client.tokenEndpointAuthMethod;
  if (registered !== undefined && ENFORCED_METHODS.has(registered)) {
    const sent = credentials.secret === null ? 'no secret' : credentials.method;
    throw new OAuthError('invalid_client', `this client must authenticate with ${registered}`, {
      detail: `client "${client.id}" is registered for ${registered} and sent ${sent}`,
    });
  }
  return authenticateWithSecret(client, credentials, relaxations);
}

/**
 * RFC 6749 §2.3.1: the registered secret, or nothing from a public client. `relaxations` are
 * the client's own ({@link relaxationsFor}).
 */
function authenticateWithSecret(
  client: Client,
  credentials: SecretCredentials,
  relaxations: CompatRelaxations,
): AuthenticatedClient {
  const { secret } = credentials;
  const result = (method: ClientAuthMethod, proved: boolean): AuthenticatedClient => ({
    client,
    method,
    proved,
    schemelessBasic: credentials.schemeless,
  });
  const matches = secretCheck(client);
  if (matches === null) {
    if (secret === null) return result('none', false);
    if (relaxations.anySecretForSecretlessClients) return result(credentials.method, false);
    throw new OAuthError('invalid_client', 'client authentication failed', {
      detail: `public client "${client.id}" sent a client_secret; it has none registered`,
    });
  }
  if (secret === null) {
    throw new OAuthError('invalid_client', 'client authentication failed', {
      detail: `confidential client "${client.id}" sent no client_secret`,
    });
  }
  if (!matches(secret)) {
    throw new OAuthError('invalid_client', 'client authentication failed', {
      detail: `wrong client_secret for client "${client.id}" (${credentials.method})`,
    });
  }
  return result(credentials.method, true);
}

/**
 * How to check a presented secret in constant time: against the secret of the registration
 * file, or against the hash a dynamically registered client keeps (RFC 7591); null for a
 * client without a secret.
 */
function secretCheck(client: Client): ((presented: string) => boolean) | null {
  const { secret, secretHash } = client;
  if (secret !== null) return (presented) => safeEqual(presented, secret);
  if (secretHash !== undefined && secretHash !== null) {
    return (presented) => safeEqual(hashToken(presented), secretHash);
  }
  return null;
}

/**
 * RFC 7523 §3: the client is the assertion's `sub` (the `client_id` parameter is optional),
 * verified with the key or secret registered for it.
 */
async function authenticateWithAssertion(
  lookup: ClientLookup,
  presented: PresentedAssertion,
  assertions: ClientAssertionVerifier,
): Promise<AuthenticatedClient> {
  const id = presented.clientId ?? assertions.claimedClientId(presented.assertion);
  if (id === null) {
    throw new OAuthError('invalid_client', 'client authentication failed', {
      detail: 'the client assertion names no client and no client_id was sent',
    });
  }
  const client = await findClient(lookup, id);
  const registered = client.tokenEndpointAuthMethod;
  const required =
    registered !== undefined && ENFORCED_METHODS.has(registered)
      ? (registered as ClientAssertionMethod)
      : null;
  const method = await assertions.verify(presented.assertion, client, required);
  return { client, method, proved: true, schemelessBasic: false };
}

async function findClient(lookup: ClientLookup, id: string): Promise<Client> {
  await lookup.catchUp?.(id);
  const client = lookup.get(id);
  if (client === null) {
    throw new OAuthError('invalid_client', 'client authentication failed', {
      detail: `unknown client_id "${id}"`,
    });
  }
  return client;
}
