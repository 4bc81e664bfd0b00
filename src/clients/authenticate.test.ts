import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import type { CompatRelaxations } from '../config/types.js';
import { hashToken } from '../lib/ids.js';
import { OAuthError } from '../oauth/errors.js';
import {
  claimedClientId,
  JWT_BEARER_ASSERTION_TYPE,
  verifyClientAssertion,
} from '../tokens/client-assertion.js';
import {
  authenticateClient,
  type ClientAssertionVerifier,
  type ClientCredentialsInput,
} from './authenticate.js';
import { ClientRegistry } from './registry.js';
import type { Client } from './types.js';
import { testClient } from './test-client.js';

const ISSUER = 'https://sso.example.com';
const NOW = Date.UTC(2026, 0, 1);
const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const publicJwk = { ...(await exportJWK(signingKey)), use: 'sig' };

function client(id: string, secret: string | null, extra: Partial<Client> = {}): Client {
  return testClient({ id, secret, redirectUris: ['https://rp.example/cb'], ...extra });
}

const lookup = ClientRegistry.fromClients([
  client('confidential', 's3cret'),
  client('public', null),
  client('odd id:+&', 'pa ss:wörd+%'),
  client('keyed', null, { jwks: { keys: [publicJwk] } }),
  client('keyed-only', 'unused-secret', {
    jwks: { keys: [publicJwk] },
    tokenEndpointAuthMethod: 'private_key_jwt',
  }),
  client('keyless-enforced', null, {
    jwks: { keys: [publicJwk] },
    tokenEndpointAuthMethod: 'private_key_jwt',
  }),
  client('hmac-only', 'hmac-secret-0123456789', {
    jwks: { keys: [publicJwk] },
    tokenEndpointAuthMethod: 'client_secret_jwt',
  }),
  client('basic-registered', 'b4sic', { tokenEndpointAuthMethod: 'client_secret_basic' }),
  client('dynamic', null, { secretHash: hashToken('dyn-s3cret') }),
  client('dynamic-public', null, { secretHash: null }),
]);
const strict: CompatRelaxations = {
  anySecretForSecretlessClients: false,
  redirectUriIgnoresQuery: false,
  implicitTrustOnIssuerHost: false,
  lenientTokenRequests: false,
  trustedClientsGetAllScopes: false,
};
const konnect: CompatRelaxations = { ...strict, anySecretForSecretlessClients: true };

/** The real assertion check of tokens/, with the issuer as the only audience (no replay store). */
const assertions: ClientAssertionVerifier = {
  claimedClientId,
  async verify(assertion, c, required) {
    return (await verifyClientAssertion(assertion, c, { audiences: [ISSUER], now: NOW, method: required }))
      .method;
  },
};

function auth(credentials: ClientCredentialsInput, compat: CompatRelaxations = strict) {
  return authenticateClient(lookup, credentials, compat, assertions);
}

/** An assertion as a client would make it (RFC 7523 §3), signed with the registered key or an HMAC secret. */
function assertionOf(
  clientId: string,
  hmacSecret?: string,
  claims: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(NOW / 1000);
  const jwt = new SignJWT({ jti: `jti-${Math.random()}`, ...claims })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + 60);
  return hmacSecret === undefined
    ? jwt.setProtectedHeader({ alg: 'ES256' }).sign(signingKey)
    : jwt.setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(hmacSecret));
}

function withAssertion(assertion: string, extra: Partial<ClientCredentialsInput> = {}) {
  return { clientAssertionType: JWT_BEARER_ASSERTION_TYPE, clientAssertion: assertion, ...extra };
}

const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function input(partial: Partial<ClientCredentialsInput>): ClientCredentialsInput {
  return { authorization: undefined, clientId: undefined, clientSecret: undefined, ...partial };
}

function fails(
  partial: Partial<ClientCredentialsInput>,
  code: 'invalid_request' | 'invalid_client',
  description?: RegExp,
  compat = strict,
): Promise<void> {
  return assert.rejects(
    () => auth(input(partial), compat),
    (e: unknown) => {
      assert.ok(e instanceof OAuthError);
      assert.equal(e.code, code);
      assert.equal(e.status, code === 'invalid_client' ? 401 : 400);
      if (description) assert.match(e.description, description);
      return true;
    },
  );
}

