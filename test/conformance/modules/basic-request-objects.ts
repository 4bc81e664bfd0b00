/**
 * The request-object and unsigned-ID-token modules of the Basic OP plans (the suite's
 * OIDCCBasicTestPlan): oidcc-idtoken-unsigned, the unsigned request_uri and request object
 * modules, and oidcc-ensure-request-object-with-redirect-uri. They need clients registered
 * for `none` — `id_token_signed_response_alg` or `request_object_signing_alg` — which the
 * suite registers dynamically and which are given here in the registration file
 * ({@link requestObjectClients}), one pair per client authentication method.
 */
import assert from 'node:assert/strict';
import { UnsecuredJWT } from 'jose';
import type { ModuleFn } from '../plan.js';
import {
  BASIC_CLIENT,
  CookieJar,
  OTHER_REDIRECT_URI,
  POST_CLIENT,
  REDIRECT_URI,
  authorize,
  expectErrorRedirect,
  expectSuccess,
  expectedMode,
  random,
  tokenRequest,
  variantParams,
  verifyIdToken,
  type AuthorizationOutcome,
  type ConformanceOp,
  type TestClient,
  type TokenResult,
  type Variant,
} from '../harness.js';

type AuthMethod = 'client_secret_basic' | 'client_secret_post';

/** A client registered with `request_object_signing_alg: none`, authenticating with Basic. */
export const REQUEST_OBJECT_BASIC_CLIENT: TestClient = {
  id: 'conformance-ro-basic',
  secret: 'ro-basic-secret-0123456789abcdef',
};
/** A client registered with `request_object_signing_alg: none`, authenticating in the body. */
export const REQUEST_OBJECT_POST_CLIENT: TestClient = {
  id: 'conformance-ro-post',
  secret: 'ro-post-secret-0123456789abcdef',
};
/** A client registered with `id_token_signed_response_alg: none`, authenticating with Basic. */
export const UNSIGNED_ID_TOKEN_BASIC_CLIENT: TestClient = {
  id: 'conformance-idt-none-basic',
  secret: 'idt-basic-secret-0123456789abcdef',
};
/** A client registered with `id_token_signed_response_alg: none`, authenticating in the body. */
export const UNSIGNED_ID_TOKEN_POST_CLIENT: TestClient = {
  id: 'conformance-idt-none-post',
  secret: 'idt-post-secret-0123456789abcdef',
};

const authMethods = new Map<string, AuthMethod>([
  [REQUEST_OBJECT_BASIC_CLIENT.id, 'client_secret_basic'],
  [UNSIGNED_ID_TOKEN_BASIC_CLIENT.id, 'client_secret_basic'],
  [REQUEST_OBJECT_POST_CLIENT.id, 'client_secret_post'],
  [UNSIGNED_ID_TOKEN_POST_CLIENT.id, 'client_secret_post'],
  [BASIC_CLIENT.id, 'client_secret_basic'],
  [POST_CLIENT.id, 'client_secret_post'],
]);

function authMethodOf(client: TestClient): AuthMethod {
  const method = authMethods.get(client.id);
  if (method === undefined) throw new TypeError(`no authentication method known for ${client.id}`);
  return method;
}

function entry(client: TestClient, method: AuthMethod, line: string): string {
  return `
  - id: ${client.id}
    name: Conformance ${client.id}
    secret: ${client.secret}
    token_endpoint_auth_method: ${method}
    redirect_uris: [${REDIRECT_URI}, ${OTHER_REDIRECT_URI}]
    grant_types: [authorization_code, refresh_token]
    ${line}`;
}

/** The `clients:` entries these modules need, for `startConformanceOp({ clients })`. */
export const requestObjectClients = [
  entry(REQUEST_OBJECT_BASIC_CLIENT, 'client_secret_basic', 'request_object_signing_alg: none'),
  entry(REQUEST_OBJECT_POST_CLIENT, 'client_secret_post', 'request_object_signing_alg: none'),
  entry(UNSIGNED_ID_TOKEN_BASIC_CLIENT, 'client_secret_basic', 'id_token_signed_response_alg: none'),
  entry(UNSIGNED_ID_TOKEN_POST_CLIENT, 'client_secret_post', 'id_token_signed_response_alg: none'),
].join('');

/** The variant of a Basic plan, its client being the request-object client of `method`. */
export function requestObjectVariant(method: AuthMethod): Variant {
  return {
    client: method === 'client_secret_basic' ? REQUEST_OBJECT_BASIC_CLIENT : REQUEST_OBJECT_POST_CLIENT,
    responseType: 'code',
  };
}

