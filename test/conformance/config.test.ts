// The Config OP plan (oidcc-config-certification-test-plan): the suite's one module checks that
// the discovery document holds every value OpenID Connect Discovery 1.0 §3 requires, well
// formed. The `sesame-discovery-true-to-behaviour-*` modules are Sesame's own (issue 8: "every
// value true to behaviour"): for each capability the document advertises, they use it and
// check that it really works, and that what is not advertised is refused.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { after, before } from 'node:test';
import { decodeProtectedHeader, exportJWK, SignJWT, type JWK } from 'jose';
import { conformancePlan } from './plan.js';
import {
  authorize,
  BASIC_CLIENT,
  codeFlow,
  CookieJar,
  expectSuccess,
  POST_CLIENT,
  random,
  REDIRECT_URI,
  redeemCode,
  startConformanceOp,
  tokenRequest,
  userinfo,
  verifyIdToken,
  type ConformanceOp,
  type TestClient,
} from './harness.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** A client that only uses the client_credentials grant, authenticating with Basic. */
const SERVICE: TestClient = { id: 'conformance-service', secret: 'service-secret-0123456789abcdef' };
/** client_secret_jwt, long enough a secret for HS512. */
const HMAC: TestClient = { id: 'conformance-hmac', secret: 'h'.repeat(64) };
const KEYED_ID = 'conformance-keyed';
const PUBLIC_ID = 'conformance-public';
/** A confidential client with a registered key for signed request objects. */
const REQUESTER: TestClient = { id: 'conformance-request', secret: 'request-secret-0123456789abcdef' };

type Signer = KeyObject | Uint8Array;
/** One private key per client-assertion algorithm, registered under `kid` = the algorithm. */
const assertionKeys = new Map<string, Signer>();
let requestObjectKey: Signer;

let op: ConformanceOp;
let jar: CookieJar;

before(async () => {
  // Node's KeyObjects, unlike WebCrypto keys, are not bound to one hash: one RSA key serves
  // every RS and PS algorithm.
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = (namedCurve: string) => generateKeyPairSync('ec', { namedCurve });
  const ed = generateKeyPairSync('ed25519');
  const pairs: Record<string, { publicKey: KeyObject; privateKey: KeyObject }> = {
    RS256: rsa,
    RS384: rsa,
    RS512: rsa,
    PS256: rsa,
    PS384: rsa,
    PS512: rsa,
    ES256: ec('P-256'),
    ES384: ec('P-384'),
    ES512: ec('P-521'),
    EdDSA: ed,
    Ed25519: ed,
  };
  const keys: JWK[] = [];
  for (const [alg, pair] of Object.entries(pairs)) {
    assertionKeys.set(alg, pair.privateKey);
    keys.push({ ...(await exportJWK(pair.publicKey)), kid: alg, alg, use: 'sig' });
  }
  requestObjectKey = rsa.privateKey;
  const requestJwks = { keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'request-1', use: 'sig' }] };
  op = await startConformanceOp({
    clients: `
  - id: ${SERVICE.id}
    secret: ${SERVICE.secret}
    redirect_uris: [${REDIRECT_URI}]
    grant_types: [client_credentials]
  - id: ${HMAC.id}
    secret: ${HMAC.secret}
    redirect_uris: [${REDIRECT_URI}]
    token_endpoint_auth_method: client_secret_jwt
    grant_types: [client_credentials]
  - id: ${KEYED_ID}
    redirect_uris: [${REDIRECT_URI}]
    token_endpoint_auth_method: private_key_jwt
    grant_types: [client_credentials]
    jwks: ${JSON.stringify({ keys })}
  - id: ${PUBLIC_ID}
    redirect_uris: [${REDIRECT_URI}]
    token_endpoint_auth_method: none
    grant_types: [authorization_code]
  - id: ${REQUESTER.id}
    secret: ${REQUESTER.secret}
    redirect_uris: [${REDIRECT_URI}]
    jwks: ${JSON.stringify(requestJwks)}`,
  });
  jar = new CookieJar();
});
after(() => op?.stop());

function list(name: string): string[] {
  const value = op.discovery[name];
  assert.ok(Array.isArray(value), `${name} is a JSON array`);
  for (const item of value) assert.equal(typeof item, 'string', `${name} holds strings`);
  return value as string[];
}