describe('authenticateClient (RFC 6749 §2.3.1, konnect-spec §2.4)', () => {
  it('accepts client_secret_basic', async () => {
    const r = await auth(input({ authorization: basic('confidential', 's3cret') }), strict);
    assert.equal(r.client.id, 'confidential');
    assert.equal(r.method, 'client_secret_basic');
  });

  it('form-urldecodes both parts of the Basic credentials (+ is a space)', async () => {
    const r = await auth(input({ authorization: basic('odd id:+&', 'pa ss:wörd+%') }), strict);
    assert.equal(r.client.id, 'odd id:+&');
    const plus = `Basic ${Buffer.from('confidential:s3cret').toString('base64')}`;
    assert.equal((await auth(input({ authorization: plus }), strict)).method, 'client_secret_basic');
    const spaces = `basic ${Buffer.from('odd+id%3A%2B%26:pa+ss%3Aw%C3%B6rd%2B%25').toString('base64')}`;
    assert.equal((await auth(input({ authorization: spaces }), strict)).client.id, 'odd id:+&');
  });

  it('accepts client_secret_post', async () => {
    const r = await auth(input({ clientId: 'confidential', clientSecret: 's3cret' }), strict);
    assert.equal(r.method, 'client_secret_post');
  });

  it('accepts a Basic header with the same client_id repeated in the body', async () => {
    const r = await auth(
      input({ authorization: basic('confidential', 's3cret'), clientId: 'confidential' }),
      strict,
    );
    assert.equal(r.method, 'client_secret_basic');
  });

  it('accepts a public client that sends no secret, as method none', async () => {
    assert.equal((await auth(input({ clientId: 'public' }), strict)).method, 'none');
    assert.equal((await auth(input({ clientId: 'public', clientSecret: '' }), strict)).method, 'none');
    assert.equal((await auth(input({ authorization: basic('public', '') }), strict)).method, 'none');
  });

  it('refuses credentials in both the header and the body', async () => {
    await fails(
      { authorization: basic('confidential', 's3cret'), clientSecret: 's3cret' },
      'invalid_request',
      /only one/,
    );
  });

  it('refuses a body client_id that differs from the Basic one', async () => {
    await fails(
      { authorization: basic('confidential', 's3cret'), clientId: 'public' },
      'invalid_request',
      /does not match/,
    );
  });

  it('says client_id is missing when there is none', async () => {
    await fails({}, 'invalid_request', /^client_id is missing$/);
    await fails({ clientSecret: 's3cret' }, 'invalid_request', /^client_id is missing$/);
    await fails({ clientId: '' }, 'invalid_request', /^client_id is missing$/);
  });

  it('refuses an unknown client', async () => {
    await fails({ clientId: 'nobody', clientSecret: 'x' }, 'invalid_client');
    await fails({ authorization: basic('nobody', 'x') }, 'invalid_client');
  });

  it('refuses a wrong or missing secret for a confidential client', async () => {
    await fails({ clientId: 'confidential', clientSecret: 'wrong' }, 'invalid_client');
    await fails({ clientId: 'confidential', clientSecret: 's3cret ' }, 'invalid_client');
    await fails({ clientId: 'confidential' }, 'invalid_client');
    await fails({ authorization: basic('confidential', 'wrong') }, 'invalid_client');
    await fails({ authorization: basic('confidential', '') }, 'invalid_client');
  });

  it('refuses a secret sent by a public client, unless Konnect compatibility accepts any', async () => {
    await fails({ clientId: 'public', clientSecret: 'anything' }, 'invalid_client');
    await fails({ authorization: basic('public', 'anything') }, 'invalid_client');
    const post = await auth(input({ clientId: 'public', clientSecret: 'anything' }), konnect);
    assert.equal(post.method, 'client_secret_post');
    const hdr = await auth(input({ authorization: basic('public', 'x') }), konnect);
    assert.equal(hdr.method, 'client_secret_basic');
  });

  it('still checks configured secrets in Konnect compatibility mode', async () => {
    await fails({ clientId: 'confidential', clientSecret: 'wrong' }, 'invalid_client', undefined, konnect);
  });

  it('refuses malformed Authorization headers as invalid_client', async () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    await fails({ authorization: 'Bearer abc' }, 'invalid_client', /malformed/);
    await fails({ authorization: 'Basic' }, 'invalid_client', /malformed/);
    await fails({ authorization: 'Basic !!!not-base64!!!' }, 'invalid_client', /malformed/);
    await fails({ authorization: `Basic ${b64('confidential')}` }, 'invalid_client', /malformed/);
    await fails({ authorization: `Basic ${b64(':s3cret')}` }, 'invalid_client', /malformed/);
    await fails({ authorization: `Basic ${b64('confidential:%zz')}` }, 'invalid_client', /malformed/);
    await fails({ authorization: b64('confidential:s3cret') }, 'invalid_client', /malformed/);
  });
});

