import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { paths } from '../paths.js';
import {
  HTTPS_REDIRECT,
  startRegistrationServer,
  WEB_METADATA,
  type RegistrationServer,
} from './test-fixture.js';

/** `levels` nested JSON arrays, as text: `[[[…]]]`. */
function nestedArrays(levels: number): string {
  return '['.repeat(levels) + ']'.repeat(levels);
}

const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
const EC_JWK = { kty: 'EC', crv: 'P-256', x: ecKey.x, y: ecKey.y, kid: 'rp-key' };

describe('dynamic client registration keeps what anyone may register small', () => {
  let server: RegistrationServer;
  before(async () => {
    server = await startRegistrationServer();
  });
  after(() => server.close());

  async function storedMetadata(clientId: unknown): Promise<Readonly<Record<string, unknown>>> {
    const record = await server.fx.storage.dynamicClients.get(String(clientId));
    assert.ok(record, 'the client is stored');
    return record.metadata;
  }

  it('answers 400, not 500, to a JWK with an x5c nested 25,000 deep, and stores nothing', async () => {
    const before = (await server.fx.storage.dynamicClients.list()).length;
    const body = JSON.stringify({ ...WEB_METADATA, jwks: { keys: [{ ...EC_JWK, x5c: [0] }] } }).replace(
      '[0]',
      nestedArrays(25_000),
    );
    const answer = await server.call('POST', paths.registration, { body, contentType: 'application/json' });
    assert.equal(answer.status, 400, answer.text.slice(0, 500));
    assert.equal(answer.json?.['error'], 'invalid_request');
    assert.equal((await server.fx.storage.dynamicClients.list()).length, before);
  });

  it('keeps only the public members of a JWK: a nested x5c and a large member are dropped', async () => {
    const answer = await server.register({
      ...WEB_METADATA,
      jwks: {
        keys: [
          {
            ...EC_JWK,
            x5c: [[[[[[[['not a certificate']]]]]]]],
            x5u: 'a'.repeat(60_000),
            key_ops: ['verify'],
            ext: true,
          },
        ],
      },
    });
    assert.equal(answer.status, 201, answer.text.slice(0, 500));
    assert.deepEqual(answer.json!['jwks'], { keys: [EC_JWK] });
    const stored = await storedMetadata(answer.json!['client_id']);
    assert.ok(JSON.stringify(stored).length < 2_000, 'the stored metadata is small');
    assert.deepEqual(server.deps.clients.get(String(answer.json!['client_id']))?.jwks, { keys: [EC_JWK] });
  });

  it('keeps alg and use of a JWK, and the public members of RSA and OKP keys', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    const okp = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    const keys = [
      { kty: 'RSA', n: rsa.n, e: rsa.e, kid: 'rsa', use: 'sig', alg: 'PS256' },
      { kty: 'OKP', crv: 'Ed25519', x: okp.x, kid: 'okp', alg: 'EdDSA' },
      { ...EC_JWK, alg: 'ES256' },
    ];
    const answer = await server.register({
      ...WEB_METADATA,
      jwks: { keys: keys.map((key) => ({ ...key, x5t: 'thumbprint', extra: { nested: [1] } })) },
    });
    assert.equal(answer.status, 201, answer.text);
    assert.deepEqual(answer.json!['jwks'], { keys });
  });

  const refusedKeys: readonly (readonly [string, Record<string, unknown>, RegExp])[] = [
    ['a kid that is not a string', { ...EC_JWK, kid: ['rp-key'] }, /jwks\.keys\[0\]\.kid must be a string/],
    ['a very long kid', { ...EC_JWK, kid: 'k'.repeat(5_000) }, /jwks\.keys\[0\]\.kid is longer than/],
    [
      'an alg that is not a string',
      { ...EC_JWK, alg: { nested: [] } },
      /jwks\.keys\[0\]\.alg must be a string/,
    ],
    ['a very long alg', { ...EC_JWK, alg: 'A'.repeat(5_000) }, /jwks\.keys\[0\]\.alg is longer than/],
    ['a coordinate that is not a string', { ...EC_JWK, x: [ecKey.x] }, /jwks\.keys\[0\]\.x must be a string/],
    ['a private member nested in an array', { ...EC_JWK, d: [[]] }, /private key material \("d"\)/],
  ];
  for (const [name, key, description] of refusedKeys) {
    it(`refuses a JWK with ${name}`, async () => {
      const answer = await server.register({ ...WEB_METADATA, jwks: { keys: [key] } });
      assert.equal(answer.status, 400, answer.text.slice(0, 500));
      assert.equal(answer.json?.['error'], 'invalid_client_metadata');
      assert.match(String(answer.json?.['error_description']), description);
    });
  }

  it('refuses metadata whose registered form exceeds 16 KiB, and stores nothing', async () => {
    const before = (await server.fx.storage.dynamicClients.list()).length;
    const redirectUris = Array.from({ length: 20 }, (_, i) => `${HTTPS_REDIRECT}/${i}/${'p'.repeat(900)}`);
    const answer = await server.register({ ...WEB_METADATA, redirect_uris: redirectUris });
    assert.equal(answer.status, 400, answer.text.slice(0, 500));
    assert.equal(answer.json?.['error'], 'invalid_client_metadata');
    assert.match(String(answer.json?.['error_description']), /16 KiB/);
    assert.equal((await server.fx.storage.dynamicClients.list()).length, before);
  });

  it('answers 400, not 500, to a body of 25,000 nested arrays', async () => {
    const answer = await server.call('POST', paths.registration, {
      body: nestedArrays(25_000),
      contentType: 'application/json',
    });
    assert.equal(answer.status, 400, answer.text.slice(0, 500));
    assert.equal(answer.json?.['error'], 'invalid_request');
    assert.match(String(answer.json?.['error_description']), /nests/);
  });

  it('answers 400, not 500, to 25,000 nested arrays in an unknown member', async () => {
    const body = JSON.stringify({ ...WEB_METADATA, software_version: 0 }).replace(
      ':0}',
      `:${nestedArrays(25_000)}}`,
    );
    const answer = await server.call('POST', paths.registration, { body, contentType: 'application/json' });
    assert.equal(answer.status, 400, answer.text.slice(0, 500));
    assert.equal(answer.json?.['error'], 'invalid_request');
    assert.match(String(answer.json?.['error_description']), /nests/);
  });

  it('answers 400, not 500, to an update nested 25,000 deep', async () => {
    const registered = await server.register(WEB_METADATA);
    assert.equal(registered.status, 201, registered.text);
    const update = await server.call(
      'PUT',
      new URL(String(registered.json!['registration_client_uri'])).pathname,
      {
        token: String(registered.json!['registration_access_token']),
        body: nestedArrays(25_000),
        contentType: 'application/json',
      },
    );
    assert.equal(update.status, 400, update.text.slice(0, 500));
    assert.equal(update.json?.['error'], 'invalid_request');
  });

  it('still accepts unknown members nested a few levels deep (RFC 7591 §2: ignored)', async () => {
    const answer = await server.register({ ...WEB_METADATA, extension: { a: [{ b: [{ c: 1 }] }] } });
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.json!['extension'], undefined);
  });
});
