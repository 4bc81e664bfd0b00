import { badMetadata } from './dynamic-metadata-error.js';
import { field, type MetadataInput } from './dynamic-metadata-fields.js';

/** The response types Sesame serves (DESIGN.md "Flows"): `token` alone is refused. */
export type ResponseType =
  'code' | 'id_token' | 'id_token token' | 'code id_token' | 'code token' | 'code id_token token';

/** The grant types a dynamically registered client may register (RFC 7591 §2). */
export type GrantType = 'authorization_code' | 'implicit' | 'refresh_token' | 'client_credentials';

const responseTypes: ReadonlySet<string> = new Set<ResponseType>([
  'code',
  'id_token',
  'id_token token',
  'code id_token',
  'code token',
  'code id_token token',
]);
const grantTypes: ReadonlySet<string> = new Set<GrantType>([
  'authorization_code',
  'implicit',
  'refresh_token',
  'client_credentials',
]);

/** The order response type words are written in, so `token id_token` reads as `id_token token`. */
const wordOrder = ['code', 'id_token', 'token'];

export interface Flows {
  readonly response_types: readonly ResponseType[];
  readonly grant_types: readonly GrantType[];
}

/**
 * `response_types` and `grant_types` (RFC 7591 §2, §2.1), made consistent:
 * - a response type with `code` needs `authorization_code`, one with `id_token` or `token`
 *   needs `implicit`; and the other way round, `authorization_code` needs a response type
 *   with `code` and `implicit` one with `id_token` or `token`;
 * - both absent: `code` and `authorization_code` (RFC 7591 defaults); `grant_types` absent:
 *   what the response types need; `response_types` absent: `code` when `authorization_code`
 *   is registered, else none (a `client_credentials` client never sends users to authorize);
 * - `client_credentials` only for a client that authenticates (RFC 6749 §4.4).
 */
export function checkFlows(input: MetadataInput, authMethod: string): Flows {
  const requestedResponses = field.stringList(input, 'response_types', 6)?.map(normalizeResponseType);
  const requestedGrants = field.stringList(input, 'grant_types', 4);
  for (const grant of requestedGrants ?? []) {
    if (!grantTypes.has(grant)) {
      throw badMetadata(`grant_types: "${grant}" is not supported; use ${[...grantTypes].join(', ')}`);
    }
  }
  const grants = (requestedGrants ?? grantsFor(requestedResponses ?? ['code'])) as GrantType[];
  if (grants.length === 0) throw badMetadata('grant_types must name at least one grant type');
  const responses =
    requestedResponses ??
    (requestedGrants === undefined || grants.includes('authorization_code') ? ['code'] : []);
  for (const response of responses) {
    const missing = grantsFor([response]).find((grant) => !grants.includes(grant));
    if (missing !== undefined) {
      throw badMetadata(
        `response_types "${response}" needs grant_types to include "${missing}" (RFC 7591 §2.1)`,
      );
    }
  }
  const unused = grants.find((grant) => grantNeedsResponse(grant) && !grantsFor(responses).includes(grant));
  if (unused !== undefined) {
    throw badMetadata(
      `grant_types "${unused}" needs a response type that uses it in response_types (RFC 7591 §2.1)`,
    );
  }
  if (grants.includes('client_credentials') && authMethod === 'none') {
    throw badMetadata(
      'grant_types "client_credentials" needs a client that authenticates, not token_endpoint_auth_method none',
    );
  }
  return { response_types: [...new Set(responses)], grant_types: grants };
}

/** One response type in canonical word order; refused when Sesame does not serve it. */
function normalizeResponseType(value: string): ResponseType {
  const words = [...new Set(value.split(' ').filter((word) => word !== ''))];
  const normalized = words.sort((a, b) => wordOrder.indexOf(a) - wordOrder.indexOf(b)).join(' ');
  if (words.some((word) => !wordOrder.includes(word)) || !responseTypes.has(normalized)) {
    throw badMetadata(
      `response_types: "${value}" is not supported; use ${[...responseTypes].map((t) => `"${t}"`).join(', ')}`,
    );
  }
  return normalized as ResponseType;
}

/** The grant types a response type is used with (RFC 7591 §2.1 table). */
function grantsFor(responses: readonly string[]): GrantType[] {
  const grants = new Set<GrantType>();
  for (const response of responses) {
    const words = response.split(' ');
    if (words.includes('code')) grants.add('authorization_code');
    if (words.includes('id_token') || words.includes('token')) grants.add('implicit');
  }
  return [...grants];
}

function grantNeedsResponse(grant: GrantType): boolean {
  return grant === 'authorization_code' || grant === 'implicit';
}