describe('authenticateClient: Basic credentials without the scheme (konnect-spec §9.2)', () => {
  const lenient: CompatRelaxations = { ...strict, lenientTokenRequests: true };
  const bare = (id: string, secret: string): string => Buffer.from(`${id}:${secret}`).toString('base64');

  it('reads a bare base64 header as Basic under lenientTokenRequests, and says so', async () => {
    const r = await auth(input({ authorization: bare('confidential', 's3cret') }), lenient);
    assert.equal(r.client.id, 'confidential');
    assert.equal(r.method, 'client_secret_basic');
    assert.equal(r.schemelessBasic, true);
  });

  it('does not flag a proper Basic header or body credentials', async () => {
    const withScheme = await auth(input({ authorization: basic('confidential', 's3cret') }), lenient);
    assert.equal(withScheme.schemelessBasic, false);
    const post = await auth(input({ clientId: 'confidential', clientSecret: 's3cret' }), lenient);
    assert.equal(post.schemelessBasic, false);
  });

  it('still checks the secret and the header form', async () => {
    await fails({ authorization: bare('confidential', 'wrong') }, 'invalid_client', undefined, lenient);
    await fails({ authorization: 'Bearer abc' }, 'invalid_client', /malformed/, lenient);
    await fails(
      { authorization: Buffer.from('confidential').toString('base64') },
      'invalid_client',
      /malformed/,
      lenient,
    );
  });

  it('refuses the bare header as invalid_client without the relaxation', async () => {
    await fails({ authorization: bare('confidential', 's3cret') }, 'invalid_client', /malformed/);
  });
});

describe('authenticateClient: JWT client assertions (RFC 7523 §2.2, OIDC Core §9)', () => {
  it('accepts private_key_jwt and finds the client by the assertion alone', async () => {
    const r = await auth(input(withAssertion(await assertionOf('keyed'))));
    assert.equal(r.client.id, 'keyed');
    assert.equal(r.method, 'private_key_jwt');
    assert.equal(r.proved, true);
    const withId = await auth(input(withAssertion(await assertionOf('keyed'), { clientId: 'keyed' })));
    assert.equal(withId.method, 'private_key_jwt');
  });

  it('accepts client_secret_jwt from a client with a secret, whatever it registered', async () => {
    const r = await auth(input(withAssertion(await assertionOf('confidential', 's3cret'))));
    assert.equal(r.method, 'client_secret_jwt');
    assert.equal(r.proved, true);
  });

  it('refuses an assertion sent with client_secret or a Basic header as invalid_request', async () => {
    const assertion = await assertionOf('confidential', 's3cret');
    await fails(withAssertion(assertion, { clientSecret: 's3cret' }), 'invalid_request', /only one/);
    await fails(
      withAssertion(assertion, { authorization: basic('confidential', 's3cret') }),
      'invalid_request',
      /only one/,
    );
  });

  it('refuses an assertion without its type, a type alone, or another type', async () => {
    const assertion = await assertionOf('keyed');
    await fails({ clientAssertion: assertion }, 'invalid_request', /together/);
    await fails({ clientAssertionType: JWT_BEARER_ASSERTION_TYPE, clientId: 'keyed' }, 'invalid_request');
    await fails(
      {
        clientAssertionType: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
        clientAssertion: assertion,
      },
      'invalid_request',
      /client_assertion_type must be/,
    );
  });

  it("refuses a body client_id that is not the assertion's subject", async () => {
    await fails(withAssertion(await assertionOf('keyed'), { clientId: 'confidential' }), 'invalid_client');
  });

  it('refuses an assertion naming an unknown client, or none', async () => {
    await fails(withAssertion(await assertionOf('nobody')), 'invalid_client', /client authentication failed/);
    await fails(withAssertion('not-a-jwt'), 'invalid_client');
  });

  it('refuses an HMAC assertion from a client without a secret', async () => {
    await fails(
      withAssertion(await assertionOf('keyed', 'guess')),
      'invalid_client',
      /needs a client secret/,
    );
  });
});

