import type { Preset } from './types.js';

/**
 * Any OpenID Connect relying party: the redirect URIs are the ones given with `--redirect-uri`
 * (the app's documentation names them), and the values printed are those of OpenID Connect
 * Discovery 1.0 §3, under their standard names, for whichever of them the app's form asks.
 *
 * Not trusted by default: a generic client may be someone else's service, so its users see
 * the consent page unless `--trusted` is given (see types.ts). Client authentication: HTTP
 * Basic (client_secret_basic), RFC 6749 §2.3.1's default; the secret in the body is accepted too.
 */
export const generic: Preset = {
  name: 'generic',
  app: 'your app',
  docs: [
    'https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata',
    'https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth',
  ],
  clientId: 'app',
  clientName: 'App',
  trusted: false,
  tokenEndpointAuthMethod: 'client_secret_basic',
  scopes: ['openid', 'profile', 'email'],
  redirectUris: ({ redirectUris }) => redirectUris,
  instructions: (v) => ({
    kind: 'form',
    where: 'its OpenID Connect (or OAuth 2.0) settings',
    fields: [
      { label: 'Issuer', value: v.issuer },
      {
        label: 'Discovery URL',
        value: v.endpoints.discovery,
        note: 'enough for apps that discover the rest',
      },
      { label: 'Authorization endpoint', value: v.endpoints.authorize },
      { label: 'Token endpoint', value: v.endpoints.token },
      { label: 'Userinfo endpoint', value: v.endpoints.userinfo },
      { label: 'End session endpoint', value: v.endpoints.endSession },
      { label: 'JWKS URI', value: v.endpoints.jwks },
      { label: 'Client ID', value: v.clientId },
      { label: 'Client secret', value: v.secret },
      { label: 'Scopes', value: v.scopes.join(' ') },
      {
        label: 'Client authentication',
        value: 'client_secret_basic',
        note: 'HTTP Basic; client_secret_post, the secret in the body, works too',
      },
      { label: 'PKCE', value: 'S256', note: 'recommended; required only of clients without a secret' },
      { label: 'Redirect URIs', value: v.registeredRedirectUris.join('\n') },
    ],
  }),
};
