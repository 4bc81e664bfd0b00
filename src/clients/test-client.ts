import type { Client } from './types.js';

/** A web client with every field at its registration default, for tests; `overrides` win. */
export function testClient(overrides: Partial<Client> & Pick<Client, 'id'>): Client {
  return {
    secret: null,
    name: overrides.id,
    applicationType: 'web',
    redirectUris: [],
    postLogoutRedirectUris: [],
    origins: [],
    trusted: false,
    trustedScopes: [],
    insecure: false,
    codeChallengeMethods: ['S256'],
    jwks: null,
    requestObjectSigningAlg: null,
    idTokenSignedResponseAlg: null,
    userinfoSignedResponseAlg: null,
    backchannelLogoutUri: null,
    backchannelLogoutSessionRequired: false,
    requirePushedAuthorizationRequests: false,
    source: 'test',
    ...overrides,
  };
}
