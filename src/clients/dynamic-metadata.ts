import { badMetadata, ClientMetadataError } from './dynamic-metadata-error.js';
import { field, type MetadataInput } from './dynamic-metadata-fields.js';
import {
  checkAssertionAlg,
  checkIdTokenSignedResponseAlg,
  checkJwks,
  checkRequestObjectAlg,
  checkSignedResponseAlg,
  type RegisteredJwks,
} from './dynamic-metadata-keys.js';
import { checkFlows, type GrantType, type ResponseType } from './dynamic-metadata-flows.js';
import {
  backchannelLogoutUriProblem,
  redirectUriProblem,
  webPageUriProblem,
  type UriRuleContext,
} from './dynamic-metadata-uris.js';

export type { GrantType, ResponseType } from './dynamic-metadata-flows.js';

/** The `token_endpoint_auth_method`s a dynamically registered client may use (RFC 7591 §2). */
export type DynamicAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/**
 * The metadata of a dynamically registered client as Sesame keeps and returns it (RFC 7591 §2,
 * OpenID Connect Dynamic Client Registration 1.0 §2): checked, defaults filled in, and only
 * the fields Sesame acts on. A JSON object, as `DynamicClientRecord.metadata` stores it (a type
 * alias, not an interface, so that it is assignable to that record's JSON object type).
 */
export type DynamicClientMetadata = {
  readonly redirect_uris: readonly string[];
  readonly response_types: readonly ResponseType[];
  readonly grant_types: readonly GrantType[];
  readonly application_type: 'web' | 'native';
  readonly token_endpoint_auth_method: DynamicAuthMethod;
  readonly token_endpoint_auth_signing_alg?: string;
  readonly client_name?: string;
  readonly client_uri?: string;
  readonly contacts?: readonly string[];
  readonly post_logout_redirect_uris?: readonly string[];
  readonly backchannel_logout_uri?: string;
  readonly backchannel_logout_session_required?: boolean;
  readonly require_pushed_authorization_requests?: boolean;
  readonly id_token_signed_response_alg?: string;
  readonly userinfo_signed_response_alg?: string;
  readonly request_object_signing_alg?: string;
  readonly jwks?: RegisteredJwks;
};

export interface MetadataRuleContext extends UriRuleContext {
  /** What Sesame's signing key can sign ID tokens and userinfo with. */
  readonly signingAlgs: readonly string[];
}

/**
 * The most a client's registered metadata may take as JSON. Every field is flat and bounded
 * (dynamic-metadata-fields.ts, `checkJwks`), so this bounds their sum: 16 KiB holds ten RSA
 * keys of 4096 bits with a dozen redirect URIs.
 */
export const MAX_METADATA_BYTES = 16 * 1024;

/** Encryption metadata (OIDC Registration §2, JARM): Sesame encrypts nothing. */
const encryptionFields = [
  'id_token_encrypted_response_alg',
  'id_token_encrypted_response_enc',
  'userinfo_encrypted_response_alg',
  'userinfo_encrypted_response_enc',
  'request_object_encryption_alg',
  'request_object_encryption_enc',
  'authorization_encrypted_response_alg',
  'authorization_encrypted_response_enc',
];

