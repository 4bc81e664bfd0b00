import type { CompatRelaxations } from '../config/types.js';
import { safeEqual } from '../lib/constant-time.js';
import { OAuthError } from '../oauth/errors.js';
import type { Client, ClientLookup } from './types.js';

/** Token endpoint authentication methods (RFC 7591 §2, OpenID Connect Core §9). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface ClientCredentialsInput {
  /** The raw `Authorization` header, if any. */
  readonly authorization: string | undefined;
  /** `client_id` from the request body. */
  readonly clientId: string | undefined;
  /** `client_secret` from the request body; an empty value counts as absent. */
  readonly clientSecret: string | undefined;
}

export interface AuthenticatedClient {
  readonly client: Client;
  /** How the client authenticated; `none` for a public client that sent no secret. */
  readonly method: ClientAuthMethod;
  /**
   * True when the Basic credentials came without the `Basic ` scheme, accepted only under
   * `compat.lenientTokenRequests` (konnect-spec §9.2); the caller logs each such use.
   */
  readonly schemelessBasic: boolean;
}

/**
 * Authenticates the client at the token endpoint (RFC 6749 §2.3.1, §3.2.1).
 *
 * - Credentials come from `Authorization: Basic base64(urlencode(id):urlencode(secret))` or
 *   from `client_id`/`client_secret` in the body. Both at once is `invalid_request` (RFC 6749
 *   §2.3: one method per request); a body `client_id` beside a Basic header must name the same
 *   client.
 * - No client_id anywhere: `invalid_request` "client_id is missing" (konnect-spec §2.4).
 * - Unknown client, malformed Basic header, wrong or missing secret: `invalid_client` (401).
 * - A public client (no secret registered) must not send a secret, unless
 *   `compat.anySecretForSecretlessClients`, which accepts any (konnect-spec §2.4).
 * - `Authorization: <base64(id:secret)>` without the `Basic ` scheme is `invalid_client`,
 *   unless `compat.lenientTokenRequests`, which reads it as Basic credentials and reports
 *   that in `schemelessBasic` (konnect-spec §9.2, a fetch-based Rocket.Chat).
 *
 * Secrets are compared in constant time. Never returns without a verified client.
 */
export function authenticateClient(
  lookup: ClientLookup,
  input: ClientCredentialsInput,
  compat: CompatRelaxations,
): AuthenticatedClient {
  const credentials = readCredentials(input, compat.lenientTokenRequests);
  const client = lookup.get(credentials.id);
  if (client === null) {
    throw new OAuthError('invalid_client', 'client authentication failed', {
      detail: `unknown client_id "${credentials.id}"`,
    });
  }
  const { secret } = credentials;

  if (client.secret === null) {
    if (secret === null) return { client, method: 'none', schemelessBasic: credentials.schemeless };
    if (compat.anySecretForSecretlessClients) {
      return { client, method: credentials.method, schemelessBasic: credentials.schemeless };
    }
    throw new OAuthError('invalid_client', 'client authentication failed', {
      detail: `public client "${client.id}" sent a client_secret; it has none registered`,
    });
  }
  if (secret === null) {
    throw new OAuthError('invalid_client', 'client authentication failed', {
      detail: `confidential client "${client.id}" sent no client_secret`,
    });
  }
  if (!safeEqual(secret, client.secret)) {
    throw new OAuthError('invalid_client', 'client authentication failed', {
      detail: `wrong client_secret for client "${client.id}" (${credentials.method})`,
    });
  }
  return { client, method: credentials.method, schemelessBasic: credentials.schemeless };
}

interface Credentials {
  readonly id: string;
  /** null when no (or an empty) secret was sent. */
  readonly secret: string | null;
  readonly method: 'client_secret_basic' | 'client_secret_post';
  /** Basic credentials sent without the scheme (lenient mode only). */
  readonly schemeless: boolean;
}

function readCredentials(input: ClientCredentialsInput, lenient: boolean): Credentials {
  const bodySecret = nonEmpty(input.clientSecret);
  const bodyId = nonEmpty(input.clientId);
  if (input.authorization !== undefined && input.authorization.trim() !== '') {
    const basic = parseBasic(input.authorization, lenient);
    if (bodySecret !== null) {
      throw new OAuthError('invalid_request', 'use only one client authentication method', {
        detail: 'client credentials in both the Authorization header and the body',
      });
    }
    if (bodyId !== null && bodyId !== basic.id) {
      throw new OAuthError('invalid_request', 'client_id does not match the Authorization header');
    }
    return {
      id: basic.id,
      secret: basic.secret,
      method: 'client_secret_basic',
      schemeless: basic.schemeless,
    };
  }
  if (bodyId === null) throw new OAuthError('invalid_request', 'client_id is missing');
  return { id: bodyId, secret: bodySecret, method: 'client_secret_post', schemeless: false };
}

const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * RFC 7617 §2 with RFC 6749 §2.3.1's form-urlencoding of both parts; with `lenient`, a lone
 * base64 token without the scheme too (konnect-spec §9.2).
 */
function parseBasic(
  header: string,
  lenient: boolean,
): { id: string; secret: string | null; schemeless: boolean } {
  const malformed = (detail: string): OAuthError =>
    new OAuthError('invalid_client', 'malformed Authorization header', { detail });
  const trimmed = header.trim();
  const match = /^Basic +(\S+)$/i.exec(trimmed);
  const schemeless = match === null && lenient && base64Pattern.test(trimmed);
  if (match === null && !schemeless) throw malformed('not a Basic Authorization header');
  const token = match?.[1] ?? trimmed;
  if (!base64Pattern.test(token)) throw malformed('Basic credentials are not base64');
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw malformed('Basic credentials have no colon');
  const id = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  if (id === null || secret === null) throw malformed('Basic credentials are not form-urlencoded');
  if (id === '') throw malformed('Basic credentials have an empty client_id');
  return { id, secret: secret === '' ? null : secret, schemeless };
}

/** application/x-www-form-urlencoded decoding (`+` is a space); null when malformed. */
function formDecode(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}