/** The client registered for unsigned ID tokens that authenticates as the variant's does. */
function unsignedIdTokenClient(variant: Variant): TestClient {
  return authMethodOf(variant.client) === 'client_secret_basic'
    ? UNSIGNED_ID_TOKEN_BASIC_CLIENT
    : UNSIGNED_ID_TOKEN_POST_CLIENT;
}

function redeem(op: ConformanceOp, client: TestClient, code: string): Promise<TokenResult> {
  return tokenRequest(
    op,
    client,
    { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
    authMethodOf(client),
  );
}

/**
 * The suite's ConvertAuthorizationEndpointRequestToRequestObject and
 * BuildRequestObjectRedirectToAuthorizationEndpoint: every parameter goes into the object
 * (with `iss` and `aud` for one by value), and only `response_type`, `client_id`, `scope` and
 * `redirect_uri` are repeated in the query — `state` and `nonce` travel in the object alone.
 */
function splitRequest(
  variant: Variant,
  state: string,
  nonce: string,
): { object: Record<string, string>; query: Record<string, string> } {
  const object: Record<string, string> = { ...variantParams(variant), scope: 'openid', state, nonce };
  const query: Record<string, string> = {};
  for (const name of ['response_type', 'client_id', 'scope', 'redirect_uri']) {
    const value = object[name];
    if (value !== undefined) query[name] = value;
  }
  return { object, query };
}

/** SerializeRequestObjectWithNullAlgorithm: an unsecured JWT (RFC 7519 §6). */
function unsignedObject(claims: Record<string, string>): string {
  return new UnsecuredJWT(claims).encode();
}

/** A successful response in the variant's mode, whose code redeems for the object's nonce. */
async function expectObjectHonoured(
  op: ConformanceOp,
  variant: Variant,
  outcome: AuthorizationOutcome,
  state: string,
  nonce: string,
): Promise<void> {
  const response = expectSuccess(outcome);
  assert.equal(outcome.mode, expectedMode(variant), 'the response mode asked for in the request object');
  assert.equal(response['state'], state, 'the state from the request object comes back');
  assert.ok(response['code'], 'a code');
  const tokens = await redeem(op, variant.client, response['code']);
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  await verifyIdToken(op, String(tokens.body['id_token']), variant.client.id, nonce);
}

/**
 * Declares the modules for `variant` (client authentication and response mode of a Basic
 * plan); `op` gives the running OP, started with {@link requestObjectClients}.
 */
export function requestObjectModules(module: ModuleFn, op: () => ConformanceOp, variant: Variant): void {
  module(
    'oidcc-idtoken-unsigned',
    'a client registered for none gets ID tokens with alg none from the token endpoint; no other client does',
    async () => {
      const algs = op().discovery['id_token_signing_alg_values_supported'];
      assert.ok(Array.isArray(algs) && algs.includes('none'), 'discovery lists none, or the suite skips');
      const client = unsignedIdTokenClient(variant);
      const nonce = random('nonce');
      const state = random('state');
      const outcome = await authorize(op(), new CookieJar(), {
        ...variantParams({ ...variant, client }),
        scope: 'openid',
        state,
        nonce,
      });
      const response = expectSuccess(outcome);
      assert.equal(outcome.mode, expectedMode(variant));
      assert.equal(response['state'], state);
      assert.ok(response['code'], 'a code');
      const tokens = await redeem(op(), client, response['code']);
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      const idToken = String(tokens.body['id_token']);
      const { header, payload } = UnsecuredJWT.decode(idToken, {
        issuer: op().issuer,
        audience: client.id,
      });
      // CheckIdTokenSignatureAlgorithm (OIDC Core §3.1.3.7): alg none, and no signature.
      assert.equal(header.alg, 'none');
      assert.equal(idToken.split('.')[2], '', 'an unsecured JWT has an empty signature');
      assert.equal(typeof payload.sub, 'string');
      assert.equal(typeof payload.iat, 'number');
      assert.equal(typeof payload.exp, 'number');
      assert.equal(payload['nonce'], nonce);

      // Never from the authorization endpoint (OIDC Registration §2).
      const hybrid = await authorize(op(), new CookieJar(), {
        ...variantParams({ ...variant, client, responseType: 'code id_token' }),
        scope: 'openid',
        state,
        nonce,
      });
      expectErrorRedirect(hybrid, 'unauthorized_client');
      assert.equal(hybrid.params['id_token'], undefined);

      // Every other client still gets signed ID tokens.
      const signed = await authorize(op(), new CookieJar(), {
        ...variantParams(variant),
        scope: 'openid',
        state,
        nonce,
      });
      const code = expectSuccess(signed)['code'];
      assert.ok(code, 'a code');
      const other = await redeem(op(), variant.client, code);
      assert.equal(other.status, 200, JSON.stringify(other.body));
      await verifyIdToken(op(), String(other.body['id_token']), variant.client.id, nonce);
    },
  );

  module(
    'oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported',
    'a request_uri by reference is refused with request_uri_not_supported, as discovery says; a PAR request_uri works',
    async () => {
      assert.equal(op().discovery['request_uri_parameter_supported'], false);
      const state = random('state');
      const nonce = random('nonce');
      const { object, query } = splitRequest(variant, state, nonce);
      // The suite hosts the object; Sesame must refuse before it would ever fetch it.
      const outcome = await authorize(op(), new CookieJar(), {
        ...query,
        request_uri: `https://rp.example.net/request-objects/${random('ro')}.jwt`,
      });
      const error = expectErrorRedirect(outcome, 'request_uri_not_supported');
      assert.equal(`${outcome.redirect?.origin}${outcome.redirect?.pathname}`, REDIRECT_URI);
      // state travelled inside the unread object only, so none can come back (the suite skips it).
      assert.equal(error['state'], undefined);

      // Only a request_uri from Sesame's own PAR endpoint (RFC 9126) stands for a request.
      const pushed = await pushRequest(op(), variant.client, object);
      assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
      const requestUri = String(pushed.body['request_uri']);
      assert.match(requestUri, /^urn:ietf:params:oauth:request_uri:/);
      const viaPar = await authorize(op(), new CookieJar(), {
        client_id: variant.client.id,
        request_uri: requestUri,
      });
      await expectObjectHonoured(op(), variant, viaPar, state, nonce);
    },
  );

  module(
    'oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported',
    'an unsigned request object of a client registered for none is processed: state, nonce and mode from the object',
    async () => {
      const algs = op().discovery['request_object_signing_alg_values_supported'];
      assert.ok(Array.isArray(algs) && algs.includes('none'), 'discovery lists none, or the suite skips');
      assert.equal(op().discovery['request_parameter_supported'], true);
      const state = random('state');
      const nonce = random('nonce');
      const { object, query } = splitRequest(variant, state, nonce);
      const request = unsignedObject({ ...object, iss: variant.client.id, aud: op().issuer });
      const outcome = await authorize(op(), new CookieJar(), { ...query, request });
      await expectObjectHonoured(op(), variant, outcome, state, nonce);

      // A client that did not register none: the object is refused, not ignored.
      const other = authMethodOf(variant.client) === 'client_secret_basic' ? BASIC_CLIENT : POST_CLIENT;
      const split = splitRequest({ ...variant, client: other }, state, nonce);
      const refused = await authorize(op(), new CookieJar(), {
        ...split.query,
        request: unsignedObject({ ...split.object, iss: other.id, aud: op().issuer }),
      });
      expectErrorRedirect(refused, 'invalid_request_object');
      assert.equal(refused.params['code'], undefined);
    },
  );

  module(
    'oidcc-ensure-request-object-with-redirect-uri',
    "the request object's redirect_uri takes precedence over an unregistered one in the query",
    async () => {
      const state = random('state');
      const nonce = random('nonce');
      const { object, query } = splitRequest(variant, state, nonce);
      const request = unsignedObject({ ...object, iss: variant.client.id, aud: op().issuer });
      // AddInvalidRedirectUriToAuthorizationRequest: the query's redirect_uri is not registered.
      const invalid = 'https://attacker.example.net/cb';
      const outcome = await authorize(op(), new CookieJar(), { ...query, redirect_uri: invalid, request });
      assert.notEqual(outcome.redirect?.origin, new URL(invalid).origin);
      await expectObjectHonoured(op(), variant, outcome, state, nonce);
    },
  );
}

/** RFC 9126 §2.1: pushes `params` to the PAR endpoint, the client authenticating by its method. */
async function pushRequest(
  op: ConformanceOp,
  client: TestClient,
  params: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams(params);
  if (authMethodOf(client) === 'client_secret_basic') {
    const credentials = `${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`;
    headers['authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
  } else {
    body.set('client_secret', client.secret);
  }
  const response = await fetch(op.endpoint('pushed_authorization_request_endpoint'), {
    method: 'POST',
    headers,
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