/** RFC 8414 §2 / OIDC Discovery §3: an endpoint URL, at the issuer's scheme and origin. */
function assertEndpoint(name: string): URL {
  const value = op.discovery[name];
  assert.equal(typeof value, 'string', `${name} is present`);
  const url = new URL(value as string);
  assert.equal(url.hash, '', `${name} has no fragment`);
  // The suite wants https; the test issuer is http on loopback, so the issuer's scheme stands in.
  assert.equal(url.origin, new URL(op.issuer).origin, `${name} is served by the issuer`);
  return url;
}

/** The JWK key type an algorithm signs with. */
function ktyOf(alg: string): string {
  if (/^(RS|PS)/.test(alg)) return 'RSA';
  if (alg.startsWith('ES')) return 'EC';
  return 'OKP';
}

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function postForm(
  url: string,
  form: Record<string, string>,
  client?: TestClient,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (client)
    headers['authorization'] = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
  const response = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(form) });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    body = { text };
  }
  return { status: response.status, body, headers: response.headers };
}

async function clientAssertion(
  clientId: string,
  key: Signer,
  alg: string,
  kid?: string,
  audience = op.endpoint('token_endpoint'),
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg, ...(kid === undefined ? {} : { kid }) })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setJti(random('jti'))
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(key);
}