/**
 * Checks the client metadata of a registration (RFC 7591 §2, §3.1) or update (RFC 7592 §2.2)
 * request and returns what Sesame registers. Metadata Sesame does not understand is ignored
 * (RFC 7591 §2), `scope` included: a dynamically registered client may ask for any scope the
 * provider offers, as a file client may, and the user's consent decides.
 *
 * Refused, with `invalid_client_metadata` unless said otherwise:
 * - `redirect_uris` (`invalid_redirect_uri`): required for a client that uses the
 *   authorization endpoint; each under the registration file's rules for a client that is
 *   never `insecure` (see dynamic-metadata-uris.ts);
 * - `response_types`, `grant_types`: the values Sesame supports, consistent with each other
 *   (RFC 7591 §2.1; see dynamic-metadata-flows.ts);
 * - `token_endpoint_auth_method`: `none`, `client_secret_basic` (the default),
 *   `client_secret_post` or `private_key_jwt` (with `jwks`); `client_secret_jwt` is refused
 *   because Sesame keeps only a hash of a dynamic client's secret, and an HMAC assertion can
 *   only be checked with the secret itself;
 * - `jwks_uri` (Sesame fetches no keys; `jwks` by value instead), `software_statement`
 *   (`unapproved_software_statement`), encryption, and a `subject_type` other than `public`;
 * - `application_type` other than `web` or `native`; strings that are empty, too long or hold
 *   control characters; values of the wrong JSON type;
 * - metadata whose registered form is over {@link MAX_METADATA_BYTES} as JSON.
 *
 * What is returned holds only flat, bounded values: unknown members are dropped, and so are
 * the members of a JWK that are not its public key, `kid`, `use` or `alg` (`checkJwks`).
 *
 * @throws ClientMetadataError
 */
export function checkClientMetadata(body: unknown, context: MetadataRuleContext): DynamicClientMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badMetadata('the request body must be a JSON object of client metadata');
  }
  const input = body as MetadataInput;
  refuseUnsupported(input);
  const applicationType = checkApplicationType(input);
  const authMethod = checkAuthMethod(input);
  const jwks = field.present(input, 'jwks') ? checkJwks(input['jwks']) : undefined;
  if (authMethod === 'private_key_jwt' && jwks === undefined) {
    throw badMetadata('token_endpoint_auth_method private_key_jwt needs the client’s public keys in jwks');
  }
  const flows = checkFlows(input, authMethod);
  const redirectUris = checkRedirectUris(input, applicationType, flows.response_types.length > 0, context);
  const assertionAlg = field.string(input, 'token_endpoint_auth_signing_alg');
  const requestObjectAlg = field.string(input, 'request_object_signing_alg');
  const idTokenAlg = field.string(input, 'id_token_signed_response_alg');
  const userinfoAlg = field.string(input, 'userinfo_signed_response_alg');
  const backchannelUri = field.string(input, 'backchannel_logout_uri');
  const clientUri = field.string(input, 'client_uri');
  const postLogout = field.stringList(input, 'post_logout_redirect_uris', 20);

  return checkSize(
    compact({
      redirect_uris: redirectUris,
      response_types: flows.response_types,
      grant_types: flows.grant_types,
      application_type: applicationType,
      token_endpoint_auth_method: authMethod,
      // Meaningful only for private_key_jwt (OIDC Registration §2); dropped otherwise.
      token_endpoint_auth_signing_alg:
        authMethod === 'private_key_jwt' && assertionAlg !== undefined
          ? checkAssertionAlg(assertionAlg)
          : undefined,
      client_name: field.string(input, 'client_name', 200),
      client_uri:
        clientUri === undefined ? undefined : checked('client_uri', clientUri, webPageUriProblem(clientUri)),
      contacts: field.stringList(input, 'contacts', 20),
      post_logout_redirect_uris: postLogout?.map((uri) =>
        checked('post_logout_redirect_uris', uri, redirectUriProblem(uri, applicationType, context)),
      ),
      backchannel_logout_uri:
        backchannelUri === undefined
          ? undefined
          : checked(
              'backchannel_logout_uri',
              backchannelUri,
              backchannelLogoutUriProblem(backchannelUri, context),
            ),
      backchannel_logout_session_required: field.boolean(input, 'backchannel_logout_session_required'),
      require_pushed_authorization_requests: field.boolean(input, 'require_pushed_authorization_requests'),
      id_token_signed_response_alg:
        idTokenAlg === undefined ? undefined : checkIdTokenSignedResponseAlg(idTokenAlg, context.signingAlgs),
      userinfo_signed_response_alg:
        userinfoAlg === undefined
          ? undefined
          : checkSignedResponseAlg('userinfo_signed_response_alg', userinfoAlg, context.signingAlgs),
      request_object_signing_alg:
        requestObjectAlg === undefined ? undefined : checkRequestObjectAlg(requestObjectAlg, jwks),
      jwks,
    }),
  );
}

