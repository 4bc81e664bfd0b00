import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Config } from '../../config/types.js';
import { createFixture } from '../token/test-fixture.js';
import { providerMetadata } from './metadata.js';

const LDAP_SCOPES = ['konnect/uuid', 'konnect/raw_sub', 'konnect/id'];

describe('discovery metadata', () => {
  let base: Config;
  let konnect: Config;
  before(async () => {
    base = (await createFixture()).deps.config;
    konnect = {
      ...base,
      compat: {
        anySecretForSecretlessClients: true,
        redirectUriIgnoresQuery: true,
        implicitTrustOnIssuerHost: true,
        lenientTokenRequests: true,
        trustedClientsGetAllScopes: true,
      },
    };
  });

  const list = (meta: Record<string, unknown>, key: string): string[] => meta[key] as string[];

  it("lists openid and offline_access first, then the backend's Konnect scopes", () => {
    const scopes = list(providerMetadata(konnect, 'PS256', LDAP_SCOPES), 'scopes_supported');
    assert.deepEqual(scopes.slice(0, 2), ['openid', 'offline_access']);
    for (const scope of ['profile', 'email', 'groups', 'konnect/hashed_sub', ...LDAP_SCOPES])
      assert.ok(scopes.includes(scope), scope);
  });

  it('offers konnect/id only when the identity backend does', () => {
    const scopes = list(
      providerMetadata(konnect, 'PS256', ['konnect/uuid', 'konnect/raw_sub']),
      'scopes_supported',
    );
    assert.ok(!scopes.includes('konnect/id'));
    assert.ok(!list(providerMetadata(base, 'PS256'), 'scopes_supported').includes('konnect/raw_sub'));
  });

  it('narrows scopes to openid plus --allow-scope', () => {
    const meta = providerMetadata(
      { ...konnect, allowedScopes: ['profile', 'konnect/id'] },
      'PS256',
      LDAP_SCOPES,
    );
    assert.deepEqual(list(meta, 'scopes_supported'), ['openid', 'profile', 'konnect/id']);
  });

  it("puts Konnect's claims first under compat, then what Sesame releases", () => {
    const claims = list(providerMetadata(konnect, 'PS256', LDAP_SCOPES), 'claims_supported');
    assert.deepEqual(claims.slice(0, 10), [
      'iss',
      'sub',
      'aud',
      'exp',
      'iat',
      'name',
      'family_name',
      'given_name',
      'email',
      'email_verified',
    ]);
    for (const claim of ['preferred_username', 'groups', 'id', 'username', 'kc.uuid'])
      assert.ok(claims.includes(claim), claim);
    assert.equal(new Set(claims).size, claims.length);
  });

  it('lists only the claims of offered scopes', () => {
    const withoutId = list(providerMetadata(konnect, 'PS256', ['konnect/uuid']), 'claims_supported');
    assert.ok(!withoutId.includes('id') && withoutId.includes('kc.uuid'));
    const native = list(providerMetadata(base, 'ES256'), 'claims_supported');
    assert.ok(!native.includes('iss'), 'Konnect’s token claims only under compat');
    assert.ok(native.includes('preferred_username') && native.includes('groups'));
  });

  it('advertises the code, implicit and hybrid flows, the configured signing alg, and none last', () => {
    const meta = providerMetadata(konnect, 'PS256', LDAP_SCOPES);
    assert.deepEqual(meta['response_types_supported'], [
      'code',
      'id_token',
      'id_token token',
      'code id_token',
      'code token',
      'code id_token token',
    ]);
    assert.deepEqual(meta['grant_types_supported'], [
      'authorization_code',
      'implicit',
      'refresh_token',
      'client_credentials',
    ]);
    assert.deepEqual(meta['id_token_signing_alg_values_supported'], ['PS256', 'none']);
    assert.equal(meta['token_endpoint'], 'https://sso.example.com/konnect/v1/token');
  });

  it('accepts claims requests and request objects by value, not by reference', () => {
    const meta = providerMetadata(base, 'ES256');
    assert.equal(meta['claims_parameter_supported'], true);
    assert.equal(meta['request_parameter_supported'], true);
    assert.equal(meta['request_uri_parameter_supported'], false);
    assert.deepEqual(
      [...list(meta, 'request_object_signing_alg_values_supported')].sort(),
      [
        'ES256',
        'ES384',
        'ES512',
        'EdDSA',
        'PS256',
        'PS384',
        'PS512',
        'RS256',
        'RS384',
        'RS512',
        'none',
      ].sort(),
    );
  });

  it('publishes check_session_iframe only when session management is on (kopano-meet.md req. 32)', () => {
    assert.equal(
      providerMetadata({ ...konnect, sessionManagement: true }, 'PS256')['check_session_iframe'],
      'https://sso.example.com/konnect/v1/session/check-session.html',
    );
    assert.equal(
      providerMetadata({ ...konnect, sessionManagement: false }, 'PS256')['check_session_iframe'],
      undefined,
    );
    assert.ok(!('check_session_iframe' in providerMetadata({ ...base, sessionManagement: false }, 'PS256')));
  });
});