describe('authenticateClient: a registered token_endpoint_auth_method', () => {
  it('private_key_jwt: refuses the right secret, no credentials, and an HMAC assertion', async () => {
    await fails({ authorization: basic('keyed-only', 'unused-secret') }, 'invalid_client', /private_key_jwt/);
    await fails(
      { clientId: 'keyed-only', clientSecret: 'unused-secret' },
      'invalid_client',
      /private_key_jwt/,
    );
    await fails({ clientId: 'keyless-enforced' }, 'invalid_client', /private_key_jwt/);
    await fails(
      withAssertion(await assertionOf('keyed-only', 'unused-secret')),
      'invalid_client',
      /private_key_jwt/,
    );
    assert.equal(
      (await auth(input(withAssertion(await assertionOf('keyed-only'))))).method,
      'private_key_jwt',
    );
  });

  it('client_secret_jwt: refuses the secret sent as such and a signed assertion', async () => {
    await fails(
      { clientId: 'hmac-only', clientSecret: 'hmac-secret-0123456789' },
      'invalid_client',
      /client_secret_jwt/,
    );
    await fails(withAssertion(await assertionOf('hmac-only')), 'invalid_client', /client_secret_jwt/);
    const r = await auth(input(withAssertion(await assertionOf('hmac-only', 'hmac-secret-0123456789'))));
    assert.equal(r.method, 'client_secret_jwt');
  });

  it('client_secret_basic is not enforced, as in Konnect: the body works too', async () => {
    const r = await auth(input({ clientId: 'basic-registered', clientSecret: 'b4sic' }));
    assert.equal(r.method, 'client_secret_post');
  });
});

describe('authenticateClient: whether the client proved who it is', () => {
  it('is false for none and for any secret accepted under Konnect compatibility, true for a secret', async () => {
    assert.equal((await auth(input({ clientId: 'public' }))).proved, false);
    assert.equal((await auth(input({ clientId: 'public', clientSecret: 'x' }), konnect)).proved, false);
    assert.equal((await auth(input({ clientId: 'confidential', clientSecret: 's3cret' }))).proved, true);
  });
});

describe('authenticateClient: a dynamically registered client (RFC 7591), known by its secret hash', () => {
  it('accepts its secret in the header or the body', async () => {
    const r = await auth(input({ authorization: basic('dynamic', 'dyn-s3cret') }));
    assert.equal(r.method, 'client_secret_basic');
    assert.equal(r.proved, true);
    assert.equal((await auth(input({ clientId: 'dynamic', clientSecret: 'dyn-s3cret' }))).proved, true);
  });

  it('is confidential: a wrong or missing secret is refused, even under Konnect compatibility', async () => {
    await fails({ clientId: 'dynamic', clientSecret: 'wrong' }, 'invalid_client');
    await fails({ clientId: 'dynamic', clientSecret: 'wrong' }, 'invalid_client', undefined, konnect);
    await fails({ clientId: 'dynamic' }, 'invalid_client');
  });

  it('gets no Konnect relaxation: no secret accepted when it has none, no Basic without its scheme', async () => {
    const all: CompatRelaxations = {
      anySecretForSecretlessClients: true,
      redirectUriIgnoresQuery: true,
      implicitTrustOnIssuerHost: true,
      lenientTokenRequests: true,
      trustedClientsGetAllScopes: true,
    };
    const file = await auth(input({ clientId: 'public', clientSecret: 'anything' }), all);
    assert.equal(file.proved, false, 'a secretless file client keeps the relaxation');
    await fails({ clientId: 'dynamic-public', clientSecret: 'anything' }, 'invalid_client', undefined, all);
    await fails({ authorization: basic('dynamic-public', 'anything') }, 'invalid_client', undefined, all);
    assert.equal((await auth(input({ clientId: 'dynamic-public' }), all)).method, 'none');
    const bare = Buffer.from('dynamic:dyn-s3cret').toString('base64');
    await fails({ authorization: bare }, 'invalid_client', undefined, all);
    assert.equal((await auth(input({ authorization: `Basic ${bare}` }), all)).proved, true);
  });

  it('cannot use client_secret_jwt, having no secret in plain text', async () => {
    await fails(
      withAssertion(await assertionOf('dynamic', 'dyn-s3cret')),
      'invalid_client',
      /needs a client secret/,
    );
  });
});
