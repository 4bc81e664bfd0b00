import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { hashToken } from '../../lib/ids.js';
import { ecKeyPair, ISSUER } from '../authorize/test-parties.js';
import { paths } from '../paths.js';
import { BODY_LIMIT } from '../../http/server.js';
import {
  HTTPS_REDIRECT,
  startRegistrationServer,
  WEB_METADATA,
  type RegistrationServer,
} from './test-fixture.js';

const KEY = ecKeyPair('rp-key-1');

describe('dynamic client registration (RFC 7591)', () => {
  let server: RegistrationServer;
  before(async () => {
    server = await startRegistrationServer();
  });
  after(() => server.close());

  it('registers a confidential web client and shows its secret and registration token once', async () => {
    const answer = await server.register(WEB_METADATA);
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.headers['cache-control'], 'no-store');
    const body = answer.json!;
    const clientId = String(body['client_id']);
    assert.match(clientId, /^dyn-[A-Za-z0-9_-]{22}$/);
    assert.match(String(body['client_secret']), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(body['client_secret_expires_at'], 0);
    assert.equal(body['client_id_issued_at'], Math.floor(server.fx.clock.now() / 1000));
    assert.match(String(body['registration_access_token']), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(body['registration_client_uri'], `${ISSUER}/konnect/v1/register/${clientId}`);
    assert.deepEqual(body['redirect_uris'], [HTTPS_REDIRECT]);
    assert.equal(body['client_name'], 'Example RP');
    assert.equal(body['token_endpoint_auth_method'], 'client_secret_basic');
    assert.equal(body['application_type'], 'web');
    assert.deepEqual(body['response_types'], ['code']);
    assert.deepEqual(body['grant_types'], ['authorization_code']);

    const stored = await server.fx.storage.dynamicClients.get(clientId);
    assert.ok(stored);
    assert.equal(stored.secretHash, hashToken(String(body['client_secret'])));
    assert.equal(stored.registrationTokenHash, hashToken(String(body['registration_access_token'])));
    const everything = JSON.stringify(stored);
    assert.ok(!everything.includes(String(body['client_secret'])), 'the secret is stored only hashed');
    assert.ok(
      !everything.includes(String(body['registration_access_token'])),
      'the token is stored only hashed',
    );
  });

  it('serves a registered client at once, never trusted, without origins, and with its secret only as a hash', async () => {
    const body = (await server.register(WEB_METADATA)).json!;
    const client = server.deps.clients.get(String(body['client_id']));
    assert.ok(client);
    assert.equal(client.trusted, false);
    assert.deepEqual(client.trustedScopes, []);
    assert.equal(client.insecure, false);
    assert.deepEqual(client.origins, []);
    assert.equal(client.secret, null);
    assert.equal(client.secretHash, hashToken(String(body['client_secret'])));
    assert.equal(client.name, 'Example RP');
    assert.ok(server.deps.clients.all().includes(client));
  });

  it('registers a public client without a secret', async () => {
    const answer = await server.register({ ...WEB_METADATA, token_endpoint_auth_method: 'none' });
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.json!['client_secret'], undefined);
    assert.equal(answer.json!['client_secret_expires_at'], undefined);
    const stored = await server.fx.storage.dynamicClients.get(String(answer.json!['client_id']));
    assert.equal(stored?.secretHash, null);
    assert.equal(server.deps.clients.get(String(answer.json!['client_id']))?.secretHash, null);
  });

  it('registers a client for unsigned ID tokens (OIDC Registration §2 none)', async () => {
    const answer = await server.register({ ...WEB_METADATA, id_token_signed_response_alg: 'none' });
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.json!['id_token_signed_response_alg'], 'none');
    const client = server.deps.clients.get(String(answer.json!['client_id']));
    assert.equal(client?.idTokenSignedResponseAlg, 'none');
  });

  it('registers every supported field and returns what it registered', async () => {
    const metadata = {
      redirect_uris: [HTTPS_REDIRECT, 'https://rp.example.org/other?x=1'],
      response_types: ['code', 'token id_token'],
      grant_types: ['authorization_code', 'implicit', 'refresh_token'],
      application_type: 'web',
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      client_name: 'Everything RP',
      client_uri: 'https://rp.example.org/',
      contacts: ['ops@rp.example.org'],
      post_logout_redirect_uris: ['https://rp.example.org/bye'],
      backchannel_logout_uri: 'https://rp.example.org/backchannel',
      backchannel_logout_session_required: true,
      require_pushed_authorization_requests: true,
      id_token_signed_response_alg: 'ES256',
      userinfo_signed_response_alg: 'ES256',
      request_object_signing_alg: 'ES256',
      jwks: { keys: [KEY.publicJwk] },
    };
    const answer = await server.register(metadata);
    assert.equal(answer.status, 201, answer.text);
    const clientId = answer.json!['client_id'];
    const shown = Object.fromEntries(
      Object.entries(answer.json!).filter(
        ([name]) =>
          ![
            'client_id',
            'client_id_issued_at',
            'registration_access_token',
            'registration_client_uri',
          ].includes(name),
      ),
    );
    assert.deepEqual(
      shown,
      // `token id_token` is written in the usual order; no secret for private_key_jwt.
      { ...metadata, response_types: ['code', 'id_token token'] },
    );
    const client = server.deps.clients.get(String(clientId));
    assert.ok(client);
    assert.equal(client.tokenEndpointAuthMethod, 'private_key_jwt');
    assert.deepEqual(client.grantTypes, ['authorization_code', 'implicit', 'refresh_token']);
    assert.deepEqual(client.jwks, { keys: [KEY.publicJwk] });
    assert.equal(client.requestObjectSigningAlg, 'ES256');
    assert.equal(client.idTokenSignedResponseAlg, 'ES256');
    assert.equal(client.userinfoSignedResponseAlg, 'ES256');
    assert.equal(client.backchannelLogoutUri, 'https://rp.example.org/backchannel');
    assert.equal(client.backchannelLogoutSessionRequired, true);
    assert.equal(client.requirePushedAuthorizationRequests, true);
    assert.deepEqual(client.postLogoutRedirectUris, ['https://rp.example.org/bye']);
    assert.equal(client.uri, 'https://rp.example.org/');
    assert.equal(client.secretHash, null);
  });

  it('ignores metadata it does not act on, scope included', async () => {
    const answer = await server.register({
      ...WEB_METADATA,
      scope: 'openid admin',
      logo_uri: 'https://rp.example.org/logo.png',
      default_max_age: 60,
    });
    assert.equal(answer.status, 201, answer.text);
    for (const name of ['scope', 'logo_uri', 'default_max_age'])
      assert.equal(answer.json![name], undefined, name);
  });

  it('registers a native app with a loopback http redirect URI', async () => {
    const answer = await server.register({
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/callback', 'com.example.app:/oauth2'],
      token_endpoint_auth_method: 'none',
    });
    assert.equal(answer.status, 201, answer.text);
  });

  it('registers a client_credentials client without redirect URIs', async () => {
    const answer = await server.register({ grant_types: ['client_credentials'] });
    assert.equal(answer.status, 201, answer.text);
    assert.deepEqual(answer.json!['response_types'], []);
    assert.deepEqual(answer.json!['redirect_uris'], []);
  });

  it('derives grant_types from response_types when they are left out', async () => {
    const answer = await server.register({ ...WEB_METADATA, response_types: ['code id_token'] });
    assert.equal(answer.status, 201, answer.text);
    assert.deepEqual(answer.json!['grant_types'], ['authorization_code', 'implicit']);
  });

  it('accepts a charset in the content type', async () => {
    const answer = await server.call('POST', paths.registration, {
      body: JSON.stringify(WEB_METADATA),
      contentType: 'application/json; charset=utf-8',
    });
    assert.equal(answer.status, 201, answer.text);
  });
});

