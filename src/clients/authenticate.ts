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
 *
 * Secrets are compared in constant time. Never returns without a verified client.
 */
export function authenticateClient(
  lookup: ClientLookup,
  input: ClientCredentialsInput,
  compat: CompatRelaxations,
): AuthenticatedClient {
  const credentials = readCredentials(input);
  const client = lookup.get(credentials.id);
  if (client === null) {
    throw new OAuthError('invalid_client', 'client authentication failed', {
      detail: `unknown client_id "${credentials.id}"`,
    });
  }
  const { secret } = credentials;

  if (client.secret === null) {
    if (secret === null) return { client, method: 'none' };
    if (compat.anySecretForSecretlessClients) return { client, method: credentials.method };
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
  return { client, method: credentials.method };
}

interface Credentials {
  readonly id: string;
  /** null when no (or an empty) secret was sent. */
  readonly secret: string | null;
  readonly method: 'client_secret_basic' | 'client_secret_post';
}

function readCredentials(input: ClientCredentialsInput): Credentials {
  const bodySecret = nonEmpty(input.clientSecret);
  const bodyId = nonEmpty(input.clientId);
  if (input.authorization !== undefined && input.authorization.trim() !== '') {
    const basic = parseBasic(input.authorization);
    if (bodySecret !== null) {
      throw new OAuthError('invalid_request', 'use only one client authentication method', {
        detail: 'client credentials in both the Authorization header and the body',
      });
    }
    if (bodyId !== null && bodyId !== basic.id) {
      throw new OAuthError('invalid_request', 'client_id does not match the Authorization header');
    }
    return { id: basic.id, secret: basic.secret, method: 'client_secret_basic' };
  }
  if (bodyId === null) throw new OAuthError('invalid_request', 'client_id is missing');
  return { id: bodyId, secret: bodySecret, method: 'client_secret_post' };
}

const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/;

/** RFC 7617 §2 with RFC 6749 §2.3.1's form-urlencoding of both parts. */
function parseBasic(header: string): { id: string; secret: string | null } {
  const malformed = (detail: string): OAuthError =>
    new OAuthError('invalid_client', 'malformed Authorization header', { detail });
  const match = /^Basic +(\S+)$/i.exec(header.trim());
  if (match === null) throw malformed('not a Basic Authorization header');
  const token = match[1] ?? '';
  if (!base64Pattern.test(token)) throw malformed('Basic credentials are not base64');
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw malformed('Basic credentials have no colon');
  const id = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  if (id === null || secret === null) throw malformed('Basic credentials are not form-urlencoded');
  if (id === '') throw malformed('Basic credentials have an empty client_id');
  return { id, secret: secret === '' ? null : secret };
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
