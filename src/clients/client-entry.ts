import type { Client } from './types.js';
import { EntryRejected } from './registration-error.js';
import { checkRedirectUri, type RegistrationRuleContext } from './registration-rules.js';
import type { FieldReader, Located } from './yaml-fields.js';

/**
 * Keys of a `clients:` entry (konnect-spec §2.1) plus Sesame's `code_challenge_methods` and the
 * OpenID / OAuth registration metadata Sesame honours (`backchannel_logout_uri`,
 * `backchannel_logout_session_required`, `require_pushed_authorization_requests`).
 * `token_endpoint_auth_signing_alg`, which Konnect stored, is enforced for client assertions.
 */
export const knownClientKeys: ReadonlySet<string> = new Set([
  'id',
  'secret',
  'name',
  'trusted',
  'trusted_scopes',
  'insecure',
  'application_type',
  'redirect_uris',
  'origins',
  'jwks',
  'request_object_signing_alg',
  'id_token_signed_response_alg',
  'userinfo_signed_response_alg',
  'post_logout_redirect_uris',
  'token_endpoint_auth_method',
  'token_endpoint_auth_signing_alg',
  'contacts',
  'uri',
  'grant_types',
  'code_challenge_methods',
  'backchannel_logout_uri',
  'backchannel_logout_session_required',
  'require_pushed_authorization_requests',
]);

/** Keys guides mention that Konnect never had (konnect-spec §2.1); named in the warning. */
export const mythicalClientKeys: ReadonlySet<string> = new Set(['implicit_trusted', 'raw_redirect_uris']);

/**
 * Turns one `clients:` entry into a {@link Client}, applying Konnect's registration rules
 * (konnect-spec §2.1). Throws {@link EntryRejected} pointing at the offending value when the
 * entry must be skipped. Unknown keys are the caller's concern.
 */
export function readClientEntry(
  fields: FieldReader,
  context: RegistrationRuleContext,
  source: string,
): Client {
  const id = fields.string('id');
  if (id === null || id.value.trim() === '') throw new EntryRejected('id is missing', fields.offset);

  const applicationType = readApplicationType(fields);
  const insecure = fields.boolean('insecure');
  const rules = { applicationType, insecure };

  const redirectUris = checkUris(fields.stringList('redirect_uris'), 'redirect_uris', rules, context);
  if (redirectUris.length === 0 && !insecure) {
    throw new EntryRejected('redirect_uris is required unless insecure: yes', fields.offset);
  }
  const postLogoutRedirectUris = checkUris(
    fields.stringList('post_logout_redirect_uris'),
    'post_logout_redirect_uris',
    rules,
    context,
  );

  const secret = fields.string('secret')?.value ?? '';
  const origins = fields.stringList('origins').map((o) => o.value);
  const firstRedirect = redirectUris[0];
  if (origins.length === 0 && applicationType === 'web' && firstRedirect !== undefined) {
    // Konnect's default: scheme://host of the first redirect URI (host includes the port).
    const url = new URL(firstRedirect);
    origins.push(`${url.protocol}//${url.host}`);
  }

  return {
    id: id.value,
    // Konnect: an empty secret means "no secret" (konnect-spec §2.4).
    secret: secret === '' ? null : secret,
    name: fields.string('name')?.value ?? id.value,
    applicationType,
    redirectUris,
    postLogoutRedirectUris,
    origins,
    trusted: fields.boolean('trusted'),
    trustedScopes: fields.stringList('trusted_scopes').map((s) => s.value),
    insecure,
    codeChallengeMethods: readCodeChallengeMethods(fields),
    jwks: fields.jwks('jwks'),
    requestObjectSigningAlg: fields.string('request_object_signing_alg')?.value ?? null,
    idTokenSignedResponseAlg: fields.string('id_token_signed_response_alg')?.value ?? null,
    userinfoSignedResponseAlg: fields.string('userinfo_signed_response_alg')?.value ?? null,
    backchannelLogoutUri: readBackchannelLogoutUri(fields, rules, context),
    backchannelLogoutSessionRequired: fields.boolean('backchannel_logout_session_required'),
    requirePushedAuthorizationRequests: fields.boolean('require_pushed_authorization_requests'),
    ...optional('tokenEndpointAuthMethod', fields.string('token_endpoint_auth_method')?.value),
    ...optional('tokenEndpointAuthSigningAlg', fields.string('token_endpoint_auth_signing_alg')?.value),
    ...optional('uri', fields.string('uri')?.value),
    ...optionalList('grantTypes', fields.stringList('grant_types')),
    ...optionalList('contacts', fields.stringList('contacts')),
    source,
  };
}

/**
 * `backchannel_logout_uri` (Back-Channel Logout §2.2): an absolute http(s) URI without a
 * fragment, under the rules of redirect URIs (https unless `insecure`).
 */
function readBackchannelLogoutUri(
  fields: FieldReader,
  rules: { applicationType: 'web' | 'native'; insecure: boolean },
  context: RegistrationRuleContext,
): string | null {
  const uri = fields.string('backchannel_logout_uri');
  if (uri === null) return null;
  if (uri.value.includes('#'))
    throw new EntryRejected('backchannel_logout_uri must not contain a fragment', uri.offset);
  const problem = checkRedirectUri(uri.value, { ...rules, applicationType: 'web' }, context);
  if (problem !== null)
    throw new EntryRejected(`backchannel_logout_uri: "${uri.value}" ${problem}`, uri.offset);
  return uri.value;
}

function readApplicationType(fields: FieldReader): 'web' | 'native' {
  const value = fields.string('application_type');
  if (value === null || value.value === 'web') return 'web';
  if (value.value === 'native') return 'native';
  throw new EntryRejected(`application_type must be web or native, not "${value.value}"`, value.offset);
}

/** PKCE methods (RFC 7636 §4.2): S256 always; `plain` only when the entry lists it. */
function readCodeChallengeMethods(fields: FieldReader): ('S256' | 'plain')[] {
  const methods: ('S256' | 'plain')[] = ['S256'];
  for (const item of fields.stringList('code_challenge_methods')) {
    if (item.value === 'plain') {
      if (!methods.includes('plain')) methods.push('plain');
    } else if (item.value !== 'S256') {
      throw new EntryRejected(`code_challenge_methods: "${item.value}" is not S256 or plain`, item.offset);
    }
  }
  return methods;
}

function checkUris(
  uris: readonly Located<string>[],
  key: string,
  client: { applicationType: 'web' | 'native'; insecure: boolean },
  context: RegistrationRuleContext,
): string[] {
  return uris.map((uri) => {
    const problem = checkRedirectUri(uri.value, client, context);
    if (problem !== null) throw new EntryRejected(`${key}: "${uri.value}" ${problem}`, uri.offset);
    return uri.value;
  });
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function optionalList<K extends string>(key: K, values: readonly Located<string>[]): { [P in K]?: string[] } {
  return (values.length === 0 ? {} : { [key]: values.map((v) => v.value) }) as {
    [P in K]?: string[];
  };
}