describe('dynamic client registration refuses bad metadata', () => {
  let server: RegistrationServer;
  before(async () => {
    server = await startRegistrationServer();
  });
  after(() => server.close());

  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
  const secondKey = ecKeyPair('rp-key-2');
  const withoutKid = (jwk: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(jwk).filter(([k]) => k !== 'kid'));

  const cases: readonly (readonly [string, unknown, string, RegExp])[] = [
    // redirect_uris: the registration file's rules, for a client that is never insecure
    ['no redirect_uris', { client_name: 'x' }, 'invalid_redirect_uri', /redirect_uris is required/],
    ['empty redirect_uris', { redirect_uris: [] }, 'invalid_redirect_uri', /redirect_uris is required/],
    [
      'redirect_uris not a list',
      { redirect_uris: HTTPS_REDIRECT },
      'invalid_redirect_uri',
      /array of strings/,
    ],
    [
      'http for a web client',
      { redirect_uris: ['http://rp.example.org/cb'] },
      'invalid_redirect_uri',
      /must use https for a web client/,
    ],
    [
      'loopback http for a web client',
      { redirect_uris: ['http://127.0.0.1/cb'] },
      'invalid_redirect_uri',
      /loopback host for a web client/,
    ],
    [
      'https for a native client',
      { application_type: 'native', redirect_uris: [HTTPS_REDIRECT] },
      'invalid_redirect_uri',
      /must not use https for a native client/,
    ],
    [
      'http elsewhere for a native client',
      { application_type: 'native', redirect_uris: ['http://rp.example.org/cb'] },
      'invalid_redirect_uri',
      /loopback host/,
    ],
    ['a fragment', { redirect_uris: [`${HTTPS_REDIRECT}#x`] }, 'invalid_redirect_uri', /fragment/],
    [
      'a javascript: URI',
      { redirect_uris: ['javascript:alert(1)'] },
      'invalid_redirect_uri',
      /javascript: scheme/,
    ],
    ['a relative URI', { redirect_uris: ['/callback'] }, 'invalid_redirect_uri', /not an absolute URI/],
    [
      'a non-ASCII URI',
      { redirect_uris: ['https://rp.example.org/café'] },
      'invalid_redirect_uri',
      /printable ASCII/,
    ],
    [
      'user information',
      { redirect_uris: ['https://me:pw@rp.example.org/cb'] },
      'invalid_redirect_uri',
      /user information/,
    ],
    [
      "one of Sesame's own endpoints",
      { redirect_uris: [`${ISSUER}/signin/v1/identifier/_/authorize`] },
      'invalid_redirect_uri',
      /Sesame's own endpoints/,
    ],
    // the shape of the request
    ['a JSON array', [WEB_METADATA], 'invalid_client_metadata', /JSON object/],
    ['a JSON string', 'hello', 'invalid_client_metadata', /JSON object/],
    // application_type, token_endpoint_auth_method, keys
    [
      'an unknown application_type',
      { ...WEB_METADATA, application_type: 'desktop' },
      'invalid_client_metadata',
      /application_type must be web or native/,
    ],
    [
      'client_secret_jwt',
      { ...WEB_METADATA, token_endpoint_auth_method: 'client_secret_jwt' },
      'invalid_client_metadata',
      /keeps only a hash of their secret/,
    ],
    [
      'an unknown auth method',
      { ...WEB_METADATA, token_endpoint_auth_method: 'tls_client_auth' },
      'invalid_client_metadata',
      /"tls_client_auth" is not supported/,
    ],
    [
      'private_key_jwt without jwks',
      { ...WEB_METADATA, token_endpoint_auth_method: 'private_key_jwt' },
      'invalid_client_metadata',
      /private_key_jwt needs/,
    ],
    [
      'jwks_uri',
      { ...WEB_METADATA, jwks_uri: 'https://rp.example.org/jwks' },
      'invalid_client_metadata',
      /jwks_uri is not supported.*by value in jwks/,
    ],
    [
      'a private key in jwks',
      { ...WEB_METADATA, jwks: { keys: [KEY.privateJwk] } },
      'invalid_client_metadata',
      /private key material \("d"\)/,
    ],
    [
      'a symmetric key in jwks',
      { ...WEB_METADATA, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } },
      'invalid_client_metadata',
      /kty must be RSA, EC or OKP/,
    ],
    [
      'jwks that is not a JWK set',
      { ...WEB_METADATA, jwks: [KEY.publicJwk] },
      'invalid_client_metadata',
      /JWK set/,
    ],
    [
      'an empty JWK set',
      { ...WEB_METADATA, jwks: { keys: [] } },
      'invalid_client_metadata',
      /non-empty "keys"/,
    ],
    [
      'a short RSA key',
      { ...WEB_METADATA, jwks: { keys: [rsa1024] } },
      'invalid_client_metadata',
      /fewer than 2048 bits/,
    ],
    [
      'a broken key',
      { ...WEB_METADATA, jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AAAA' }] } },
      'invalid_client_metadata',
      /not a valid EC public key/,
    ],
    [
      'an encryption key',
      { ...WEB_METADATA, jwks: { keys: [{ ...KEY.publicJwk, use: 'enc' }] } },
      'invalid_client_metadata',
      /use must be "sig"/,
    ],
    [
      'several keys without kid',
      { ...WEB_METADATA, jwks: { keys: [withoutKid(KEY.publicJwk), withoutKid(secondKey.publicJwk)] } },
      'invalid_client_metadata',
      /needs a kid/,
    ],
    [
      'two keys with one kid',
      { ...WEB_METADATA, jwks: { keys: [KEY.publicJwk, { ...secondKey.publicJwk, kid: 'rp-key-1' }] } },
      'invalid_client_metadata',
      /two keys with kid "rp-key-1"/,
    ],
    // response_types and grant_types
    [
      'token alone',
      { ...WEB_METADATA, response_types: ['token'] },
      'invalid_client_metadata',
      /"token" is not supported/,
    ],
    [
      'an unknown response type',
      { ...WEB_METADATA, response_types: ['code none'] },
      'invalid_client_metadata',
      /"code none" is not supported/,
    ],
    [
      'code without authorization_code',
      { ...WEB_METADATA, response_types: ['code'], grant_types: ['implicit'] },
      'invalid_client_metadata',
      /needs grant_types to include "authorization_code"/,
    ],
    [
      'implicit without a response type for it',
      { ...WEB_METADATA, response_types: ['code'], grant_types: ['authorization_code', 'implicit'] },
      'invalid_client_metadata',
      /"implicit" needs a response type/,
    ],
    [
      'an unknown grant type',
      { ...WEB_METADATA, grant_types: ['password'] },
      'invalid_client_metadata',
      /"password" is not supported/,
    ],
    [
      'no grant type at all',
      { ...WEB_METADATA, response_types: [] },
      'invalid_client_metadata',
      /at least one grant type/,
    ],
    [
      'client_credentials for a public client',
      { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' },
      'invalid_client_metadata',
      /client_credentials" needs a client that authenticates/,
    ],
    // names, contacts, other URIs
    [
      'a name of 201 characters',
      { ...WEB_METADATA, client_name: 'n'.repeat(201) },
      'invalid_client_metadata',
      /client_name is longer than 200/,
    ],
    [
      'a name with a line break',
      { ...WEB_METADATA, client_name: 'Bank\nof Evil' },
      'invalid_client_metadata',
      /control characters/,
    ],
    [
      'a name that is a number',
      { ...WEB_METADATA, client_name: 7 },
      'invalid_client_metadata',
      /client_name must be a string/,
    ],
    [
      'an empty name',
      { ...WEB_METADATA, client_name: '' },
      'invalid_client_metadata',
      /client_name must not be empty/,
    ],
    [
      'contacts that are not strings',
      { ...WEB_METADATA, contacts: [{ email: 'a@b' }] },
      'invalid_client_metadata',
      /contacts must be an array of strings/,
    ],
    [
      'a client_uri that is not a web page',
      { ...WEB_METADATA, client_uri: 'javascript:alert(1)' },
      'invalid_client_metadata',
      /client_uri: .* must be an http or https URL/,
    ],
    [
      'an http post-logout redirect URI',
      { ...WEB_METADATA, post_logout_redirect_uris: ['http://rp.example.org/bye'] },
      'invalid_client_metadata',
      /post_logout_redirect_uris: .* must use https/,
    ],
    [
      'an http back-channel logout URI',
      { ...WEB_METADATA, backchannel_logout_uri: 'http://rp.example.org/bc' },
      'invalid_client_metadata',
      /backchannel_logout_uri: .* must use https/,
    ],
    [
      'a back-channel logout URI on a private address',
      { ...WEB_METADATA, backchannel_logout_uri: 'https://10.1.2.3/bc' },
      'invalid_client_metadata',
      /loopback, private or link-local/,
    ],
    [
      'a back-channel logout URI on localhost',
      { ...WEB_METADATA, backchannel_logout_uri: 'https://localhost/bc' },
      'invalid_client_metadata',
      /loopback, private or link-local/,
    ],
    [
      'a back-channel logout URI on an IPv6 loopback',
      { ...WEB_METADATA, backchannel_logout_uri: 'https://[::1]:8443/bc' },
      'invalid_client_metadata',
      /loopback, private or link-local/,
    ],
    [
      'a back-channel logout URI with a fragment',
      { ...WEB_METADATA, backchannel_logout_uri: 'https://rp.example.org/bc#x' },
      'invalid_client_metadata',
      /fragment/,
    ],
    [
      'backchannel_logout_session_required as a string',
      { ...WEB_METADATA, backchannel_logout_session_required: 'yes' },
      'invalid_client_metadata',
      /must be true or false/,
    ],
    [
      'require_pushed_authorization_requests as a number',
      { ...WEB_METADATA, require_pushed_authorization_requests: 1 },
      'invalid_client_metadata',
      /must be true or false/,
    ],
    // algorithms
    [
      'unsigned userinfo responses',
      { ...WEB_METADATA, userinfo_signed_response_alg: 'none' },
      'invalid_client_metadata',
      /userinfo_signed_response_alg "none" is not supported: Sesame always signs/,
    ],
    [
      'an ID token algorithm the key cannot make',
      { ...WEB_METADATA, id_token_signed_response_alg: 'RS256' },
      'invalid_client_metadata',
      /"RS256" is not supported here; use one of ES256/,
    ],
    [
      'a userinfo MAC',
      { ...WEB_METADATA, userinfo_signed_response_alg: 'HS256' },
      'invalid_client_metadata',
      /userinfo_signed_response_alg "HS256"/,
    ],
    [
      'a request object MAC',
      { ...WEB_METADATA, request_object_signing_alg: 'HS256' },
      'invalid_client_metadata',
      /request_object_signing_alg "HS256" is not supported/,
    ],
    [
      'signed request objects without keys',
      { ...WEB_METADATA, request_object_signing_alg: 'ES256' },
      'invalid_client_metadata',
      /needs the keys/,
    ],
    [
      'a MAC for private_key_jwt',
      {
        ...WEB_METADATA,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [KEY.publicJwk] },
        token_endpoint_auth_signing_alg: 'HS256',
      },
      'invalid_client_metadata',
      /token_endpoint_auth_signing_alg "HS256"/,
    ],
    // what Sesame does not do
    [
      'pairwise subjects',
      { ...WEB_METADATA, subject_type: 'pairwise' },
      'invalid_client_metadata',
      /public subjects only/,
    ],
    [
      'encrypted ID tokens',
      { ...WEB_METADATA, id_token_encrypted_response_alg: 'RSA-OAEP' },
      'invalid_client_metadata',
      /does not encrypt/,
    ],
    [
      'a software statement',
      { ...WEB_METADATA, software_statement: 'eyJhbGciOiJub25lIn0.e30.' },
      'unapproved_software_statement',
      /software statements are not accepted/,
    ],
  ];

  for (const [name, metadata, error, description] of cases) {
    it(`refuses ${name} with ${error}`, async () => {
      const answer = await server.register(metadata);
      assert.equal(answer.status, 400, answer.text);
      assert.equal(answer.json?.['error'], error);
      assert.match(String(answer.json?.['error_description']), description);
      assert.equal(answer.headers['cache-control'], 'no-store');
    });
  }

  it('stores nothing for a refused registration', async () => {
    const before = (await server.fx.storage.dynamicClients.list()).length;
    await server.register({ redirect_uris: ['http://rp.example.org/cb'] });
    assert.equal((await server.fx.storage.dynamicClients.list()).length, before);
  });

  it('refuses a form body with invalid_request', async () => {
    const answer = await server.call('POST', paths.registration, {
      body: 'redirect_uris=https%3A%2F%2Frp.example.org%2Fcb',
      contentType: 'application/x-www-form-urlencoded',
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.json?.['error'], 'invalid_request');
    assert.match(String(answer.json?.['error_description']), /Content-Type: application\/json/);
  });

  it('refuses a body that is not JSON with invalid_request', async () => {
    const answer = await server.call('POST', paths.registration, {
      body: '{"redirect_uris":',
      contentType: 'application/json',
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.json?.['error'], 'invalid_request');
    assert.match(String(answer.json?.['error_description']), /not valid JSON/);
  });

  it('answers 413 for a JSON body over the body limit', async () => {
    const answer = await server.call('POST', paths.registration, {
      json: { ...WEB_METADATA, padding: 'x'.repeat(BODY_LIMIT) },
    });
    assert.equal(answer.status, 413);
    assert.equal(answer.json?.['error'], 'invalid_request');
  });
});

describe('the JSON body parser', () => {
  let server: RegistrationServer;
  before(async () => {
    // Under Konnect compatibility the token endpoint reads its parameters from the query of a
    // POST without a body (Rocket.Chat): a JSON body must still count as no body there.
    server = await startRegistrationServer({ compat: true });
  });
  after(() => server.close());

  it('still ignores a JSON body on the other endpoints', async () => {
    const query = new URLSearchParams({
      grant_type: 'authorization_code',
      code: 'no-such-code',
      redirect_uri: 'https://rp.example.com/callback',
      client_id: 'web-app',
      client_secret: 'web-secret',
    });
    const url = `${paths.token}?${query}`;
    const json = await server.call('POST', url, { json: { grant_type: 'client_credentials' } });
    const text = await server.call('POST', url, { body: 'ignored', contentType: 'text/plain' });
    assert.equal(text.json?.['error'], 'invalid_grant', 'the parameters came from the query');
    assert.equal(json.status, text.status);
    assert.deepEqual(json.json, text.json);
  });
});

describe('dynamic client registration switched off', () => {
  let server: RegistrationServer;
  before(async () => {
    server = await startRegistrationServer({ enabled: false });
  });
  after(() => server.close());

  it('does not exist: 404 for registration and for client configuration', async () => {
    const register = await server.register(WEB_METADATA);
    assert.equal(register.status, 404);
    assert.equal(register.json?.['error'], 'not_found');
    const read = await server.call('GET', `${paths.registration}/dyn-0000000000000000000000`, { token: 'x' });
    assert.equal(read.status, 404);
    assert.equal((await server.fx.storage.dynamicClients.list()).length, 0);
  });
});

describe('the limit on dynamically registered clients', () => {
  it('refuses a registration beyond it with 503, and accepts one again after a deletion', async () => {
    const server = await startRegistrationServer({ maxClients: 1 });
    try {
      const first = await server.register(WEB_METADATA);
      assert.equal(first.status, 201);
      const second = await server.register(WEB_METADATA);
      assert.equal(second.status, 503);
      assert.equal(second.json?.['error'], 'temporarily_unavailable');
      const uri = new URL(String(first.json!['registration_client_uri'])).pathname;
      const deleted = await server.call('DELETE', uri, {
        token: String(first.json!['registration_access_token']),
      });
      assert.equal(deleted.status, 204);
      assert.equal((await server.register(WEB_METADATA)).status, 201);
    } finally {
      await server.close();
    }
  });
});
