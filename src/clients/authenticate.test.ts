import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CompatRelaxations } from '../config/types.js';
import { OAuthError } from '../oauth/errors.js';
import { authenticateClient, type ClientCredentialsInput } from './authenticate.js';
import { ClientRegistry } from './registry.js';
import type { Client } from './types.js';
import { testClient } from './test-client.js';

function client(id: string, secret: string | null): Client {
  return testClient({ id, secret, redirectUris: ['https://rp.example/cb'] });
}

const lookup = ClientRegistry.fromClients([
  client('confidential', 's3cret'),
  client('public', null),
  client('odd id:+&', 'pa ss:wörd+%'),
]);
const strict: CompatRelaxations = {
  anySecretForSecretlessClients: false,
  redirectUriIgnoresQuery: false,
  implicitTrustOnIssuerHost: false,
  lenientTokenRequests: false,
  trustedClientsGetAllScopes: false,
};
const konnect: CompatRelaxations = { ...strict, anySecretForSecretlessClients: true };

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
): void {
  assert.throws(
    () => authenticateClient(lookup, input(partial), compat),
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
  it('accepts client_secret_basic', () => {
    const r = authenticateClient(lookup, input({ authorization: basic('confidential', 's3cret') }), strict);
    assert.equal(r.client.id, 'confidential');
    assert.equal(r.method, 'client_secret_basic');
  });

  it('form-urldecodes both parts of the Basic credentials (+ is a space)', () => {
    const r = authenticateClient(
      lookup,
      input({ authorization: basic('odd id:+&', 'pa ss:wörd+%') }),
      strict,
    );
    assert.equal(r.client.id, 'odd id:+&');
    const plus = `Basic ${Buffer.from('confidential:s3cret').toString('base64')}`;
    assert.equal(
      authenticateClient(lookup, input({ authorization: plus }), strict).method,
      'client_secret_basic',
    );
    const spaces = `basic ${Buffer.from('odd+id%3A%2B%26:pa+ss%3Aw%C3%B6rd%2B%25').toString('base64')}`;
    assert.equal(authenticateClient(lookup, input({ authorization: spaces }), strict).client.id, 'odd id:+&');
  });

  it('accepts client_secret_post', () => {
    const r = authenticateClient(lookup, input({ clientId: 'confidential', clientSecret: 's3cret' }), strict);
    assert.equal(r.method, 'client_secret_post');
  });

  it('accepts a Basic header with the same client_id repeated in the body', () => {
    const r = authenticateClient(
      lookup,
      input({ authorization: basic('confidential', 's3cret'), clientId: 'confidential' }),
      strict,
    );
    assert.equal(r.method, 'client_secret_basic');
  });

  it('accepts a public client that sends no secret, as method none', () => {
    assert.equal(authenticateClient(lookup, input({ clientId: 'public' }), strict).method, 'none');
    assert.equal(
      authenticateClient(lookup, input({ clientId: 'public', clientSecret: '' }), strict).method,
      'none',
    );
    assert.equal(
      authenticateClient(lookup, input({ authorization: basic('public', '') }), strict).method,
      'none',
    );
  });

  it('refuses credentials in both the header and the body', () => {
    fails(
      { authorization: basic('confidential', 's3cret'), clientSecret: 's3cret' },
      'invalid_request',
      /only one/,
    );
  });

  it('refuses a body client_id that differs from the Basic one', () => {
    fails(
      { authorization: basic('confidential', 's3cret'), clientId: 'public' },
      'invalid_request',
      /does not match/,
    );
  });

  it('says client_id is missing when there is none', () => {
    fails({}, 'invalid_request', /^client_id is missing$/);
    fails({ clientSecret: 's3cret' }, 'invalid_request', /^client_id is missing$/);
    fails({ clientId: '' }, 'invalid_request', /^client_id is missing$/);
  });

  it('refuses an unknown client', () => {
    fails({ clientId: 'nobody', clientSecret: 'x' }, 'invalid_client');
    fails({ authorization: basic('nobody', 'x') }, 'invalid_client');
  });

  it('refuses a wrong or missing secret for a confidential client', () => {
    fails({ clientId: 'confidential', clientSecret: 'wrong' }, 'invalid_client');
    fails({ clientId: 'confidential', clientSecret: 's3cret ' }, 'invalid_client');
    fails({ clientId: 'confidential' }, 'invalid_client');
    fails({ authorization: basic('confidential', 'wrong') }, 'invalid_client');
    fails({ authorization: basic('confidential', '') }, 'invalid_client');
  });

  it('refuses a secret sent by a public client, unless Konnect compatibility accepts any', () => {
    fails({ clientId: 'public', clientSecret: 'anything' }, 'invalid_client');
    fails({ authorization: basic('public', 'anything') }, 'invalid_client');
    const post = authenticateClient(lookup, input({ clientId: 'public', clientSecret: 'anything' }), konnect);
    assert.equal(post.method, 'client_secret_post');
    const hdr = authenticateClient(lookup, input({ authorization: basic('public', 'x') }), konnect);
    assert.equal(hdr.method, 'client_secret_basic');
  });

  it('still checks configured secrets in Konnect compatibility mode', () => {
    fails({ clientId: 'confidential', clientSecret: 'wrong' }, 'invalid_client', undefined, konnect);
  });

  it('refuses malformed Authorization headers as invalid_client', () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    fails({ authorization: 'Bearer abc' }, 'invalid_client', /malformed/);
    fails({ authorization: 'Basic' }, 'invalid_client', /malformed/);
    fails({ authorization: 'Basic !!!not-base64!!!' }, 'invalid_client', /malformed/);
    fails({ authorization: `Basic ${b64('confidential')}` }, 'invalid_client', /malformed/);
    fails({ authorization: `Basic ${b64(':s3cret')}` }, 'invalid_client', /malformed/);
    fails({ authorization: `Basic ${b64('confidential:%zz')}` }, 'invalid_client', /malformed/);
    fails({ authorization: b64('confidential:s3cret') }, 'invalid_client', /malformed/);
  });
});