/** Whether the client authenticates with a secret Sesame issues (RFC 7591 §3.2.1 `client_secret`). */
export function usesClientSecret(metadata: DynamicClientMetadata): boolean {
  const method = metadata.token_endpoint_auth_method;
  return method === 'client_secret_basic' || method === 'client_secret_post';
}

function refuseUnsupported(input: MetadataInput): void {
  if (field.present(input, 'software_statement')) {
    throw new ClientMetadataError(
      'unapproved_software_statement',
      'software statements are not accepted here; register with the client metadata itself',
    );
  }
  if (field.present(input, 'jwks_uri')) {
    throw badMetadata(
      'jwks_uri is not supported: Sesame does not fetch client keys; register them by value in jwks',
    );
  }
  const encryption = encryptionFields.find((name) => field.present(input, name));
  if (encryption !== undefined) throw badMetadata(`${encryption} is not supported: Sesame does not encrypt`);
  const subjectType = field.string(input, 'subject_type');
  if (subjectType !== undefined && subjectType !== 'public') {
    throw badMetadata(`subject_type "${subjectType}" is not supported: Sesame issues public subjects only`);
  }
}

function checkApplicationType(input: MetadataInput): 'web' | 'native' {
  const value = field.string(input, 'application_type') ?? 'web';
  if (value !== 'web' && value !== 'native') {
    throw badMetadata(`application_type must be web or native, not "${value}"`);
  }
  return value;
}

function checkAuthMethod(input: MetadataInput): DynamicAuthMethod {
  const value = field.string(input, 'token_endpoint_auth_method') ?? 'client_secret_basic';
  switch (value) {
    case 'none':
    case 'client_secret_basic':
    case 'client_secret_post':
    case 'private_key_jwt':
      return value;
    case 'client_secret_jwt':
      throw badMetadata(
        'token_endpoint_auth_method client_secret_jwt is not supported for dynamically registered clients: Sesame keeps only a hash of their secret and cannot check an HMAC made with it; use private_key_jwt, client_secret_basic or client_secret_post',
      );
    default:
      throw badMetadata(
        `token_endpoint_auth_method "${value}" is not supported; use none, client_secret_basic, client_secret_post or private_key_jwt`,
      );
  }
}

function checkRedirectUris(
  input: MetadataInput,
  applicationType: 'web' | 'native',
  required: boolean,
  context: UriRuleContext,
): string[] {
  let uris: string[] | undefined;
  try {
    uris = field.stringList(input, 'redirect_uris', 50);
  } catch (error) {
    if (error instanceof ClientMetadataError)
      throw new ClientMetadataError('invalid_redirect_uri', error.description);
    throw error;
  }
  if ((uris === undefined || uris.length === 0) && required) {
    throw new ClientMetadataError(
      'invalid_redirect_uri',
      'redirect_uris is required for a client that uses the authorization endpoint',
    );
  }
  for (const uri of uris ?? []) {
    const problem = redirectUriProblem(uri, applicationType, context);
    if (problem !== null)
      throw new ClientMetadataError('invalid_redirect_uri', `redirect_uris: "${uri}" ${problem}`);
  }
  return uris ?? [];
}

function checked(name: string, value: string, problem: string | null): string {
  if (problem !== null) throw badMetadata(`${name}: "${value}" ${problem}`);
  return value;
}

/**
 * The metadata, unless its JSON is over {@link MAX_METADATA_BYTES}: anyone may register, and
 * every client's metadata is kept in storage and in memory.
 */
function checkSize(metadata: DynamicClientMetadata): DynamicClientMetadata {
  if (Buffer.byteLength(JSON.stringify(metadata), 'utf8') > MAX_METADATA_BYTES) {
    throw badMetadata(
      `the registered metadata would exceed ${MAX_METADATA_BYTES / 1024} KiB; register fewer or shorter values`,
    );
  }
  return metadata;
}

/** The object without its undefined members, so the stored JSON has only registered fields. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
