import { OAuthError } from '../oauth/errors.js';
import { JWT_BEARER_ASSERTION_TYPE } from '../tokens/client-assertion.js';
import type { ClientCredentialsInput } from './authenticate.js';

/** A JWT client assertion as presented (RFC 7521 §4.2). */
export interface PresentedAssertion {
  /** The body `client_id`, null when absent. */
  readonly clientId: string | null;
  readonly assertion: string;
}

/**
 * The assertion of RFC 7521 §4.2, or null when the request carries none. Refuses an
 * assertion mixed with another method or without its type (RFC 6749 §2.3).
 */
export function readAssertion(input: ClientCredentialsInput): PresentedAssertion | null {
  const type = nonEmpty(input.clientAssertionType);
  const assertion = nonEmpty(input.clientAssertion);
  if (type === null && assertion === null) return null;
  if (type === null || assertion === null) {
    throw new OAuthError(
      'invalid_request',
      'client_assertion and client_assertion_type must be sent together',
    );
  }
  if (type !== JWT_BEARER_ASSERTION_TYPE) {
    throw new OAuthError('invalid_request', `client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`, {
      detail: `client_assertion_type ${JSON.stringify(type.slice(0, 100))}`,
    });
  }
  const headerUsed = input.authorization !== undefined && input.authorization.trim() !== '';
  if (headerUsed || nonEmpty(input.clientSecret) !== null) {
    throw new OAuthError('invalid_request', 'use only one client authentication method', {
      detail: `a client assertion together with ${headerUsed ? 'an Authorization header' : 'a client_secret'}`,
    });
  }
  return { clientId: nonEmpty(input.clientId), assertion };
}

/** Secret-based credentials as presented (RFC 6749 §2.3.1). */
export interface SecretCredentials {
  readonly id: string;
  /** null when no (or an empty) secret was sent. */
  readonly secret: string | null;
  readonly method: 'client_secret_basic' | 'client_secret_post';
  /** Basic credentials sent without the scheme (lenient mode only). */
  readonly schemeless: boolean;
}

/**
 * The client id and secret from a Basic header (RFC 7617 §2 with RFC 6749 §2.3.1's
 * form-urlencoding) or from the body; `invalid_request` when both carry a secret or name two
 * clients, or when no client_id is anywhere; `invalid_client` for a malformed header.
 */
export function readCredentials(input: ClientCredentialsInput, lenient: boolean): SecretCredentials {
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