describe('authenticateClient: Basic credentials without the scheme (konnect-spec §9.2)', () => {
  const lenient: CompatRelaxations = { ...strict, lenientTokenRequests: true };
  const bare = (id: string, secret: string): string => Buffer.from(`${id}:${secret}`).toString('base64');

  it('reads a bare base64 header as Basic under lenientTokenRequests, and says so', () => {
    const r = authenticateClient(lookup, input({ authorization: bare('confidential', 's3cret') }), lenient);
    assert.equal(r.client.id, 'confidential');
    assert.equal(r.method, 'client_secret_basic');
    assert.equal(r.schemelessBasic, true);
  });

  it('does not flag a proper Basic header or body credentials', () => {
    const withScheme = authenticateClient(
      lookup,
      input({ authorization: basic('confidential', 's3cret') }),
      lenient,
    );
    assert.equal(withScheme.schemelessBasic, false);
    const post = authenticateClient(
      lookup,
      input({ clientId: 'confidential', clientSecret: 's3cret' }),
      lenient,
    );
    assert.equal(post.schemelessBasic, false);
  });

  it('still checks the secret and the header form', () => {
    fails({ authorization: bare('confidential', 'wrong') }, 'invalid_client', undefined, lenient);
    fails({ authorization: 'Bearer abc' }, 'invalid_client', /malformed/, lenient);
    fails(
      { authorization: Buffer.from('confidential').toString('base64') },
      'invalid_client',
      /malformed/,
      lenient,
    );
  });

  it('refuses the bare header as invalid_client without the relaxation', () => {
    fails({ authorization: bare('confidential', 's3cret') }, 'invalid_client', /malformed/);
  });
});
