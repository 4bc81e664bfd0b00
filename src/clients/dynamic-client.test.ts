import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientFromMetadata, isDynamicClient } from './dynamic-client.js';
import type { DynamicClientMetadata } from './dynamic-metadata.js';
import { relaxationsFor } from './relaxations.js';
import { testClient } from './test-client.js';
import type { CompatRelaxations } from '../config/types.js';

const KONNECT: CompatRelaxations = {
  anySecretForSecretlessClients: true,
  redirectUriIgnoresQuery: true,
  implicitTrustOnIssuerHost: true,
  lenientTokenRequests: true,
  trustedClientsGetAllScopes: true,
};

const METADATA: DynamicClientMetadata = {
  redirect_uris: ['https://rp.example.org/cb'],
  response_types: ['code'],
  grant_types: ['authorization_code'],
  application_type: 'web',
  token_endpoint_auth_method: 'private_key_jwt',
  jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] },
};

describe('clientFromMetadata', () => {
  it('carries a registered token_endpoint_auth_signing_alg, and none when not registered', () => {
    const signed = clientFromMetadata(
      'dyn-a',
      { ...METADATA, token_endpoint_auth_signing_alg: 'ES256' },
      null,
    );
    assert.equal(signed.tokenEndpointAuthSigningAlg, 'ES256');
    assert.equal('tokenEndpointAuthSigningAlg' in clientFromMetadata('dyn-b', METADATA, null), false);
  });
});

describe('relaxationsFor (DESIGN.md "Konnect compatibility relaxations")', () => {
  it('gives a dynamically registered client none of them, public or confidential', () => {
    for (const secretHash of [null, 'hash']) {
      const client = clientFromMetadata('dyn-a', METADATA, secretHash);
      assert.ok(isDynamicClient(client));
      assert.deepEqual(Object.values(relaxationsFor(client, KONNECT)), [false, false, false, false, false]);
    }
  });

  it('gives a client of the registration file the configured ones', () => {
    const file = testClient({ id: 'file-app', redirectUris: ['https://rp.example.org/cb'] });
    assert.deepEqual(relaxationsFor(file, KONNECT), KONNECT);
  });
});
