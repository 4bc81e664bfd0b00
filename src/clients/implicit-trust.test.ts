import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClientRegistry } from './registry.js';
import { isProviderPath, implicitlyTrustedClient, resolveClient } from './implicit-trust.js';
import { testClient } from './test-client.js';
import type { CompatRelaxations } from '../config/types.js';
import { paths } from '../endpoints/paths.js';
import { demoCallbackPath } from '../demo.js';

const off: CompatRelaxations = {
  anySecretForSecretlessClients: false,
  redirectUriIgnoresQuery: false,
  implicitTrustOnIssuerHost: false,
  lenientTokenRequests: false,
  trustedClientsGetAllScopes: false,
};
const on: CompatRelaxations = { ...off, implicitTrustOnIssuerHost: true };
const issuer = 'https://meet.example.com';
const registered = testClient({
  id: 'registered',
  secret: 's',
  name: 'Registered',
  redirectUris: ['https://meet.example.com/registered'],
});
const lookup = ClientRegistry.fromClients([registered]);

describe('implicit trust on the issuer origin (konnect-spec §2.3)', () => {
  it('accepts an unregistered client_id whose redirect URI is on the issuer origin, as a trusted public client', () => {
    const client = implicitlyTrustedClient(
      lookup,
      'kpop-https://meet.example.com/meet/',
      'https://meet.example.com/meet/',
      issuer,
      on,
    );
    assert.ok(client);
    assert.equal(client.trusted, true);
    assert.equal(client.secret, null);
    assert.deepEqual(client.redirectUris, ['https://meet.example.com/meet/']);
  });

  it('is off unless Konnect compatibility asks for it', () => {
    assert.equal(implicitlyTrustedClient(lookup, 'x', 'https://meet.example.com/cb', issuer, off), null);
  });

  it("accepts Kopano Meet's redirect URI with its fragment, registering its scheme+host+path (kopano-meet.md req. 9, 11)", () => {
    const client = implicitlyTrustedClient(
      lookup,
      'kpop-https://meet.example.com/meet/',
      'https://meet.example.com/meet/#oidc-silent-refresh',
      issuer,
      on,
    );
    assert.deepEqual(client?.redirectUris, ['https://meet.example.com/meet/']);
  });

  it("never trusts a redirect URI on one of Sesame's own paths, which could pass the response on", () => {
    for (const path of [...Object.values(paths), demoCallbackPath]) {
      const uri = `https://meet.example.com${path}?client_id=evil`;
      assert.equal(implicitlyTrustedClient(lookup, 'x', uri, issuer, on), null, uri);
    }
    for (const uri of [
      'https://meet.example.com/SIGNIN/v1/identifier/_/authorize',
      'https://meet.example.com/meet/../signin/v1/identifier/_/authorize',
      'https://meet.example.com/demo/callback',
      'https://meet.example.com/favicon.ico',
      'https://meet.example.com/%73ignin/v1/identifier/_/authorize',
      'https://meet.example.com/%E0%A4%A',
    ]) {
      assert.equal(implicitlyTrustedClient(lookup, 'x', uri, issuer, on), null, uri);
    }
    assert.ok(implicitlyTrustedClient(lookup, 'x', 'https://meet.example.com/meet/', issuer, on));
    assert.ok(isProviderPath('/konnect/v1/token'));
    assert.equal(isProviderPath('/signing-party/'), false);
  });

  it('never applies to another origin, a look-alike, or a URI with userinfo or control characters', () => {
    for (const uri of [
      'https://evil.example/cb',
      'http://meet.example.com/cb',
      'https://meet.example.com:8443/cb',
      'https://meet.example.com.evil.example/cb',
      'https://meet.example.com@evil.example/cb',
      'https://evil.example/cb#https://meet.example.com/',
      'https://meet.example.com/c\nb',
    ]) {
      assert.equal(implicitlyTrustedClient(lookup, 'x', uri, issuer, on), null, uri);
    }
    assert.equal(implicitlyTrustedClient(lookup, '', 'https://meet.example.com/cb', issuer, on), null);
  });

  it('leaves a registered client its own trusted value and redirect URIs', () => {
    const client = resolveClient(lookup, 'registered', 'https://meet.example.com/elsewhere', issuer, on);
    assert.equal(client, lookup.get('registered'));
    assert.equal(client?.trusted, false);
  });
});