conformancePlan('Config OP', 'config', (module) => {
  module(
    'oidcc-discovery-endpoint-verification',
    'the discovery document holds every required value, well formed',
    async () => {
      const url = `${op.issuer}/.well-known/openid-configuration`;
      const response = await fetch(url);
      assert.equal(response.status, 200, 'OIDCD-4: 200');
      assert.match(response.headers.get('content-type') ?? '', /^application\/json\b/, 'OIDCD-4: JSON');
      const doc = (await response.json()) as Record<string, unknown>;
      assert.deepEqual(doc, op.discovery);

      // CheckDiscEndpointIssuer (OIDCD-4.3): the issuer is the URL it was fetched from, minus the path.
      assert.equal(doc['issuer'], url.slice(0, -'/.well-known/openid-configuration'.length));
      const issuer = new URL(String(doc['issuer']));
      assert.equal(issuer.search, '', 'RFC 8414 §2: no query in the issuer');
      assert.equal(issuer.hash, '', 'RFC 8414 §2: no fragment in the issuer');

      assertEndpoint('authorization_endpoint');
      assertEndpoint('token_endpoint');
      assertEndpoint('userinfo_endpoint');
      assertEndpoint('jwks_uri');
      // Sesame's default configuration does not allow dynamic registration.
      assert.equal(doc['registration_endpoint'], undefined, 'no registration_endpoint unless allowed');
      // CheckDiscEndpointAllEndpointsAreHttps, transposed to the loopback issuer's scheme.
      for (const [name, value] of Object.entries(doc)) {
        if (name.endsWith('_endpoint') || name === 'jwks_uri' || name === 'check_session_iframe')
          assertEndpoint(name);
        else if (typeof value === 'string' && /^https?:/.test(value) && name !== 'issuer')
          assert.fail(`${name} is a URL but not an endpoint the suite knows`);
      }

      // OIDCCCheckDiscEndpointResponseTypesSupported (static clients: the code flow at least).
      const responseTypes = list('response_types_supported');
      assert.ok(responseTypes.includes('code'), 'response_types_supported has code');
      for (const type of responseTypes) {
        const parts = type.split(' ');
        assert.ok(
          parts.every((p) => ['code', 'id_token', 'token'].includes(p)) &&
            new Set(parts).size === parts.length,
          `response type ${type} is a combination of code, id_token and token`,
        );
      }
      const subjectTypes = list('subject_types_supported');
      assert.ok(subjectTypes.length > 0, 'subject_types_supported is not empty');
      for (const type of subjectTypes) assert.ok(['public', 'pairwise'].includes(type), type);

      // OIDCCCheckDiscEndpointIdTokenSigningAlgValuesSupported: RS256 must be there, or (a
      // Sesame configured otherwise) the one algorithm it signs with; never only `none`.
      const idTokenAlgs = list('id_token_signing_alg_values_supported');
      assert.ok(idTokenAlgs.some((alg) => alg !== 'none'));
      assert.ok(idTokenAlgs.includes('RS256'), 'RS256 in the default configuration');

      for (const name of ['request_parameter_supported', 'request_uri_parameter_supported']) {
        assert.equal(typeof doc[name], 'boolean', `${name} is a boolean`);
      }
      assert.equal(typeof doc['claims_parameter_supported'], 'boolean');
      assert.ok(list('request_object_signing_alg_values_supported').includes('RS256'));

      // OIDCCCheckDiscEndpointClaimsSupported: present, with `sub`.
      const claims = list('claims_supported');
      assert.ok(claims.includes('sub'), 'claims_supported has sub');

      // OIDCCCheckDiscEndpointGrantTypesSupported: the flows the response types imply.
      const grants = list('grant_types_supported');
      assert.ok(grants.includes('authorization_code'));
      if (responseTypes.some((t) => t.includes('token') || t === 'id_token'))
        assert.ok(grants.includes('implicit'), 'implicit listed with the implicit response types');

      // CheckDiscEndpointScopesSupportedContainsOpenId and the scope-token syntax (RFC 6749 §3.3).
      const scopes = list('scopes_supported');
      assert.ok(scopes.includes('openid'));
      for (const scope of scopes) assert.match(scope, /^[\x21\x23-\x5b\x5d-\x7e]+$/, `scope ${scope}`);

      // CheckDiscEndpointLocalesSyntax / CanonicalCasing (BCP 47: language lower, region upper).
      for (const name of ['ui_locales_supported', 'claims_locales_supported']) {
        if (doc[name] === undefined) continue;
        for (const tag of list(name))
          assert.match(tag, /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2}|-\d{3})?$/, tag);
      }

      // EnsureServerConfigurationCodeChallengeMethodsSupportedIsAnArray.
      if (doc['code_challenge_methods_supported'] !== undefined) list('code_challenge_methods_supported');

      // CheckJwksUri, FetchServerKeys, ValidateServerJWKs,
      // EnsureServerJwksDoesNotContainPrivateOrSymmetricKeys.
      const jwksResponse = await fetch(String(doc['jwks_uri']));
      assert.equal(jwksResponse.status, 200);
      const jwks = (await jwksResponse.json()) as { keys?: JWK[] };
      assert.ok(Array.isArray(jwks.keys) && jwks.keys.length > 0, 'a JWK set with keys');
      for (const key of jwks.keys) {
        assert.ok(['RSA', 'EC', 'OKP'].includes(String(key.kty)), `public key type, not ${key.kty}`);
        for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])
          assert.equal(member in key, false, `no private or symmetric member ${member}`);
      }
    },
  );

  module(
    'sesame-discovery-true-to-behaviour-response-types',
    'every advertised response type works in every advertised response mode; query never carries tokens',
    async () => {
      const modes = list('response_modes_supported');
      assert.deepEqual([...modes].sort(), ['form_post', 'fragment', 'query']);
      const issParameter = op.discovery['authorization_response_iss_parameter_supported'] === true;
      for (const type of list('response_types_supported')) {
        const parts = type.split(' ');
        const tokenBearing = parts.includes('id_token') || parts.includes('token');
        for (const mode of [undefined, ...modes]) {
          const label = `${type} / ${mode ?? 'default mode'}`;
          const state = random('state');
          const outcome = await authorize(op, jar, {
            client_id: BASIC_CLIENT.id,
            redirect_uri: REDIRECT_URI,
            response_type: type,
            scope: 'openid',
            state,
            nonce: random('nonce'),
            ...(mode === undefined ? {} : { response_mode: mode }),
          });
          if (mode === 'query' && tokenBearing) {
            // OAuth 2.0 Multiple Response Type Encoding Practices §5: never in the query.
            assert.equal(outcome.params['id_token'], undefined, `${label}: no ID token in the query`);
            assert.equal(outcome.params['access_token'], undefined, `${label}: no access token in the query`);
            assert.ok(outcome.redirect === null || outcome.params['error'], `${label}: refused`);
            continue;
          }
          const params = expectSuccess(outcome);
          const expectedMode = mode ?? (type === 'code' ? 'query' : 'fragment');
          assert.equal(outcome.mode, expectedMode, `${label}: answered in ${expectedMode}`);
          assert.equal(params['state'], state, `${label}: state`);
          if (issParameter) assert.equal(params['iss'], op.issuer, `${label}: iss (RFC 9207)`);
          assert.equal(Boolean(params['code']), parts.includes('code'), `${label}: code`);
          assert.equal(Boolean(params['id_token']), parts.includes('id_token'), `${label}: id_token`);
          assert.equal(Boolean(params['access_token']), parts.includes('token'), `${label}: access_token`);
          if (params['id_token']) await verifyIdToken(op, params['id_token'], BASIC_CLIENT.id);
          if (params['code']) {
            const redeemed = await redeemCode(op, BASIC_CLIENT, params['code']);
            assert.equal(redeemed.status, 200, `${label}: code redeemed: ${JSON.stringify(redeemed.body)}`);
          }
        }
      }
      const unknown = await authorize(op, jar, {
        client_id: BASIC_CLIENT.id,
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        response_mode: 'web_message',
        scope: 'openid',
        state: random('state'),
      });
      assert.equal(unknown.params['code'], undefined, 'an unadvertised response mode gets no code');
    },
    { timeout: 60_000 },
  );

  module(
    'sesame-discovery-true-to-behaviour-grant-types',
    'every advertised grant type is granted; others are unsupported_grant_type',
    async () => {
      const grants = list('grant_types_supported');
      assert.deepEqual(
        [...grants].sort(),
        ['authorization_code', 'client_credentials', 'implicit', 'refresh_token'],
        'the grants this module exercises',
      );
      // authorization_code, with offline_access for a refresh token.
      const { tokens } = await codeFlow(op, BASIC_CLIENT, {
        scope: 'openid offline_access',
        prompt: 'consent',
      });
      assert.equal(typeof tokens['refresh_token'], 'string', 'offline_access brings a refresh token');
      // refresh_token
      const refreshed = await tokenRequest(op, BASIC_CLIENT, {
        grant_type: 'refresh_token',
        refresh_token: String(tokens['refresh_token']),
      });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      assert.equal(typeof refreshed.body['access_token'], 'string');
      // implicit
      const implicit = expectSuccess(
        await authorize(op, jar, {
          client_id: BASIC_CLIENT.id,
          redirect_uri: REDIRECT_URI,
          response_type: 'id_token token',
          scope: 'openid',
          nonce: random('nonce'),
        }),
      );
      assert.equal((await userinfo(op, String(implicit['access_token']))).status, 200);
      // client_credentials
      const service = await tokenRequest(op, SERVICE, { grant_type: 'client_credentials' });
      assert.equal(service.status, 200, JSON.stringify(service.body));
      assert.equal(typeof service.body['access_token'], 'string');
      assert.equal(service.body['id_token'], undefined, 'no user, no ID token');
      // Not advertised.
      for (const grant of ['password', 'urn:ietf:params:oauth:grant-type:device_code', 'made-up']) {
        const refused = await tokenRequest(op, BASIC_CLIENT, {
          grant_type: grant,
          username: 'x',
          password: 'y',
        });
        assert.equal(refused.status, 400, grant);
        assert.equal(refused.body['error'], 'unsupported_grant_type', grant);
      }
    },
  );

  module(
    'sesame-discovery-true-to-behaviour-token-endpoint-auth',
    'every advertised client authentication method and assertion algorithm authenticates a client',
    async () => {
      const methods = list('token_endpoint_auth_methods_supported');
      assert.deepEqual(
        [...methods].sort(),
        ['client_secret_basic', 'client_secret_jwt', 'client_secret_post', 'none', 'private_key_jwt'],
        'the methods this module exercises',
      );
      const tokenEndpoint = op.endpoint('token_endpoint');
      // client_secret_basic and client_secret_post: the suite's two clients.
      await codeFlow(op, BASIC_CLIENT, {}, jar);
      await codeFlow(op, POST_CLIENT, {}, jar);
      const wrongSecret = await tokenRequest(
        op,
        { ...SERVICE, secret: 'wrong' },
        { grant_type: 'client_credentials' },
      );
      assert.equal(wrongSecret.status, 401);
      assert.equal(wrongSecret.body['error'], 'invalid_client');

      // client_secret_jwt and private_key_jwt, each advertised algorithm.
      const algs = list('token_endpoint_auth_signing_alg_values_supported');
      assert.ok(!algs.includes('none'), 'never an unsigned assertion');
      for (const alg of algs) {
        const hmac = alg.startsWith('HS');
        const clientId = hmac ? HMAC.id : KEYED_ID;
        const key = hmac ? new TextEncoder().encode(HMAC.secret) : assertionKeys.get(alg);
        assert.ok(key, `a key for ${alg}`);
        const assertion = await clientAssertion(clientId, key, alg, hmac ? undefined : alg);
        const response = await postForm(tokenEndpoint, {
          grant_type: 'client_credentials',
          client_id: clientId,
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: assertion,
        });
        assert.equal(response.status, 200, `${alg}: ${JSON.stringify(response.body)}`);
        // The same assertion again is a replay (RFC 7523 §3 item 7).
        const replay = await postForm(tokenEndpoint, {
          grant_type: 'client_credentials',
          client_id: clientId,
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: assertion,
        });
        assert.equal(replay.body['error'], 'invalid_client', `${alg}: a replayed assertion is refused`);
      }
      const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({
          iss: KEYED_ID,
          sub: KEYED_ID,
          aud: tokenEndpoint,
          jti: random('jti'),
          exp: Math.floor(Date.now() / 1000) + 60,
        }),
      ).toString('base64url')}.`;
      const none = await postForm(tokenEndpoint, {
        grant_type: 'client_credentials',
        client_id: KEYED_ID,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: unsigned,
      });
      assert.equal(none.body['error'], 'invalid_client', 'an alg:none assertion is refused');

      // none: a public client, with PKCE.
      const { verifier, challenge } = pkcePair();
      const params = expectSuccess(
        await authorize(op, jar, {
          client_id: PUBLIC_ID,
          redirect_uri: REDIRECT_URI,
          response_type: 'code',
          scope: 'openid',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      );
      const redeemed = await postForm(tokenEndpoint, {
        grant_type: 'authorization_code',
        code: String(params['code']),
        redirect_uri: REDIRECT_URI,
        client_id: PUBLIC_ID,
        code_verifier: verifier,
      });
      assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
      await verifyIdToken(op, String(redeemed.body['id_token']), PUBLIC_ID);
    },
    { timeout: 60_000 },
  );

  module(
    'sesame-discovery-true-to-behaviour-pkce',
    'code_challenge_methods_supported: S256 binds the code; plain, not advertised, is refused',
    async () => {
      assert.deepEqual(list('code_challenge_methods_supported'), ['S256']);
      const { verifier, challenge } = pkcePair();
      const request = {
        client_id: BASIC_CLIENT.id,
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: 'openid',
      };
      const good = expectSuccess(
        await authorize(op, jar, { ...request, code_challenge: challenge, code_challenge_method: 'S256' }),
      );
      const redeemed = await redeemCode(op, BASIC_CLIENT, String(good['code']), REDIRECT_URI, {
        code_verifier: verifier,
      });
      assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));

      const bound = expectSuccess(
        await authorize(op, jar, { ...request, code_challenge: challenge, code_challenge_method: 'S256' }),
      );
      const wrong = await redeemCode(op, BASIC_CLIENT, String(bound['code']), REDIRECT_URI, {
        code_verifier: pkcePair().verifier,
      });
      assert.equal(wrong.body['error'], 'invalid_grant', 'a wrong code_verifier is refused');

      const plain = await authorize(op, jar, {
        ...request,
        code_challenge: verifier,
        code_challenge_method: 'plain',
      });
      assert.equal(plain.params['code'], undefined, 'no code for code_challenge_method=plain');
      assert.equal(plain.params['error'] ?? (plain.page.status >= 400 ? 'page' : ''), 'invalid_request');
    },
  );

  module(
    'sesame-discovery-true-to-behaviour-request-parameters',
    'claims and request parameters are honoured as advertised; request_uri, advertised false, is refused',
    async () => {
      assert.equal(op.discovery['claims_parameter_supported'], true);
      assert.equal(op.discovery['request_parameter_supported'], true);
      assert.equal(op.discovery['request_uri_parameter_supported'], false);
      const base = { client_id: REQUESTER.id, redirect_uri: REDIRECT_URI, response_type: 'code' };

      // claims: an ID token claim asked for by name is in the ID token.
      const claimsParams = expectSuccess(
        await authorize(op, jar, {
          ...base,
          // Sesame releases a requested claim only under a granted scope that covers it; without
          // the claims parameter a code-flow ID token carries no email.
          scope: 'openid email',
          claims: JSON.stringify({ id_token: { email: { essential: true } } }),
        }),
      );
      const claimsTokens = await redeemCode(op, REQUESTER, String(claimsParams['code']));
      assert.equal(claimsTokens.status, 200, JSON.stringify(claimsTokens.body));
      const claimsIdToken = await verifyIdToken(op, String(claimsTokens.body['id_token']), REQUESTER.id);
      assert.equal(claimsIdToken['email'], 'conformance@example.org', 'the claims parameter was honoured');

      // request: a signed request object's values prevail (OIDC Core §6.1).
      const state = random('state');
      const nonce = random('nonce');
      const alg = list('request_object_signing_alg_values_supported').includes('RS256') ? 'RS256' : '';
      const requestObject = await new SignJWT({ ...base, scope: 'openid', state, nonce })
        .setProtectedHeader({ alg, kid: 'request-1' })
        .setIssuer(REQUESTER.id)
        .setAudience(op.issuer)
        .setIssuedAt()
        .setExpirationTime('60s')
        .sign(requestObjectKey);
      const fromObject = expectSuccess(
        await authorize(op, jar, { ...base, scope: 'openid', state: 'outer', request: requestObject }),
      );
      assert.equal(fromObject['state'], state, "the request object's state prevails");
      const objectTokens = await redeemCode(op, REQUESTER, String(fromObject['code']));
      assert.equal(objectTokens.status, 200, JSON.stringify(objectTokens.body));
      await verifyIdToken(op, String(objectTokens.body['id_token']), REQUESTER.id, nonce);

      // request_uri: not supported, and said so (OIDC Core §6.2, §3.1.2.6).
      const byReference = await authorize(op, jar, {
        ...base,
        scope: 'openid',
        state: random('state'),
        request_uri: 'https://rp.example.net/request.jwt',
      });
      assert.equal(byReference.params['code'], undefined, 'no code for a request_uri');
      assert.equal(byReference.params['error'], 'request_uri_not_supported');
    },
  );

  module(
    'sesame-discovery-true-to-behaviour-jwks',
    "the JWKS names each key's kid, use and alg, and the ID tokens are signed by one of them as advertised",
    async () => {
      const jwks = (await (await fetch(op.endpoint('jwks_uri'))).json()) as { keys: JWK[] };
      const algs = list('id_token_signing_alg_values_supported');
      const kids = new Set<string>();
      for (const key of jwks.keys) {
        assert.equal(typeof key.kid, 'string', 'every key has a kid');
        assert.ok(!kids.has(String(key.kid)), `kid ${key.kid} is unique`);
        kids.add(String(key.kid));
        assert.equal(key.use, 'sig', `key ${key.kid} is for signatures`);
        // `alg` is optional (RFC 7517 §4.4); Sesame leaves it out of RSA keys, which serve RS256
        // and PS256 alike (src/tokens/jwks.ts). Where given, it must be one the key can make.
        if (key.alg !== undefined) assert.equal(ktyOf(key.alg), key.kty, `key ${key.kid}: alg ${key.alg}`);
      }
      for (const alg of algs.filter((a) => a !== 'none'))
        assert.ok(
          jwks.keys.some((key) => key.kty === ktyOf(alg) && (key.alg === undefined || key.alg === alg)),
          `a key for the advertised ID token algorithm ${alg}`,
        );
      const { tokens } = await codeFlow(op, BASIC_CLIENT, {}, jar);
      const header = decodeProtectedHeader(String(tokens['id_token']));
      assert.ok(algs.includes(String(header.alg)), `the ID token's alg ${header.alg} is advertised`);
      const key = jwks.keys.find((k) => k.kid === header.kid);
      assert.ok(key, `the ID token's kid ${header.kid} is in the JWKS`);
      assert.equal(key.kty, ktyOf(String(header.alg)), "the key's type makes the ID token's alg");
      if (key.alg !== undefined) assert.equal(key.alg, header.alg, "the key's alg is the ID token's");
    },
  );

  module(
    'sesame-discovery-true-to-behaviour-endpoints',
    'userinfo, introspection, revocation, PAR and end_session answer as advertised',
    async () => {
      const { tokens } = await codeFlow(op, BASIC_CLIENT, { scope: 'openid email' }, jar);
      const accessToken = String(tokens['access_token']);
      const info = await userinfo(op, accessToken);
      assert.equal(info.status, 200, JSON.stringify(info.body));
      assert.equal(info.body['email'], 'conformance@example.org');

      // introspection (RFC 7662): authenticated callers only, as advertised.
      const introspection = op.endpoint('introspection_endpoint');
      assert.ok(!list('introspection_endpoint_auth_methods_supported').includes('none'));
      const active = await postForm(introspection, { token: accessToken }, BASIC_CLIENT);
      assert.equal(active.status, 200, JSON.stringify(active.body));
      assert.equal(active.body['active'], true);
      const anonymous = await postForm(introspection, { token: accessToken });
      // RFC 6749 §5.2: 401 is required only when the client tried the Authorization header.
      assert.ok(
        [400, 401].includes(anonymous.status),
        `anonymous introspection refused: ${anonymous.status}`,
      );
      assert.equal(anonymous.body['active'], undefined, 'nothing about the token to an anonymous caller');
      assert.ok(['invalid_client', 'invalid_request'].includes(String(anonymous.body['error'])));

      // revocation (RFC 7009): the token is no longer active afterwards.
      const revoked = await postForm(
        op.endpoint('revocation_endpoint'),
        { token: accessToken },
        BASIC_CLIENT,
      );
      assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
      const inactive = await postForm(introspection, { token: accessToken }, BASIC_CLIENT);
      assert.equal(inactive.body['active'], false, 'revoked');
      assert.equal((await userinfo(op, accessToken)).status, 401, 'userinfo refuses the revoked token');

      // PAR (RFC 9126): the request_uri it returns stands for the pushed request.
      assert.equal(op.discovery['require_pushed_authorization_requests'], false);
      const state = random('state');
      const pushed = await postForm(
        op.endpoint('pushed_authorization_request_endpoint'),
        {
          client_id: BASIC_CLIENT.id,
          redirect_uri: REDIRECT_URI,
          response_type: 'code',
          scope: 'openid',
          state,
        },
        BASIC_CLIENT,
      );
      assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
      assert.match(String(pushed.body['request_uri']), /^urn:ietf:params:oauth:request_uri:/);
      assert.equal(typeof pushed.body['expires_in'], 'number');
      const viaPar = expectSuccess(
        await authorize(op, jar, {
          client_id: BASIC_CLIENT.id,
          request_uri: String(pushed.body['request_uri']),
        }),
      );
      assert.equal(viaPar['state'], state, 'the pushed parameters were used');
      assert.equal((await redeemCode(op, BASIC_CLIENT, String(viaPar['code']))).status, 200);

      // end_session (RP-Initiated Logout §2): answers without parameters, with a page.
      const endSession = await fetch(op.endpoint('end_session_endpoint'), { redirect: 'manual' });
      assert.equal(endSession.status, 200);
      assert.match(endSession.headers.get('content-type') ?? '', /^text\/html/);

      // backchannel logout is exercised by test/conformance/backchannel-logout.test.ts.
      assert.equal(op.discovery['backchannel_logout_supported'], true);
      // check_session_iframe (Session Management §3.3), when advertised, is served.
      if (op.discovery['check_session_iframe'] !== undefined) {
        const iframe = await fetch(op.endpoint('check_session_iframe'));
        assert.equal(iframe.status, 200);
        assert.match(iframe.headers.get('content-type') ?? '', /^text\/html/);
      }
    },
  );

  module(
    'sesame-discovery-true-to-behaviour-registration',
    'registration_endpoint is advertised, and answers, exactly when dynamic registration is allowed',
    async () => {
      const path = new URL('/konnect/v1/register', op.issuer).toString();
      const metadata = JSON.stringify({ redirect_uris: [REDIRECT_URI], client_name: 'Registered' });
      const headers = { 'content-type': 'application/json' };
      const refused = await fetch(path, { method: 'POST', headers, body: metadata });
      assert.ok(refused.status >= 400, `no registration while not allowed: ${refused.status}`);
      assert.equal(op.discovery['registration_endpoint'], undefined);

      const open = await startConformanceOp({ config: 'allow_dynamic_client_registration: true' });
      try {
        const endpoint = open.endpoint('registration_endpoint');
        const registered = await fetch(endpoint, { method: 'POST', headers, body: metadata });
        const body = (await registered.json()) as Record<string, unknown>;
        assert.equal(registered.status, 201, JSON.stringify(body));
        assert.equal(typeof body['client_id'], 'string');
        const client: TestClient = { id: String(body['client_id']), secret: String(body['client_secret']) };
        const { idToken } = await codeFlow(open, client);
        assert.equal(idToken.aud, client.id, 'the registered client signs users in');
      } finally {
        await open.stop();
      }
    },
    { timeout: 60_000 },
  );
});
